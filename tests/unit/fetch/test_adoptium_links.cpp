#include <catch2/catch.hpp>

#include <string>

#include "fetch/adoptium.hpp"

using namespace ka::fetch;

TEST_CASE("adoptium: only https links in an API answer are followed") {
  const std::string latest = R"([{"binary":{"architecture":"x64","image_type":"jre","jvm_impl":"hotspot","os":"linux",
    "heap_size":"normal","package":{"checksum":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "checksum_link":"https://x/a.tar.gz.sha256.txt","link":"https://x/a.tar.gz","name":"a.tar.gz",
    "signature_link":"https://x/a.tar.gz.sig","size":12}},"release_name":"jdk-21.0.5+11","vendor":"eclipse",
    "version":{"major":21}}])";
  const JavaRequest req{"21", "jre", "x64"};
  REQUIRE(parse_adoptium_assets(latest, req, "t").ok());
  for (const char* field : {"\"link\":\"https://x/a.tar.gz\"", "\"checksum_link\":\"https://x/a.tar.gz.sha256.txt\"",
                            "\"signature_link\":\"https://x/a.tar.gz.sig\""}) {
    for (const char* scheme : {"file:///etc/", "http://x/", "ftp://x/", "HTTPS-not://x/", "//x/", "/etc/"}) {
      std::string f(field), bad = latest;
      std::string replaced = f.substr(0, f.find(':') + 2) + scheme + "a\"";
      bad.replace(bad.find(f), f.size(), replaced);
      auto p = parse_adoptium_assets(bad, req, "the API");
      INFO(replaced);
      REQUIRE_FALSE(p.ok());
      CHECK(p.error().message.find("only https:// links are followed") != std::string::npos);
    }
  }
}

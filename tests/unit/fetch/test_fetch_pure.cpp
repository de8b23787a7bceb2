#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "fetch/adoptium.hpp"
#include "fetch/catalog.hpp"
#include "fetch/retry.hpp"
#include "fetch/url.hpp"

using namespace ka::fetch;
using namespace std::chrono_literals;

TEST_CASE("catalog: every release 3.6.0..4.3.1, Scala 2.13, 128-hex digests, default 4.3.1") {
  const auto& c = builtin_kafka_catalog();
  std::set<std::string> versions;
  for (const auto& r : c) {
    versions.insert(r.version);
    CHECK(r.scala == "2.13");
    CHECK(std::regex_match(r.sha512, std::regex("[0-9a-f]{128}")));
    CHECK(!r.metadata_version.empty());
  }
  // Every release of the source data from 3.6.0 to 4.3.1 (it has no 3.7.2), all released.
  const std::set<std::string> expected = {"3.6.0", "3.6.1", "3.6.2", "3.7.0", "3.7.1", "3.8.0", "3.8.1",
                                          "3.9.0", "3.9.1", "4.0.0", "4.0.1", "4.1.0", "4.1.1", "4.1.2",
                                          "4.2.0", "4.2.1", "4.3.0", "4.3.1"};
  CHECK(versions == expected);
  CHECK(c.size() == expected.size());
  CHECK(default_kafka_version() == "4.3.1");
  CHECK(KafkaCatalog::builtin().default_version() == "4.3.1");
  CHECK(KafkaCatalog::builtin().is_builtin());
  REQUIRE(find_kafka_release("4.0.0"));
  // From the ASF .sha512 of kafka_2.13-4.0.0.tgz (fixtures README).
  CHECK(find_kafka_release("4.0.0")->sha512.rfind("00722ab0a6b954e0006994b8d589dcd8", 0) == 0);
  CHECK(find_kafka_release("4.2.0")->metadata_version == "4.2-IV1");
  CHECK(find_kafka_release("4.2.0")->tarball_name() == "kafka_2.13-4.2.0.tgz");
  // From Strimzi's kafka-versions.yaml (../shared/fixtures), the ASF .sha512 of each tarball.
  REQUIRE(find_kafka_release("4.2.1"));
  CHECK(find_kafka_release("4.2.1")->sha512.rfind("f643e31266268e920aa98ead9a061026", 0) == 0);
  REQUIRE(find_kafka_release("4.3.0"));
  CHECK(find_kafka_release("4.3.0")->sha512.rfind("ee36cf508b519769e253acdfa13add23", 0) == 0);
  CHECK(find_kafka_release("4.3.0")->metadata_version == "4.3-IV0");
  REQUIRE(find_kafka_release("4.3.1"));
  CHECK(find_kafka_release("4.3.1")->sha512.rfind("c7d7b2318cb51aa0c61d3246a51c3492", 0) == 0);
  CHECK(find_kafka_release("4.3.1")->metadata_version == "4.3-IV0");
  CHECK(find_kafka_release("4.4.0") == nullptr);
  CHECK(find_kafka_release("3.5.2") == nullptr);
}

TEST_CASE("catalog: --catalog FILE replaces the built-in one, named with its digest") {
  auto dir = std::filesystem::temp_directory_path() / ("ka-catalog-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto f = dir / "cat.txt";
  std::ofstream(f) << "9.8.0 2.13 9.8-IV0 " << std::string(128, 'b') << "\n";
  auto c = KafkaCatalog::select(f.string());
  REQUIRE(c.ok());
  CHECK_FALSE(c->is_builtin());
  CHECK(c->default_version() == "9.8.0");
  CHECK(c->find("4.3.1") == nullptr);
  CHECK(c->origin().rfind("--catalog " + f.string() + " (sha256 ", 0) == 0);
  auto missing = KafkaCatalog::select((dir / "nope").string());
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ka::Exit::usage);
  CHECK(KafkaCatalog::select("").ok());
  CHECK(KafkaCatalog::select("")->is_builtin());
  std::filesystem::remove_all(dir);
}

TEST_CASE("catalog: catalog file format") {
  std::string hex(128, 'A');
  auto r = parse_catalog_file("# test\n9.9.1 2.13 9.9-IV0 " + hex + "\n9.8.0 2.13 9.8 " + hex + "\n", "t");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  CHECK((*r)[0].version == "9.8.0");  // sorted, oldest first
  CHECK((*r)[1].sha512 == std::string(128, 'a'));
  CHECK(!parse_catalog_file("9.9.1 2.13 9.9 abc\n", "t").ok());
  CHECK(!parse_catalog_file("9.9.1 2.13\n", "t").ok());
  CHECK(!parse_catalog_file("x.y 2.13 m " + hex + "\n", "t").ok());
  CHECK(!parse_catalog_file("# nothing\n", "t").ok());
}

TEST_CASE("urls: redaction strips userinfo, query and fragment") {
  CHECK(redact_url("https://user:secret@mirror.example/apache/kafka/x.tgz?token=abc#f") ==
        "https://mirror.example/apache/kafka/x.tgz");
  CHECK(redact_url("https://mirror.example/a@b/x.tgz") == "https://mirror.example/a@b/x.tgz");
  CHECK(redact_url("https://tok@host:8443") == "https://host:8443");
  CHECK(redact_url("file:///srv/a.tgz") == "file:///srv/a.tgz");
}

TEST_CASE("urls: source order is mirrors, then downloads.apache.org, then archive.apache.org") {
  auto u = kafka_tarball_urls({"https://m1.example/apache/", "https://m2.example/apache"}, kAsfDownloadsUrl, kAsfArchiveUrl,
                              "4.2.0", "kafka_2.13-4.2.0.tgz");
  REQUIRE(u.size() == 4);
  CHECK(u[0] == "https://m1.example/apache/kafka/4.2.0/kafka_2.13-4.2.0.tgz");
  CHECK(u[1] == "https://m2.example/apache/kafka/4.2.0/kafka_2.13-4.2.0.tgz");
  CHECK(u[2] == "https://downloads.apache.org/kafka/4.2.0/kafka_2.13-4.2.0.tgz");
  CHECK(u[3] == "https://archive.apache.org/dist/kafka/4.2.0/kafka_2.13-4.2.0.tgz");
  // Sidecars: the ASF only.
  auto s = asf_urls(kAsfDownloadsUrl, kAsfArchiveUrl, "kafka/KEYS");
  REQUIRE(s.size() == 2);
  CHECK(s[0] == "https://downloads.apache.org/kafka/KEYS");
  CHECK(join_url("https://a/", "/b") == "https://a/b");
  CHECK(url_encode("jdk-21.0.5+11") == "jdk-21.0.5%2B11");
}

TEST_CASE("retry: which statuses are retried") {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) CHECK(retryable_status(s));
  for (long s : {200L, 301L, 400L, 401L, 403L, 404L, 410L, 416L}) CHECK_FALSE(retryable_status(s));
}

TEST_CASE("retry: capped exponential backoff with equal jitter") {
  RetryPolicy p;
  p.base_delay = 1000ms;
  p.max_delay = 8000ms;
  CHECK(backoff_delay(p, 1, 0.0) == 500ms);
  CHECK(backoff_delay(p, 1, 1.0) == 1000ms);
  CHECK(backoff_delay(p, 2, 0.0) == 1000ms);
  CHECK(backoff_delay(p, 3, 0.5) == 3000ms);
  CHECK(backoff_delay(p, 4, 1.0) == 8000ms);
  CHECK(backoff_delay(p, 5, 1.0) == 8000ms);   // capped
  CHECK(backoff_delay(p, 60, 1.0) == 8000ms);  // no overflow
  CHECK(backoff_delay(p, 60, 0.0) == 4000ms);
}

TEST_CASE("retry: Retry-After as seconds and HTTP-date, capped") {
  const std::time_t now = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
  CHECK(parse_retry_after("120", now) == std::optional<Millis>(120000ms));
  CHECK(parse_retry_after(" 0 ", now) == std::optional<Millis>(0ms));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now) == std::optional<Millis>(30000ms));
  CHECK(parse_retry_after("Sunday, 06-Nov-94 08:50:07 GMT", now) == std::optional<Millis>(30000ms));
  CHECK(parse_retry_after("Sun Nov  6 08:50:07 1994", now) == std::optional<Millis>(30000ms));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == std::optional<Millis>(0ms));  // past
  CHECK_FALSE(parse_retry_after("soon", now));
  CHECK_FALSE(parse_retry_after("", now));
  CHECK_FALSE(parse_retry_after("-5", now));
  RetryPolicy p;
  p.max_retry_after = 60000ms;
  CHECK(next_delay(p, 1, 0.0, 3600000ms) == 60000ms);
  CHECK(next_delay(p, 1, 0.0, 2000ms) == 2000ms);
  CHECK(next_delay(p, 1, 0.0, std::nullopt) == backoff_delay(p, 1, 0.0));
}

namespace {
std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("adoptium: the real feature_releases answer") {
  std::string text = slurp(std::string(KA_SOURCE_DIR) + "/tests/unit/fetch/data/adoptium-v3-temurin-feature-releases.json");
  REQUIRE(!text.empty());
  JavaRequest r{"16", "jdk", "x64"};
  auto p = parse_adoptium_assets(text, r, "fixture");
  REQUIRE(p.ok());
  CHECK(p->release_name == "jdk-16.0.2+7");
  CHECK(p->name == "OpenJDK16U-jdk_x64_linux_hotspot_16.0.2_7.tar.gz");
  CHECK(p->sha256 == "323d6d7474a359a28eff7ddd0df8e65bd61554a8ed12ef42fd9365349e573c2c");
  CHECK(p->size == 205463525);
  CHECK(p->signature_link.size() > 4);
  CHECK(p->signature_link.substr(p->signature_link.size() - 4) == ".sig");
  CHECK(p->checksum_link.find(".sha256.txt") != std::string::npos);
  // aarch64 linux exists only in the 17 betas: the first (newest) one is picked.
  auto a = parse_adoptium_assets(text, JavaRequest{"17", "jdk", "aarch64"}, "fixture");
  REQUIRE(a.ok());
  CHECK(a->release_name == "jdk17-2021-07-31-00-07-beta");
  CHECK(a->name.find("aarch64_linux") != std::string::npos);
  // No JRE in this answer: a clear error naming the request.
  auto none = parse_adoptium_assets(text, JavaRequest{"16", "jre", "x64"}, "fixture");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message.find("jre") != std::string::npos);
}

TEST_CASE("adoptium: the /v3/assets/latest shape and bad answers") {
  std::string latest = R"([{"binary":{"architecture":"x64","image_type":"jre","jvm_impl":"hotspot","os":"linux",
    "heap_size":"normal","package":{"checksum":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "checksum_link":"https://x/a.tar.gz.sha256.txt","link":"https://x/a.tar.gz","name":"a.tar.gz",
    "signature_link":"https://x/a.tar.gz.sig","size":12}},"release_name":"jdk-21.0.5+11","vendor":"eclipse",
    "version":{"major":21}}])";
  auto p = parse_adoptium_assets(latest, JavaRequest{"21", "jre", "x64"}, "t");
  REQUIRE(p.ok());
  CHECK(p->release_name == "jdk-21.0.5+11");
  CHECK(p->sha256 == std::string(64, 'a'));
  CHECK(p->size == 12);
  CHECK_FALSE(parse_adoptium_assets("not json", JavaRequest{}, "t").ok());
  CHECK_FALSE(parse_adoptium_assets("42", JavaRequest{}, "t").ok());
  std::string bad_sum = latest;
  bad_sum.replace(bad_sum.find("AAAA"), 4, "ZZZZ");
  CHECK_FALSE(parse_adoptium_assets(bad_sum, JavaRequest{"21", "jre", "x64"}, "t").ok());
  std::string evil = latest;
  evil.replace(evil.find("\"a.tar.gz\""), 10, "\"../../etc/x\"");
  CHECK_FALSE(parse_adoptium_assets(evil, JavaRequest{"21", "jre", "x64"}, "t").ok());
}

TEST_CASE("adoptium: query URLs and request checks") {
  CHECK(adoptium_query_url("https://api.adoptium.net/", JavaRequest{"21", "jre", "x64"}) ==
        "https://api.adoptium.net/v3/assets/latest/21/hotspot?architecture=x64&heap_size=normal&image_type=jre&os=linux&vendor=eclipse");
  CHECK(adoptium_query_url("https://api.adoptium.net", JavaRequest{"jdk-21.0.5+11", "jdk", "aarch64"}) ==
        "https://api.adoptium.net/v3/assets/release_name/eclipse/jdk-21.0.5%2B11?architecture=aarch64&heap_size=normal&image_type=jdk&os=linux&vendor=eclipse&project=jdk");
  CHECK(check_java_request(JavaRequest{"21", "jre", "x64"}).ok());
  CHECK(check_java_request(JavaRequest{"jdk-17.0.13+11", "jdk", "aarch64"}).ok());
  CHECK_FALSE(check_java_request(JavaRequest{"11", "jre", "x64"}).ok());
  CHECK_FALSE(check_java_request(JavaRequest{"21", "jrx", "x64"}).ok());
  CHECK_FALSE(check_java_request(JavaRequest{"21; rm", "jre", "x64"}).ok());
  CHECK(*adoptium_arch("x86_64") == "x64");
  CHECK(*adoptium_arch("arm64") == "aarch64");
  CHECK_FALSE(adoptium_arch("s390x").ok());
}

#include "fetch/adoptium.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <nlohmann/json.hpp>

#include "core/number.hpp"
#include "fetch/url.hpp"
#include "verify/checksum.hpp"

namespace ka::fetch {

using json = nlohmann::json;

bool is_java_feature_version(const std::string& java) {
  return !java.empty() && java.size() <= 3 &&
         std::all_of(java.begin(), java.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

Status check_java_request(const JavaRequest& r) {
  if (r.image != "jre" && r.image != "jdk")
    return bad_input("--java-image " + r.image + ": expected jre or jdk");
  if (r.arch != "x64" && r.arch != "aarch64")
    return bad_input("--arch " + r.arch + ": expected x64 (x86_64) or aarch64");
  if (is_java_feature_version(r.java)) {
    KA_TRY(int v, parse_number<int>(r.java, "--java"));
    if (v < 17) return bad_input("--java " + r.java + ": Kafka 3.6+ brokers need Java 17 or newer").note("use 17, 21 or 25");
    return ok_status();
  }
  // Release names as Adoptium spells them: jdk-21.0.5+11, jdk-17.0.13+11.
  bool ok = r.java.rfind("jdk", 0) == 0 && r.java.size() < 64 &&
            std::all_of(r.java.begin(), r.java.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.' || c == '_';
            });
  if (!ok)
    return bad_input("--java " + r.java + ": expected a feature version (17, 21, 25), a release name such as jdk-21.0.5+11, or system");
  return ok_status();
}

Result<std::string> adoptium_arch(const std::string& machine) {
  if (machine == "x86_64" || machine == "amd64" || machine == "x64") return std::string("x64");
  if (machine == "aarch64" || machine == "arm64") return std::string("aarch64");
  return bad_input("no Temurin build for this machine (" + machine + ")").note("pass --arch x64 or --arch aarch64, or --java system");
}

std::string adoptium_query_url(const std::string& api_base, const JavaRequest& r) {
  std::string q = "?architecture=" + r.arch + "&heap_size=normal&image_type=" + r.image + "&os=linux&vendor=eclipse";
  if (is_java_feature_version(r.java)) return join_url(api_base, "v3/assets/latest/" + r.java + "/hotspot" + q);
  return join_url(api_base, "v3/assets/release_name/eclipse/" + url_encode(r.java) + q + "&project=jdk");
}

namespace {

std::string str_field(const json& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool binary_matches(const json& b, const JavaRequest& r) {
  if (!b.is_object()) return false;
  if (str_field(b, "os") != "linux" || str_field(b, "architecture") != r.arch || str_field(b, "image_type") != r.image)
    return false;
  std::string impl = str_field(b, "jvm_impl"), heap = str_field(b, "heap_size");
  return (impl.empty() || impl == "hotspot") && (heap.empty() || heap == "normal");
}

Result<TemurinPackage> package_of(const json& b, const std::string& release, const std::string& origin) {
  auto p = b.find("package");
  if (p == b.end() || !p->is_object()) return fail(origin + ": a binary has no package");
  TemurinPackage t;
  t.release_name = release;
  t.name = str_field(*p, "name");
  t.link = str_field(*p, "link");
  t.checksum_link = str_field(*p, "checksum_link");
  t.signature_link = str_field(*p, "signature_link");
  if (auto s = p->find("size"); s != p->end() && s->is_number_unsigned()) t.size = s->get<uint64_t>();
  if (t.name.empty() || t.link.empty())
    return fail(origin + ": the package of " + release + " has no name or link");
  // The answer names what we download next: only over TLS, never file:// (a local file of the
  // API's choosing) nor http:// (anyone on the path could answer).
  const std::pair<const char*, const std::string*> links[] = {
      {"link", &t.link}, {"checksum_link", &t.checksum_link}, {"signature_link", &t.signature_link}};
  for (const auto& [what, url] : links) {
    if (url->empty() || url->rfind("https://", 0) == 0) continue;
    return fail(origin + ": the " + what + " of " + t.name + " is " + redact_url(*url) + "; only https:// links are followed")
        .note("point --adoptium-api-url at the Adoptium API or a mirror that answers with https:// links");
  }
  // A name is used as a file name in the cache: no path separators, no dot-dot.
  if (t.name.find('/') != std::string::npos || t.name == "." || t.name == ".." || t.name.rfind("..", 0) == 0)
    return fail(origin + ": unsafe package name \"" + t.name + "\"");
  auto digest = normalize_hex_digest(str_field(*p, "checksum"), DigestAlgo::sha256, origin + " checksum of " + t.name);
  if (!digest.ok()) return digest.error();
  t.sha256 = *digest;
  return t;
}

}  // namespace

Result<TemurinPackage> parse_adoptium_assets(const std::string& json_text, const JavaRequest& r,
                                             const std::string& origin) {
  json doc = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail(origin + ": the Adoptium API answer is not JSON");
  std::vector<const json*> releases;
  if (doc.is_array()) {
    for (const auto& e : doc) releases.push_back(&e);
  } else if (doc.is_object()) {
    releases.push_back(&doc);
  } else {
    return fail(origin + ": unexpected Adoptium API answer (neither a list nor an object)");
  }
  for (const json* rel : releases) {
    if (!rel->is_object()) continue;
    std::string name = str_field(*rel, "release_name");
    if (auto b = rel->find("binary"); b != rel->end() && binary_matches(*b, r)) return package_of(*b, name, origin);
    if (auto bs = rel->find("binaries"); bs != rel->end() && bs->is_array()) {
      for (const auto& b : *bs)
        if (binary_matches(b, r)) return package_of(b, name, origin);
    }
  }
  return fail(origin + ": no Temurin " + r.java + " " + r.image + " for linux/" + r.arch + " in the Adoptium API answer")
      .note("check --java, --java-image and --arch; or use --java system");
}

}  // namespace ka::fetch

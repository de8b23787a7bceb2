#include "fetch/catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/version.hpp"

namespace ka::fetch {
namespace {

bool is_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

struct ActiveCatalog {
  std::vector<KafkaRelease> releases;
  std::optional<Error> error;
};

void sort_releases(std::vector<KafkaRelease>& rs) {
  std::stable_sort(rs.begin(), rs.end(), [](const KafkaRelease& a, const KafkaRelease& b) {
    auto va = KafkaVersion::parse(a.version), vb = KafkaVersion::parse(b.version);
    return va.ok() && vb.ok() ? *va < *vb : a.version < b.version;
  });
}

const ActiveCatalog& active() {
  static const ActiveCatalog cat = [] {
    ActiveCatalog c;
    c.releases = builtin_kafka_catalog();
    const char* path = std::getenv("KAFKA_APPLIANCE_TEST_CATALOG");
    if (!path || !*path) return c;
    std::ifstream in(path);
    if (!in) {
      c.error = bad_input(std::string("cannot read the test catalog ") + path + " (KAFKA_APPLIANCE_TEST_CATALOG)");
      c.error->note("unset KAFKA_APPLIANCE_TEST_CATALOG: it is a test seam, not for production");
      return c;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto parsed = parse_catalog_file(ss.str(), path);
    if (!parsed.ok()) {
      c.error = parsed.error();
      return c;
    }
    c.releases = std::move(parsed).value();
    return c;
  }();
  return cat;
}

}  // namespace

Result<std::vector<KafkaRelease>> parse_catalog_file(const std::string& text, const std::string& origin) {
  std::vector<KafkaRelease> out;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (auto h = line.find('#'); h != std::string::npos) line.erase(h);
    std::istringstream ls(line);
    KafkaRelease r;
    if (!(ls >> r.version)) continue;
    std::string extra;
    if (!(ls >> r.scala >> r.metadata_version >> r.sha512) || (ls >> extra)) {
      return bad_input(origin + ":" + std::to_string(lineno) + ": expected \"version scala metadata sha512\"");
    }
    if (!KafkaVersion::parse(r.version).ok()) {
      return bad_input(origin + ":" + std::to_string(lineno) + ": not a Kafka version: " + r.version);
    }
    if (r.sha512.size() != 128 || !is_hex(r.sha512)) {
      return bad_input(origin + ":" + std::to_string(lineno) + ": the SHA-512 must be 128 hex digits");
    }
    std::transform(r.sha512.begin(), r.sha512.end(), r.sha512.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    out.push_back(std::move(r));
  }
  if (out.empty()) return bad_input(origin + ": the catalog lists no release");
  sort_releases(out);
  return out;
}

const std::vector<KafkaRelease>& kafka_catalog() { return active().releases; }

Status kafka_catalog_status() {
  if (active().error) return *active().error;
  return ok_status();
}

const KafkaRelease* find_kafka_release(const std::string& version) {
  for (const auto& r : kafka_catalog())
    if (r.version == version) return &r;
  return nullptr;
}

std::string default_kafka_version() {
  const auto& c = kafka_catalog();
  return c.empty() ? std::string() : c.back().version;
}

}  // namespace ka::fetch

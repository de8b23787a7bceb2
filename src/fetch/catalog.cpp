#include "fetch/catalog.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/fs.hpp"
#include "core/version.hpp"
#include "verify/checksum.hpp"

namespace ka::fetch {
namespace {

bool is_hex(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

void sort_releases(std::vector<KafkaRelease>& rs) {
  std::stable_sort(rs.begin(), rs.end(), [](const KafkaRelease& a, const KafkaRelease& b) {
    auto va = KafkaVersion::parse(a.version), vb = KafkaVersion::parse(b.version);
    return va.ok() && vb.ok() ? *va < *vb : a.version < b.version;
  });
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

const KafkaCatalog& KafkaCatalog::builtin() {
  static const KafkaCatalog c = [] {
    KafkaCatalog k;
    k.releases_ = builtin_kafka_catalog();
    sort_releases(k.releases_);
    return k;
  }();
  return c;
}

Result<KafkaCatalog> KafkaCatalog::select(const std::string& file) {
  if (file.empty()) return builtin();
  auto read = read_named_file(file, "--catalog");
  if (!read.ok()) return Error(read.error()).note("name a readable catalog file, or drop --catalog");
  const std::string text = std::move(read).value();
  auto parsed = parse_catalog_file(text, "--catalog " + file);
  if (!parsed.ok()) return Error(parsed.error()).note("each line: VERSION SCALA METADATA_VERSION SHA512, '#' starts a comment");
  KafkaCatalog k;
  k.releases_ = std::move(parsed).value();
  k.file_ = file;
  DigestSink d(DigestAlgo::sha256);
  KA_TRY_STATUS(d.write(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
  k.file_sha256_ = d.hex();
  return k;
}

const KafkaRelease* KafkaCatalog::find(const std::string& version) const {
  for (const auto& r : releases_)
    if (r.version == version) return &r;
  return nullptr;
}

std::string KafkaCatalog::default_version() const { return releases_.empty() ? std::string() : releases_.back().version; }

std::string KafkaCatalog::origin() const {
  return is_builtin() ? "the built-in catalog" : "--catalog " + file_ + " (sha256 " + file_sha256_ + ")";
}

const std::vector<KafkaRelease>& kafka_catalog() { return KafkaCatalog::builtin().releases(); }
const KafkaRelease* find_kafka_release(const std::string& version) { return KafkaCatalog::builtin().find(version); }
std::string default_kafka_version() { return KafkaCatalog::builtin().default_version(); }

}  // namespace ka::fetch

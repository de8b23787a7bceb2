// Builders for the validate tests: realistic configs of each node kind, changed one key at a time.
#pragma once
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "validate/validate.hpp"

namespace vt {

using KV = std::vector<std::pair<std::string, std::string>>;

inline ka::Properties props(const KV& kv) {
  ka::Properties p;
  for (const auto& [k, v] : kv) p.set(k, v);
  return p;
}

// `base` with keys set (value non-empty) or erased (value "-").
inline ka::Properties with(const ka::Properties& base, const KV& changes) {
  ka::Properties p = base;
  for (const auto& [k, v] : changes) {
    if (v == "-")
      p.erase(k);
    else
      p.set(k, v);
  }
  return p;
}

// A realistic config of one node kind: tests/unit/validate/bases/NAME.properties.
inline ka::Properties base(const std::string& name) {
  const auto path = std::filesystem::path(KA_SOURCE_DIR) / "tests/unit/validate/bases" / (name + ".properties");
  std::ifstream in(path);
  REQUIRE(in.good());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto p = ka::Properties::parse(text, path.string());
  REQUIRE(p.ok());
  return *p;
}

inline ka::KafkaVersion ver(const std::string& s) {
  auto v = ka::KafkaVersion::parse(s);
  REQUIRE(v.ok());
  return *v;
}

const std::string kVoters = "1@10.0.1.11:9093,2@10.0.1.12:9093,3@10.0.1.13:9093";
const std::string kBootstrap = "10.0.1.11:9093,10.0.1.12:9093,10.0.1.13:9093";

inline ka::Properties controller() { return base("controller"); }

inline ka::Properties broker() { return base("broker"); }

inline ka::Properties combined() { return base("combined"); }

inline ka::Properties zk_broker() { return base("zk_broker"); }

inline ka::Properties zookeeper() { return base("zookeeper"); }

inline int count(const std::vector<ka::Violation>& vs, const std::string& id, ka::Severity sev) {
  int n = 0;
  for (const auto& v : vs) n += (v.id == id && v.severity == sev) ? 1 : 0;
  return n;
}

inline std::string dump(const std::vector<ka::Violation>& vs) { return ka::format_violations(vs); }

// Every id seen by any test, for the catalog cross-check.
inline std::set<std::string>& seen_ids() {
  static std::set<std::string> ids;
  return ids;
}

// With KA_VALIDATE_CASES_DIR set, every config a test checks is also written there
// (<dir>/<version>/N.properties, <dir>/zookeeper/N.cfg with N.myid), so that
// tests/kafka-config/test_repo_cases.sh can have the real Kafka and ZooKeeper judge them too.
inline void keep_case(const ka::Properties& p, const std::string& kind, const std::string& ext, std::optional<int> myid = std::nullopt,
                      bool myid_file_absent = false) {
  const char* dir = std::getenv("KA_VALIDATE_CASES_DIR");
  if (!dir || !*dir) return;
  static int n = 0;
  std::filesystem::path d = std::filesystem::path(dir) / kind;
  std::filesystem::create_directories(d);
  std::string stem = std::to_string(++n);
  std::ofstream(d / (stem + ext)) << p.serialize();
  if (myid) std::ofstream(d / (stem + ".myid")) << *myid << "\n";
  if (myid_file_absent) std::ofstream(d / (stem + ".nomyid")) << "";
}

inline std::vector<ka::Violation> run(const ka::Properties& p, const std::string& version,
                                      std::optional<ka::FormatOptions> fmt = std::nullopt) {
  if (!fmt) keep_case(p, version, ".properties");  // the format-time rules are not KafkaConfig's
  auto vs = ka::validate_server_properties(p, ver(version), fmt);
  for (const auto& v : vs) seen_ids().insert(v.id);
  return vs;
}

inline std::vector<ka::Violation> run_zk(const ka::Properties& p, std::optional<int> myid, bool myid_file_absent = false) {
  keep_case(p, "zookeeper", ".cfg", myid, myid_file_absent);
  auto vs = ka::validate_zookeeper_properties(p, myid, myid_file_absent);
  for (const auto& v : vs) seen_ids().insert(v.id);
  return vs;
}

}  // namespace vt

// The rule fires as an error / warning / not at all on this version.
#define EXPECT_ERROR(vs, id)                    \
  do {                                          \
    INFO(vt::dump(vs));                         \
    CHECK(vt::count(vs, id, ka::Severity::error) > 0); \
  } while (0)
#define EXPECT_WARNING(vs, id)                    \
  do {                                            \
    INFO(vt::dump(vs));                           \
    CHECK(vt::count(vs, id, ka::Severity::warning) > 0); \
    CHECK(vt::count(vs, id, ka::Severity::error) == 0);  \
  } while (0)
#define EXPECT_NONE(vs, id)                                                                        \
  do {                                                                                             \
    INFO(vt::dump(vs));                                                                            \
    CHECK(vt::count(vs, id, ka::Severity::error) + vt::count(vs, id, ka::Severity::warning) == 0); \
  } while (0)
#define EXPECT_CLEAN(vs)              \
  do {                                \
    INFO(vt::dump(vs));               \
    CHECK_FALSE(ka::has_errors(vs));  \
  } while (0)

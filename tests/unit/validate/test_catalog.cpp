// The rule table is complete: every id the checks emit is catalogued, and every catalogued id has
// a TEST_CASE tagged with it in this directory (one test per rule).
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "helpers.hpp"

namespace {
std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
std::string dir_text(const std::filesystem::path& dir) {
  std::string all;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".cpp") all += slurp(e.path());
  return all;
}
}  // namespace

TEST_CASE("every emitted rule id is in the catalog and has its own test", "[validate][catalog]") {
  std::set<std::string> catalog;
  for (const auto& r : ka::rule_catalog()) {
    INFO(r.id);
    CHECK(catalog.insert(r.id).second);  // unique
    CHECK_FALSE(r.source.empty());
    CHECK_FALSE(r.versions.empty());
  }
  std::string src = dir_text(std::filesystem::path(KA_SOURCE_DIR) / "src/validate");
  std::regex emit(R"re((?:error|warning)\("([a-z0-9.-]+)")re");
  std::set<std::string> emitted;
  for (auto it = std::sregex_iterator(src.begin(), src.end(), emit); it != std::sregex_iterator(); ++it) emitted.insert((*it)[1]);
  CHECK(emitted.size() > 50);
  for (const auto& id : emitted) {
    INFO("emitted but not catalogued: " << id);
    CHECK(catalog.count(id) == 1);
  }
  std::string tests = dir_text(std::filesystem::path(KA_SOURCE_DIR) / "tests/unit/validate");
  for (const auto& id : catalog) {
    INFO("catalogued but emitted nowhere: " << id);
    CHECK(emitted.count(id) == 1);
    INFO("no TEST_CASE tagged [" << id << "]");
    CHECK(tests.find("\"[" + id + "]\"") != std::string::npos);
  }
}

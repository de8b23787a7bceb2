#include <catch2/catch.hpp>
#include <unistd.h>

#include "core/state.hpp"
#include "render/drift.hpp"

using namespace ka;

TEST_CASE("files are classified against what we wrote last") {
  auto root = fs::temp_directory_path() / ("ka-drift-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  nlohmann::json rec = nlohmann::json::object();
  const std::string p = "/etc/kafka/server.properties";
  CHECK(check_file(r, p, "a=1\n", rec)->fate == FileFate::create);
  r.write_file(p, "a=1\n", 0640, Owner{::geteuid(), ::getegid()}).value();
  CHECK(check_file(r, p, "a=1\n", rec)->fate == FileFate::unchanged);
  CHECK(check_file(r, p, "a=2\n", rec)->fate == FileFate::foreign);
  rec[p] = sha256_hex("a=1\n");
  CHECK(check_file(r, p, "a=2\n", rec)->fate == FileFate::update);
  r.write_file(p, "a=1\nmine=yes\n", 0640, Owner{::geteuid(), ::getegid()}).value();
  auto c = check_file(r, p, "a=2\n", rec);
  CHECK(c->fate == FileFate::hand_edited);
  auto e = drift_error({*c});
  CHECK(e.code == Exit::refused);
  CHECK(e.notes[0].find("edited by hand") != std::string::npos);
  // The refusal shows what differs: the hand-added line on disk, the planned one.
  auto has_note = [&](const std::string& text) {
    for (const auto& n : e.notes)
      if (n.find(text) != std::string::npos) return true;
    return false;
  };
  CHECK(has_note("-mine=yes"));
  CHECK(has_note("+a=2"));
  CHECK(has_note("--force"));
  // The one rule for render, bootstrap and plan.
  CHECK(blocks(FileFate::hand_edited, false));
  CHECK(blocks(FileFate::foreign, false));
  CHECK_FALSE(blocks(FileFate::hand_edited, true));
  CHECK_FALSE(blocks(FileFate::update, false));
  StateFile state;
  record_rendered(state, {PlannedFile{p, "a=2\n"}});
  CHECK(state.find("rendered")->at(p) == sha256_hex("a=2\n"));
  CHECK_FALSE(check_drift(r, {PlannedFile{p, "a=2\n"}}, state, false).ok());  // still hand-edited
  CHECK(check_drift(r, {PlannedFile{p, "a=2\n"}}, state, true).ok());
  fs::remove_all(root);
}

TEST_CASE("line diffs show changes with context") {
  auto d = line_diff("a\nb\nc\nd\ne\nf\ng\n", "a\nb\nc\nD\ne\nf\ng\n", 1);
  CHECK(d == " c\n-d\n+D\n e\n");
  CHECK(line_diff("x\n", "x\n").empty());
}

// The one vocabulary of a node's changes: what `plan` and `install --dry-run` print, what
// apply carries out and what its report says it did are values of these types, compared as
// such by the tests.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ka {

// What a step does to one thing: the one vocabulary of plan, apply and their reports.
enum class Action {
  none,     // already as planned
  create,   // a file, directory or release that is not there yet
  update,   // there, and different from the plan
  format,   // storage: run argv (kafka-storage.sh format ...)
  reload,   // systemd: daemon-reload, a unit file changed
  enable,   // unit: enable
  start,    // unit: start, it is not running
  restart,  // unit: restart, the files it reads changed
  join,     // quorum: become a voter of the running dynamic quorum (argv: add-controller, or none: Kafka auto-joins)
  remove,   // the staging directory an interrupted install left behind
};
const char* to_string(Action a);

// user: the kafka system user and group; link: /opt/kafka or /opt/java, pointed at a release.
enum class Kind { user, release, link, dir, file, storage, systemd, unit, quorum };
const char* to_string(Kind k);

struct PlannedChange {
  PlannedChange() = default;
  PlannedChange(Kind k, std::string t, Action a = Action::none, std::string w = {}, std::string d = {},
                std::vector<std::string> args = {}, bool b = false)
      : kind(k), target(std::move(t)), action(a), why(std::move(w)), diff(std::move(d)), argv(std::move(args)), blocked(b) {}
  Kind kind = Kind::file;
  std::string target;  // path, unit, storage directory, or what install will do
  Action action = Action::none;
  std::string why;     // hand edit, foreign storage, "its files changed: ...", "--no-start"
  std::string diff;    // files: line diff of disk -> planned
  std::vector<std::string> argv;  // storage, quorum: the exact command apply runs (secrets in it; print redacted)
  bool blocked = false;  // bootstrap refuses (exit 3): a hand edit without --force, foreign storage, a node ID taken
  bool operator==(const PlannedChange& o) const {
    return kind == o.kind && target == o.target && action == o.action && argv == o.argv;
  }
};

// "create", "update (edited by hand, overwritten (--force))", "format: kafka-storage.sh ..." (redacted).
std::string action_text(const PlannedChange& c);
nlohmann::json to_json(const PlannedChange& c);

// The changes as `plan` prints them: "+ file /etc/kafka/server.properties: create", a diff
// indented below, "! ..." for what is refused; those with Action::none only with
// `show_unchanged`.
std::string changes_text(const std::vector<PlannedChange>& changes, bool show_unchanged);
nlohmann::json changes_json(const std::vector<PlannedChange>& changes);
bool any_change(const std::vector<PlannedChange>& changes);

}  // namespace ka

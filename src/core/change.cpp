#include "core/change.hpp"

#include "core/process.hpp"

namespace ka {

const char* to_string(Action a) {
  switch (a) {
    case Action::none: return "unchanged";
    case Action::create: return "create";
    case Action::update: return "update";
    case Action::format: return "format";
    case Action::reload: return "daemon-reload";
    case Action::enable: return "enable";
    case Action::start: return "start";
    case Action::restart: return "restart";
    case Action::join: return "join";
    case Action::remove: return "remove";
  }
  return "?";
}

const char* to_string(Kind k) {
  switch (k) {
    case Kind::user: return "user";
    case Kind::release: return "release";
    case Kind::link: return "link";
    case Kind::dir: return "dir";
    case Kind::file: return "file";
    case Kind::storage: return "storage";
    case Kind::systemd: return "systemd";
    case Kind::unit: return "unit";
    case Kind::quorum: return "quorum";
  }
  return "?";
}

std::string action_text(const PlannedChange& c) {
  if (c.blocked) return c.why;
  std::string s = to_string(c.action);
  if ((c.action == Action::format || c.action == Action::join) && !c.argv.empty()) return s + ": " + describe_argv(c.argv);
  return c.why.empty() ? s : s + " (" + c.why + ")";
}

// "action" is the sentence `plan` prints; "change" the bare verb, for scripts.
nlohmann::json to_json(const PlannedChange& c) {
  return {{"kind", to_string(c.kind)}, {"target", c.target}, {"action", action_text(c)}, {"change", to_string(c.action)},
          {"why", c.why},             {"diff", c.diff},     {"argv", redact_argv(c.argv)}, {"blocked", c.blocked}};
}

bool any_change(const std::vector<PlannedChange>& changes) {
  for (const auto& c : changes)
    if (c.action != Action::none) return true;
  return false;
}

namespace {
std::string indent(const std::string& text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    out += "    " + text.substr(start, nl == std::string::npos ? std::string::npos : nl - start + 1);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string describe(const PlannedChange& c) {
  if (!c.blocked) return action_text(c);
  return c.why + (c.kind == Kind::storage ? " (bootstrap refuses; it never formats another cluster's storage)"
                                          : " (bootstrap refuses unless --force)");
}

const char* marker(const PlannedChange& c) {
  if (c.blocked) return "! ";
  if (c.action == Action::none) return "  ";
  if (c.action == Action::create) return "+ ";
  if (c.action == Action::remove) return "- ";
  return "~ ";
}
}  // namespace

std::string changes_text(const std::vector<PlannedChange>& changes, bool show_unchanged) {
  std::string o;
  size_t n = 0;
  for (const auto& c : changes) {
    if (c.action == Action::none && !c.blocked && !show_unchanged) continue;
    ++n;
    o += marker(c) + std::string(to_string(c.kind)) + " " + c.target + ": " + describe(c) + "\n";
    if (!c.diff.empty()) o += indent(c.diff);
  }
  if (n == 0) o += "nothing to change\n";
  return o;
}

nlohmann::json changes_json(const std::vector<PlannedChange>& changes) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : changes) j.push_back(to_json(c));
  return j;
}

}  // namespace ka

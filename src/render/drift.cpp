#include "render/drift.hpp"

#include <sstream>

#include "core/state.hpp"

namespace ka {

const char* to_string(FileFate f) {
  switch (f) {
    case FileFate::create: return "create";
    case FileFate::unchanged: return "unchanged";
    case FileFate::update: return "update";
    case FileFate::hand_edited: return "edited by hand";
    case FileFate::foreign: return "not written by kafka-appliance";
  }
  return "?";
}

bool blocks(FileFate fate, bool force) {
  return (fate == FileFate::hand_edited || fate == FileFate::foreign) && !force;
}

Result<FileCheck> check_file(const RootFs& root, const std::string& path, const std::string& planned,
                             const nlohmann::json& recorded) {
  FileCheck c;
  c.path = path;
  c.planned = planned;
  KA_TRY(auto cur, root.read_file(path));
  if (!cur) return c;
  c.current = *cur;
  if (*cur == planned) {
    c.fate = FileFate::unchanged;
    return c;
  }
  auto it = recorded.is_object() ? recorded.find(path) : recorded.end();
  if (it == recorded.end() || !it->is_string()) {
    c.fate = FileFate::foreign;
  } else if (it->get<std::string>() == sha256_hex(*cur)) {
    c.fate = FileFate::update;
  } else {
    c.fate = FileFate::hand_edited;
  }
  return c;
}

std::string line_diff(const std::string& before, const std::string& after, int context) {
  auto lines = [](const std::string& s) {
    std::vector<std::string> v;
    std::istringstream in(s);
    std::string l;
    while (std::getline(in, l)) v.push_back(l);
    return v;
  };
  auto a = lines(before), b = lines(after);
  // LCS table: config files are small (hundreds of lines).
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> L(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;) L[i][j] = a[i] == b[j] ? L[i + 1][j + 1] + 1 : std::max(L[i + 1][j], L[i][j + 1]);
  struct Op { char kind; std::string text; };
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) { ops.push_back({' ', a[i]}); ++i; ++j; }
    else if (j < m && (i == n || L[i][j + 1] > L[i + 1][j])) { ops.push_back({'+', b[j]}); ++j; }
    else { ops.push_back({'-', a[i]}); ++i; }
  }
  std::string out;
  std::vector<bool> show(ops.size(), false);
  for (size_t k = 0; k < ops.size(); ++k) {
    if (ops[k].kind == ' ') continue;
    for (long d = -context; d <= context; ++d) {
      long x = static_cast<long>(k) + d;
      if (x >= 0 && x < static_cast<long>(ops.size())) show[static_cast<size_t>(x)] = true;
    }
  }
  bool gap = false;
  for (size_t k = 0; k < ops.size(); ++k) {
    if (!show[k]) { gap = true; continue; }
    if (gap && !out.empty()) out += "  ...\n";
    gap = false;
    out += ops[k].kind;
    out += ops[k].text + "\n";
  }
  return out;
}

Error drift_error(const std::vector<FileCheck>& blocked) {
  Error e = refuse(std::to_string(blocked.size()) + " file" + (blocked.size() == 1 ? "" : "s") +
                   " changed outside kafka-appliance; refusing to overwrite (nothing was changed)");
  constexpr size_t kMaxDiffLines = 20;
  for (const auto& b : blocked) {
    e.note(b.path + ": " + to_string(b.fate) + "; on disk (-) versus what would be written (+):");
    std::istringstream diff(line_diff(b.current, b.planned));
    std::string line;
    size_t n = 0;
    while (std::getline(diff, line)) {
      if (++n > kMaxDiffLines) {
        e.note("    ... (the whole diff: `kafka-appliance plan`)");
        break;
      }
      e.note("    " + line);
    }
  }
  e.note("carry the change into the flags or --set, or run again with --force to overwrite");
  return e;
}

Status check_drift(const RootFs& root, const std::vector<PlannedFile>& files, const StateFile& state, bool force) {
  const nlohmann::json recorded = state.find("rendered") ? *state.find("rendered") : nlohmann::json::object();
  std::vector<FileCheck> blocked;
  for (const auto& f : files) {
    KA_TRY(auto c, check_file(root, f.path.string(), f.content, recorded));
    if (blocks(c.fate, force)) blocked.push_back(std::move(c));
  }
  if (!blocked.empty()) return drift_error(blocked);
  return ok_status();
}

void record_rendered(StateFile& state, const std::vector<PlannedFile>& files) {
  auto& rendered = state.section("rendered");
  for (const auto& f : files) rendered[f.path.string()] = sha256_hex(f.content);
}

}  // namespace ka

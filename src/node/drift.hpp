// Files the tool writes versus what is on disk: a file the tool wrote and a person changed since
// is never overwritten silently (`plan` shows it, `bootstrap` refuses with exit 3 unless --force).
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/result.hpp"

namespace ka {

enum class FileFate {
  create,       // not there yet
  unchanged,    // on disk exactly as planned
  update,       // we wrote it, nobody touched it, the plan changes it
  hand_edited,  // we wrote it, someone changed it since, and the plan differs from what is there
  foreign,      // there, not written by us, and different from the plan
};
const char* to_string(FileFate f);

struct FileCheck {
  std::string path;  // target path
  FileFate fate = FileFate::create;
  std::string current;  // content on disk ("" when absent)
};

// `recorded` is the state's "rendered" section: {path: sha256 of what we last wrote}.
Result<FileCheck> check_file(const RootFs& root, const std::string& path, const std::string& planned,
                             const nlohmann::json& recorded);

// The exit-3 refusal for hand-edited or foreign files, with a diff hint and the way out.
Error drift_error(const std::vector<FileCheck>& blocked);

// A unified-style line diff (for `plan` and the refusal): "-old" / "+new" lines with context.
std::string line_diff(const std::string& before, const std::string& after, int context = 2);

}  // namespace ka

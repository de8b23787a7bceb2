// Files the tool writes versus what is on disk: a file the tool wrote and a person changed since,
// or one it never wrote, is never overwritten silently (`plan` shows it, `render` and `bootstrap`
// refuse with exit 3 unless --force). The one place of that rule for every command.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/result.hpp"
#include "core/state.hpp"
#include "render/render.hpp"

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
  std::string planned;  // content we would write
};

// hand_edited and foreign files are kept unless the user said --force.
bool blocks(FileFate fate, bool force);

// `recorded` is the state's "rendered" section: {path: sha256 of what we last wrote}.
Result<FileCheck> check_file(const RootFs& root, const std::string& path, const std::string& planned,
                             const nlohmann::json& recorded);

// The exit-3 refusal for hand-edited or foreign files: each file, its diff, the way out.
Error drift_error(const std::vector<FileCheck>& blocked);

// Checks every file of `files` against disk and the state's "rendered" section: the refusal
// above when any is blocked, before anything is written.
Status check_drift(const RootFs& root, const std::vector<PlannedFile>& files, const StateFile& state, bool force);
// Records what was written (path -> sha256 of the content) in the state's "rendered" section,
// so that a later edit by hand is recognised. The caller saves the state.
void record_rendered(StateFile& state, const std::vector<PlannedFile>& files);

// A unified-style line diff (for `plan` and the refusal): "-old" / "+new" lines with context.
std::string line_diff(const std::string& before, const std::string& after, int context = 2);

}  // namespace ka

// The service account and the directories of a Kafka node (DESIGN.md §2). Users are created
// with the distribution's own useradd/groupadd, always given --root, and looked up by reading
// <root>/etc/passwd and <root>/etc/group (never getpw*/getgr* in a static binary).
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace ka::install {

inline constexpr const char* kServiceUser = "kafka";
inline constexpr const char* kServiceGroup = "kafka";
inline constexpr const char* kServiceHome = "/var/lib/kafka";

// argv of the commands that create the group and the user under `root` (pure, for plans/tests).
std::vector<std::string> groupadd_argv(const fs::path& root);
std::vector<std::string> useradd_argv(const fs::path& root);

// Creates the kafka group and user when missing; returns what it did ("created group kafka").
Result<std::vector<std::string>> ensure_service_user(const RootFs& rfs, ProcessRunner& runner);

struct DirSpec {
  std::string path;
  mode_t mode;
  std::string user;   // "root" or the service user
  std::string group;
};
// The directories of DESIGN.md §2, with the download cache.
std::vector<DirSpec> service_dirs(const std::string& cache_dir);
// Creates or fixes one of them; the user owning it must exist.
Result<Change> ensure_service_dir(const RootFs& rfs, const DirSpec& d);

}  // namespace ka::install

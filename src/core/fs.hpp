// The filesystem under --root: every path the tool touches is an absolute target path
// ("/etc/kafka/server.properties") mapped under the root. Files are written atomically
// (temp file in the same directory, fsync, rename, fsync of the directory) and only when
// their content, mode or owner differ, so a second identical run changes nothing.
#pragma once
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace ka {

namespace fs = std::filesystem;

enum class Change { unchanged, created, updated };
const char* to_string(Change c);

struct Owner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Users and groups read from <root>/etc/passwd and <root>/etc/group directly: a static glibc
// binary must never call getpw*/getgr* (NSS modules are dlopen'ed and crash it).
std::optional<uid_t> lookup_uid(const fs::path& root, const std::string& user);
std::optional<gid_t> lookup_gid(const fs::path& root, const std::string& group);

class RootFs {
 public:
  explicit RootFs(fs::path root) : root_(std::move(root)) {}
  const fs::path& root() const { return root_; }
  // "/etc/kafka" -> "<root>/etc/kafka"
  fs::path host_path(const fs::path& target) const;

  Result<Change> write_file(const fs::path& target, const std::string& content, mode_t mode, Owner owner) const;
  Result<Change> ensure_dir(const fs::path& target, mode_t mode, Owner owner) const;
  // Points `link` at `dest` by renaming a new symlink over the old one (atomic switch).
  Result<Change> ensure_symlink(const fs::path& link, const fs::path& dest) const;
  Result<std::optional<std::string>> read_file(const fs::path& target) const;
  // What ensure_dir and ensure_symlink would do, changing nothing (the plans). `owner` nullopt:
  // an owner that does not exist yet (the kafka user before install creates it).
  Change preview_dir(const fs::path& target, mode_t mode, std::optional<Owner> owner) const;
  Change preview_symlink(const fs::path& link, const fs::path& dest) const;

 private:
  fs::path root_;
};

// Raw helpers on host paths.
Result<Change> write_file_atomic(const fs::path& path, const std::string& content, mode_t mode, Owner owner);
Status fsync_dir(const fs::path& dir);
std::string errno_text(int err);
// The whole file at `p`; nullopt when there is none. Other errors name the path and the reason.
Result<std::optional<std::string>> read_whole_file(const fs::path& p);
// The whole of a file the user named: a missing or unreadable one is bad input, "cannot read
// <what> <path>: <reason>", where `what` says where the path came from ("--keys", "template";
// "" for a path that speaks for itself).
Result<std::string> read_named_file(const fs::path& p, const std::string& what);

}  // namespace ka

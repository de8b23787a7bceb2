// The release layout under /opt (DESIGN.md §2): each release unpacked into its own directory,
// staged as `<dir>.partial.<pid>` and renamed into place only once every check passed, with a
// symlink (/opt/kafka, /opt/java) switched by renaming a new link over the old one. Older
// releases stay for rollback.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/result.hpp"

namespace ka::install {

namespace fs = std::filesystem;

inline constexpr const char* kOptDir = "/opt";
inline constexpr const char* kKafkaLink = "/opt/kafka";
inline constexpr const char* kJavaLink = "/opt/java";
inline constexpr const char* kStateDir = "/var/lib/kafka-appliance";

// "kafka_2.13-3.9.1"
std::string kafka_dir_name(const std::string& scala, const std::string& version);
// The top-level directory of a Temurin tarball ("jdk-21.0.5+11-jre") -> "temurin-21.0.5+11-jre".
std::string temurin_dir_name(const std::string& archive_top);
// "kafka_2.13-3.9.1.tgz" -> {"2.13", "3.9.1"}; false when the name is not a Kafka release's.
bool parse_kafka_tarball_name(const std::string& file_name, std::string& scala, std::string& version);

// Staging directories of runs that died (kill -9, power loss), and trees swapped out by a run
// that died before removing them: names this tool makes in /opt, and only those.
bool is_stale_staging_name(const std::string& name);
// The names of those in /opt, sorted.
Result<std::vector<std::string>> find_stale_staging(const RootFs& rfs);
// Removes them; the caller holds the install lock, so no live run owns any of them.
Result<std::vector<std::string>> remove_stale_staging(const RootFs& rfs);

// A release being unpacked: `<root>/opt/<name>.partial.<pid>`, removed whole unless committed.
class Staging {
 public:
  static Result<Staging> create(const RootFs& rfs, const std::string& dir_name);
  Staging(Staging&& o) noexcept;
  Staging& operator=(Staging&&) = delete;
  ~Staging();
  const fs::path& path() const { return path_; }  // host path of the staging directory
  // Renamed to its final name once the tree is on disk (syncfs): atomically exchanged with an
  // existing directory of that name (a tree left by a run that died before recording it).
  // `final_name` may differ from the name given to create() (a JDK's name is known only after
  // unpacking).
  Status commit(const std::string& final_name);
  void discard();

 private:
  Staging(fs::path opt, fs::path path) : opt_(std::move(opt)), path_(std::move(path)) {}
  fs::path opt_;
  fs::path path_;
  bool active_ = true;
};

// Removes group and other write bits everywhere in the tree (directories libarchive made for
// entries without their own), then returns a digest of its manifest: every path with its type,
// mode, size, mtime and symlink target, plus the SHA-256 of every file under bin/, config/ and
// conf/ (what runs and what configures it), so a second run can tell that an installed tree is
// still what was unpacked, even after an edit that kept a script's size and mtime.
Result<std::string> seal_tree(const fs::path& dir);
Result<std::string> tree_digest(const fs::path& dir);

}  // namespace ka::install

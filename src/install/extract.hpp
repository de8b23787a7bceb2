// Safe streaming extraction of release tarballs (DESIGN.md §3).
//
// Bytes arrive in chunks (from a download or a local file) through the ByteSink interface; a
// reader thread runs libarchive over a bounded queue of those chunks, so that download, hashing
// and unpacking overlap and memory stays bounded whatever the tarball's size.
//
// On top of libarchive's secure flags the extractor refuses, on the first bad entry: absolute
// paths, ".." components, entries outside the expected top-level directory, symlinks whose
// target (followed through the archive's other symlinks) leaves the tree, hardlinks to anything
// but a regular file already extracted, hardlinks that carry data, device nodes, FIFOs and
// sockets, paths through a symlink or a file, a name taken twice (a directory may repeat), a
// name of another type where a directory was made (also implicitly, as a deeper entry's
// parent), and archive bombs (total size, entry count, expansion ratio; every byte a file gets
// counts). After each entry it lstat()s what is on disk and refuses anything but what the entry
// was to make. setuid/setgid/sticky bits and group/other write bits are dropped: a release
// is owned by root and never writable by the service user.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/stream.hpp"

namespace ka::install {

namespace fs = std::filesystem;

struct ExtractLimits {
  uint64_t max_total_bytes = 2ull << 30;  // sum of the entries' sizes
  uint64_t max_entries = 100000;
  // Uncompressed bytes per compressed byte. Kafka's tarball (mostly jars, already deflated)
  // expands ~1.1x and a JDK ~2.5x; 1 GiB of zeros gzipped expands ~1000x.
  double max_ratio = 100.0;
  // The ratio is only judged past this many uncompressed bytes: small archives of text
  // legitimately compress very well.
  uint64_t ratio_floor_bytes = 64ull << 20;
};

struct ExtractOptions {
  // The single top-level directory the archive must have ("kafka_2.13-3.9.1"); it is stripped,
  // its contents land directly in the destination. Empty: any single top-level directory.
  std::string expected_top;
  ExtractLimits limits;
  // Bytes queued between the producer (download) and the extracting thread.
  size_t queue_bytes = 4u << 20;
};

struct ExtractStats {
  uint64_t entries = 0;
  uint64_t bytes_out = 0;  // uncompressed file bytes written
  uint64_t bytes_in = 0;   // compressed bytes consumed
  std::string top;         // the top-level directory that was stripped
  std::vector<std::string> dropped_special_bits;  // entries whose setuid/setgid/sticky bits were dropped
};

// Extracts into `dest`, an existing empty directory the caller owns (a `.partial.<pid>`
// staging directory): on any error the caller removes it whole. write() returns the
// extractor's error as soon as it is known, so a download can stop early.
class ExtractSink final : public ByteSink {
 public:
  ExtractSink(fs::path dest, ExtractOptions opts, std::string origin);
  ~ExtractSink() override;  // stops and joins the reader thread if finish() was not reached
  ExtractSink(const ExtractSink&) = delete;
  ExtractSink& operator=(const ExtractSink&) = delete;

  Status write(const unsigned char* data, size_t n) override;
  // End of stream: waits for the reader thread; the archive must end cleanly.
  Status finish() override;
  const ExtractStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Pure checks, exposed for tests and for planning.
// "kafka_2.13-3.9.1/bin/x" with top "kafka_2.13-3.9.1" -> "bin/x"; the error says why not.
Result<std::string> strip_entry_path(const std::string& entry, const std::string& top);
// Resolves `target`, the target of a symlink at `link` (both relative to the tree), through the
// symlinks known so far; nullopt when it leaves the tree (or loops).
class SymlinkTable {
 public:
  void add(const std::string& link, const std::string& target);
  bool contains(const std::string& path) const;
  // Where the link resolves, as a normalized relative path ("" = the tree's root); the error
  // says how it escapes.
  Result<std::string> resolve(const std::string& link) const;
  // Every link resolved against the complete table: a link created before the one it
  // traverses is caught here.
  Status check_all(const std::string& origin) const;

 private:
  std::map<std::string, std::string> links_;
};

}  // namespace ka::install

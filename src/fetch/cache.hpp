// The download cache (--cache-dir, under --root), content-addressed:
//   verified/<algo>-<hex>/<name>   an artifact whose digest and signature were checked
//   partial/<algo>-<hex>.part      bytes of an unfinished download (resumed by the next run)
//   index/<key>.json               what a name resolved to (version -> digest), for offline runs
//   keys/                          keys fetched once and checked against a pinned fingerprint
// Only commit() puts a file under verified/, and only callers that verified it call commit().
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/stream.hpp"
#include "verify/checksum.hpp"

namespace ka::fetch {

const char* algo_name(DigestAlgo a);  // "sha512", "sha256"

class Cache {
 public:
  explicit Cache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  std::filesystem::path verified_file(DigestAlgo a, const std::string& hex, const std::string& name) const;
  std::filesystem::path part_file(DigestAlgo a, const std::string& hex) const;
  std::filesystem::path key_file(const std::string& name) const { return dir_ / "keys" / name; }

  Status prepare() const;
  // fsyncs the .part and renames it to verified/<algo>-<hex>/<name>.
  Result<std::filesystem::path> commit(const std::filesystem::path& part, DigestAlgo a, const std::string& hex,
                                       const std::string& name) const;
  // Re-hashes a cached file (a disk can rot, a person can edit), streaming it into `consumer`
  // too. nullopt when it is not cached; a corrupt entry is removed and reported as absent.
  Result<std::optional<std::filesystem::path>> reuse(DigestAlgo a, const std::string& hex, const std::string& name,
                                                     ByteSink* consumer) const;

  Result<std::optional<std::string>> read_index(const std::string& key) const;
  Status write_index(const std::string& key, const std::string& json_text) const;

 private:
  std::filesystem::path dir_;
};

// Hashes a file, feeding each chunk to `also` when given.
Result<std::string> hash_file(const std::filesystem::path& p, DigestAlgo a, ByteSink* also);

}  // namespace ka::fetch

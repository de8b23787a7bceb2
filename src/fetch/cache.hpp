// The download cache (--cache-dir, under --root), content-addressed:
//   verified/<algo>-<hex>/<name>   an artifact whose digest and signature were checked, with
//   verified/<algo>-<hex>/<sig>    the detached signature it was checked against (when one was had),
//   verified/<algo>-<hex>/trust.json  how it was trusted (trust level, signer, signature file)
//   partial/<algo>-<hex>.part      bytes of an unfinished download (resumed by the next run)
//   index/<key>.json               what a name resolved to (version -> digest), for offline runs
//   keys/                          keys fetched once and checked against a pinned fingerprint
// Only commit() puts a file under verified/, and only callers that verified it call commit().
// Nothing in the cache is trusted on its own word: the index only says where to look, and a
// cached artifact is checked again (digest and signature, with the keys in effect now) before
// use. A cache that someone other than root (or the user running us) could write is refused.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/stream.hpp"
#include "verify/checksum.hpp"

namespace ka::fetch {

const char* algo_name(DigestAlgo a);  // "sha512", "sha256"

// A detached signature kept beside a cached artifact.
struct CachedSignature {
  std::string name;  // "kafka_2.13-4.3.1.tgz.asc"
  std::string text;
};

// What commit() recorded about an artifact; the artifact itself is not re-checked by lookup().
struct CacheEntry {
  std::filesystem::path file;
  std::optional<CachedSignature> signature;
  // The live ASF KEYS that knew the signer of a catalogued release (kept as "KEYS"), if any.
  std::optional<std::string> live_keys;
  std::string trust;   // as recorded; informational only (callers re-derive it)
  std::string signer;  // as recorded; informational only
};

class Cache {
 public:
  explicit Cache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  const std::filesystem::path& dir() const { return dir_; }

  std::filesystem::path verified_file(DigestAlgo a, const std::string& hex, const std::string& name) const;
  std::filesystem::path part_file(DigestAlgo a, const std::string& hex) const;
  std::filesystem::path key_file(const std::string& name) const { return dir_ / "keys" / name; }

  // Refuses (exit 3) a cache directory, or one of its parts, that is not a directory owned by
  // root (or by the effective user) or that is writable by group or others: whoever can write
  // there could plant what we install. A cache that does not exist yet is fine.
  Status check_safe() const;
  // Creates the layout (0755) and checks it.
  Status prepare() const;
  // fsyncs the .part and renames it to verified/<algo>-<hex>/<name>, with `sig` and `live_keys`
  // (if any) and a trust.json recording `trust` and `signer` beside it.
  Result<std::filesystem::path> commit(const std::filesystem::path& part, DigestAlgo a, const std::string& hex,
                                       const std::string& name, const std::optional<CachedSignature>& sig,
                                       const std::optional<std::string>& live_keys, const std::string& trust,
                                       const std::string& signer) const;
  // The entry for the artifact, if cached (its owner and mode checked like the cache's).
  Result<std::optional<CacheEntry>> lookup(DigestAlgo a, const std::string& hex, const std::string& name) const;
  // Re-hashes a cached file (a disk can rot, a person can edit), streaming it into `consumer`
  // too. nullopt when it is not cached; a corrupt entry is removed and reported as absent, or as
  // an error when `consumer` has seen its bytes and cannot start over (`disposable` false).
  Result<std::optional<std::filesystem::path>> reuse(DigestAlgo a, const std::string& hex, const std::string& name,
                                                     ByteSink* consumer, bool disposable = false) const;
  // Removes an entry that failed a check.
  void remove(DigestAlgo a, const std::string& hex) const;

  Result<std::optional<std::string>> read_index(const std::string& key) const;
  Status write_index(const std::string& key, const std::string& json_text) const;

 private:
  std::filesystem::path dir_;
};

// Hashes a file, feeding each chunk to `also` when given.
Result<std::string> hash_file(const std::filesystem::path& p, DigestAlgo a, ByteSink* also);

}  // namespace ka::fetch

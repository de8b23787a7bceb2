// /var/lib/kafka-appliance/state.json (root 0600): what was installed and rendered, with
// digests; the basis of idempotency, `plan`, hand-edit detection and rollback. Each area owns
// one top-level section ("install", "rendered", "node") and leaves the others as it found them.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/fs.hpp"
#include "core/result.hpp"

namespace ka {

inline constexpr const char* kStatePath = "/var/lib/kafka-appliance/state.json";

class StateFile {
 public:
  // A missing file is an empty state; an unreadable or corrupt one is an error naming it.
  static Result<StateFile> load(const RootFs& root);
  nlohmann::json& section(const std::string& name);
  const nlohmann::json* find(const std::string& name) const;
  // Atomic write; unchanged content is not rewritten.
  Result<Change> save(const RootFs& root) const;

 private:
  nlohmann::json doc_ = nlohmann::json::object();
};

// Lower-case hex SHA-256 of a string (file contents recorded in the state).
std::string sha256_hex(const std::string& data);

}  // namespace ka

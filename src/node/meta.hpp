// meta.properties: the identity Kafka writes into every log directory when storage is formatted.
// It decides whether `format` has nothing to do, has work to do, or must refuse to protect data.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/result.hpp"

namespace ka {

struct MetaProperties {
  int version = 1;                 // 1: KRaft; 0: ZooKeeper-mode broker
  std::string cluster_id;
  std::optional<int> node_id;      // node.id (v1) or broker.id (v0)
  std::string directory_id;        // v1 only, may be empty before 3.7
};

// Parses the text of a meta.properties file; `origin` names it in errors.
Result<MetaProperties> parse_meta_properties(const std::string& text, const std::string& origin);

enum class DirState { empty, ours, foreign };

struct DirCheck {
  std::string dir;  // target path (e.g. /var/lib/kafka/data)
  DirState state = DirState::empty;
  std::optional<MetaProperties> meta;
  std::string why;  // for foreign: what differs
};

struct StorageCheck {
  std::vector<DirCheck> dirs;
  bool all_formatted() const;
  bool any_formatted() const;
  bool any_foreign() const;
};

// Looks at every log directory and the metadata directory: empty (no meta.properties; a
// directory holding other files is foreign data, not empty), ours (same cluster and node ID)
// or foreign (another cluster's or node's).
Result<StorageCheck> check_storage(const RootFs& root, const std::vector<std::string>& dirs,
                                   const std::string& cluster_id, int node_id);

// The exit-3 refusal naming both IDs and the way out.
Error foreign_storage_error(const StorageCheck& check, const std::string& cluster_id, int node_id);

}  // namespace ka

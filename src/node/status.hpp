// `status`: role, IDs, version, units, listeners and quorum of this node, for people and --json.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"
#include "install/state.hpp"
#include "node/health.hpp"
#include "node/systemd.hpp"

namespace ka {

struct NodeStatus {
  NodeFacts facts;
  std::string role;          // controller, broker, combined, zk-broker, zookeeper
  std::string cluster_id;    // from meta.properties
  std::string kafka_version; // from the /opt/kafka link target
  std::optional<UnitState> unit;
  std::string systemd_note;  // why unit state is unknown
  // What state.json records of the installed Kafka and Java: how each was trusted, and any trust
  // root an explicit flag replaced (--catalog, --private-build, --keys, --adoptium-key).
  std::vector<install::InstalledRelease> installed;
  Health health;
  bool healthy() const;
};

// `systemd` may be null (no live systemd here): unit state is then reported as unknown.
// `env` reaches Kafka (node/health.hpp: kafka_env(deps)).
Result<NodeStatus> collect_status(const RootFs& root, const kafka::Env& env, Systemd* systemd,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(3),
                                  std::chrono::milliseconds serve_timeout = std::chrono::seconds(15));
nlohmann::json status_json(const NodeStatus& s);
std::string status_text(const NodeStatus& s);

}  // namespace ka

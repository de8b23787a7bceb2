// Is this node healthy? Read from what is on disk (the rendered config) and what answers on the
// network, so `status` works on any node, whoever rendered it, and `bootstrap` waits on it.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/deps.hpp"
#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/properties.hpp"
#include "core/result.hpp"
#include "kafka/env.hpp"
#include "node/quorum.hpp"

namespace ka {

enum class NodeKind { kraft, zk_broker, zookeeper };

// The node as its config files describe it.
struct NodeFacts {
  NodeKind kind = NodeKind::kraft;
  std::string config_path;           // target path of server.properties or zookeeper.properties
  Properties config;
  int node_id = -1;
  bool controller = false, broker = false;
  std::string kafka_home = "/opt/kafka";
  std::string unit;                  // kafka.service or zookeeper.service
  std::vector<std::pair<std::string, std::string>> probes;  // (label, host:port) to connect to
  // KRaft: the controllers to ask for the quorum (DescribeQuorum, natively): a controller's own
  // controller listener first, then those its config names (controller.quorum.bootstrap.servers,
  // else the addresses of controller.quorum.voters). A broker asks them directly, not through
  // itself: a broker forwards DescribeQuorum on a channel that keeps a cut-off controller for 30 s.
  std::vector<std::string> controllers;
  std::string broker_endpoint;       // host:port of this node's own PLAINTEXT broker listener ("" when none)
  std::string broker_listener_note;  // why there is none although the node is a broker
  long fetch_timeout_ms = 2000;      // controller.quorum.fetch.timeout.ms: how far behind is "caught up"
  std::string zk_client;             // host:port of ZooKeeper (member: itself; broker: first of zookeeper.connect)
};

// The version of the release `kafka_home` (/opt/kafka) links to ("4.1.1"), "" when none.
std::string installed_kafka_version(const RootFs& root, const std::string& kafka_home);

// From /etc/kafka/server.properties or /etc/kafka/zookeeper.properties under the root.
Result<NodeFacts> read_node_facts(const RootFs& root, const std::string& etc_dir = "/etc/kafka");

struct HealthCheck {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct Health {
  std::vector<HealthCheck> checks;
  std::optional<QuorumStatus> quorum;
  std::string zk_mode;  // leader, follower, standalone
  // A broker in the quorum (registered, fetching metadata) whose produce round trip found no
  // producer ID: its channel to the active controller does not deliver AllocateProducerIds
  // (docs/health.md). bootstrap's wait restarts such a broker once it stays so.
  bool no_producer_id = false;
  double serve_ms = -1;   // tool time of the produce round trip, -1 when not made
  double quorum_ms = -1;  // tool time of DescribeQuorum, -1 when not asked
  bool healthy() const;
  std::string failing() const;  // "listener CONTROLLER 10.0.1.11:9093: connection refused; ..."
};

// The per-broker topic of the produce round trip (kafka/gates.hpp's kHealthTopicPrefix + ID).
std::string health_topic(int node_id);

// Healthy means serving (DESIGN.md §9): listeners accepting; ZooKeeper answering ruok/srvr; a
// KRaft controller a voter (or observer) of a leader and caught up with it, a KRaft broker an
// observer that completes an idempotent produce round trip (producer ID from the controller,
// write, acknowledgement) on its own health topic, a partition it leads. Asked natively
// (kafka/): no JVM. `timeout` bounds each port probe; `serve_timeout` the quorum and produce
// calls.
Health probe_health(const NodeFacts& facts, const RootFs& root, const kafka::Env& env,
                    std::chrono::milliseconds timeout = std::chrono::seconds(3),
                    std::chrono::milliseconds serve_timeout = std::chrono::seconds(15));

// The Kafka layer's environment from a command's Deps: its clock and log, c-ares resolution.
kafka::Env kafka_env(const Deps& deps);

}  // namespace ka

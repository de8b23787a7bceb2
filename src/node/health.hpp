// Is this node healthy? Read from what is on disk (the rendered config) and what answers on the
// network, so `status` works on any node, whoever rendered it, and `bootstrap` waits on it.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/properties.hpp"
#include "core/result.hpp"
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
  std::string quorum_flag;           // --bootstrap-controller or --bootstrap-server
  std::string quorum_endpoint;       // host:port[,...] for kafka-metadata-quorum.sh
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
  bool healthy() const;
  std::string failing() const;  // "listener CONTROLLER 10.0.1.11:9093: connection refused; ..."
};

// Listeners accepting; ZooKeeper answering ruok/srvr; the node in the KRaft quorum as voter or
// observer (kafka-metadata-quorum.sh run through `runner`, under chroot when --root is not /).
// `timeout` bounds each network probe; `quorum_timeout` the quorum tool, a JVM start that takes
// minutes on an emulated VM.
Health probe_health(const NodeFacts& facts, const RootFs& root, ProcessRunner& runner,
                    std::chrono::milliseconds timeout = std::chrono::seconds(3),
                    std::chrono::milliseconds quorum_timeout = std::chrono::seconds(30));

}  // namespace ka

// The shared model of one node: what render writes, and what plan, bootstrap and format
// reuse. NodeInput is the raw text of the flags and config keys; build_node_spec checks it and
// turns it into a NodeSpec, so every command reports bad input the same way.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/version.hpp"
#include "fetch/catalog.hpp"

namespace ka {

enum class Role { controller, broker, combined, zookeeper };
const char* to_string(Role r);

struct HostPort {
  std::string host;  // "" binds every interface (listeners only); IPv6 without brackets
  int port = 0;
  std::string str() const;  // brackets IPv6 hosts again
};

struct Voter {  // --controller ID@HOST:PORT
  int id = -1;
  HostPort endpoint;
};

struct ZkServer {  // --zookeeper-server ID@HOST:PEER_PORT:ELECTION_PORT
  int id = -1;
  std::string host;
  int peer_port = 2888;
  int election_port = 3888;
};

struct Listener {  // --listener / --advertise NAME://HOST:PORT
  std::string name;  // upper case, as Kafka normalises listener names
  HostPort endpoint;
  std::string str() const;
};

// Where things live on the target (DESIGN.md §2).
struct NodePaths {
  std::string etc_dir = "/etc/kafka";
  std::vector<std::string> data_dirs = {"/var/lib/kafka/data"};
  std::string data_root = "/var/lib/kafka";
  std::string meta_dir = "/var/lib/kafka/meta";
  std::string log_dir = "/var/log/kafka";
  std::string zk_data_dir = "/var/lib/zookeeper";
  std::string unit_dir = "/etc/systemd/system";
  std::string kafka_home = "/opt/kafka";
  std::string java_home = "/opt/java";
};

struct NodeSpec {
  Role role = Role::broker;
  int node_id = -1;
  std::string cluster_id;  // optional for render; checked when given
  KafkaVersion version;
  // KRaft: exactly one of voters (static quorum) and controller_bootstrap (dynamic, KIP-853).
  std::vector<Voter> voters;
  std::vector<HostPort> controller_bootstrap;
  // ZooKeeper mode (3.x): the ensemble brokers connect to, and the ensemble's members.
  std::vector<HostPort> zookeeper_connect;
  std::vector<ZkServer> zookeeper_servers;
  std::vector<Listener> listeners;   // as given; defaults are filled in by planning
  std::vector<Listener> advertised;  // as given
  std::map<std::string, std::string> protocols;  // listener name -> security protocol
  std::string inter_broker_listener;             // "" : the only broker listener
  std::string controller_listener = "CONTROLLER";
  std::optional<std::uint64_t> memory_bytes;  // the machine's memory; planning needs it set
  std::optional<int> broker_count;            // brokers the cluster will have
  std::string rack;
  std::vector<std::pair<std::string, std::string>> overrides;  // --set, in order
  std::optional<std::filesystem::path> templates_dir;
  NodePaths paths;
  // Kafka's class-data archive (an in-root path; node/appcds.hpp) for kafka.service's jvm.env,
  // or "" for none. Not a flag: bootstrap and render set it from what bake left under the root.
  std::string class_archive;

  bool zookeeper_mode() const { return role == Role::zookeeper || !zookeeper_connect.empty(); }
  bool dynamic_quorum() const { return !controller_bootstrap.empty(); }
  bool has_broker() const { return role == Role::broker || role == Role::combined; }
  bool has_controller() const { return role == Role::controller || role == Role::combined; }
};

// The flags and config keys as text (cmd/node_options binds them; tests fill them directly).
struct NodeInput {
  std::string role;
  std::string node_id;
  std::string cluster_id;
  std::string kafka_version = fetch::default_kafka_version();  // the newest catalogued release
  std::vector<std::string> controllers;
  std::vector<std::string> controller_bootstrap;
  std::vector<std::string> zookeeper;
  std::vector<std::string> zookeeper_servers;
  std::vector<std::string> listeners;
  std::vector<std::string> advertise;
  std::vector<std::string> protocols;
  std::string inter_broker_listener;
  std::string controller_listener;
  std::string memory;
  std::string broker_count;
  std::string rack;
  std::vector<std::string> sets;
  std::string templates;
  std::vector<std::string> data_dirs;
};

// Checks every input against the rules a node needs before anything is rendered: syntax of
// each flag, the role against the version and quorum mode, the node ID against the voters.
// Errors are exit 2 and name the flag and the value.
Result<NodeSpec> build_node_spec(const NodeInput& in);

// Parsers of single flag values; `flag` names the input in errors ("--controller").
Result<HostPort> parse_host_port(const std::string& s, const std::string& flag, bool allow_empty_host = false);
Result<Voter> parse_voter(const std::string& s);
Result<ZkServer> parse_zk_server(const std::string& s);
Result<Listener> parse_listener(const std::string& s, const std::string& flag);
Result<std::pair<std::string, std::string>> parse_protocol(const std::string& s);
Result<std::pair<std::string, std::string>> parse_set(const std::string& s);
// "2G", "1536M", "1GiB", "4096m": binary units; a bare number is bytes.
Result<std::uint64_t> parse_memory(const std::string& s, const std::string& flag = "--memory");
Result<int> parse_node_id(const std::string& s, const std::string& flag);

bool is_wildcard_host(const std::string& host);  // "", 0.0.0.0, ::

}  // namespace ka

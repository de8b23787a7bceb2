// The rule table: one row per rule id the checks can emit. docs/validate.md and
// `validate --list-rules` are generated from it, and a unit test checks that every emitted id is here.
#include "validate/detail.hpp"

namespace ka {

const std::vector<RuleInfo>& rule_catalog() {
  using namespace vdetail;
  static const std::vector<RuleInfo> rules = {
      // server.properties: types and ranges (AbstractConfig parses every key before validateValues)
      {"version.supported", "<3.6, >=5", "--kafka-version", "only 3.6 to 4.x are known", kKafkaConfig},
      {"config.type", "all", "every key", "value must parse as the key's ConfigDef type (ConfigDef.parseType: INT, SHORT, LONG, DOUBLE, BOOLEAN, LIST, ...); a CLASS, and each assignor of group.consumer|share.assignors, must be able to name a class (package-qualified, or a built-in assignor name; a custom class is not judged)", kConfigDef},
      {"config.range", "all", "numeric keys", "value must be within the key's ConfigDef range (e.g. min.insync.replicas >= 1)", kConfigDef},
      {"config.value", "all", "keys with a ConfigDef validator", "value must pass the key's validator (valid strings, list rules, non-empty, quorum entries, metadata versions)", kConfigDef},
      {"listeners.early-start", "all", "early.start.listeners", "every name is a listener or a controller listener", kKafkaConfig},
      {"groups.intervals", "all (share 4.0+, streams 4.1+)", "group.consumer|share|streams.[min.|max.]heartbeat.interval.ms, ...session.timeout.ms", "min <= value <= max", kKafkaConfig},
      {"groups.classic-required", "3.7+", "group.coordinator.rebalance.protocols", "the classic protocol cannot be disabled", kKafkaConfig},
      {"connections.ip-overrides", "all", "max.connections.per.ip.overrides", "host:count pairs", kKafkaConfig},
      {"kraft.ibp-minimum", "3.x (KRaft)", "inter.broker.protocol.version", "at least 3.0-IV1 in KRaft mode", kKafkaConfig},
      {"config.required", "4.0+", "node.id, process.roles, controller.listener.names (4.2+)", "keys without a default must be set", kConfigDef},
      {"config.unknown", "all (warning)", "any key", "not a setting of this release: Kafka ignores it (closest key suggested)", kConfigDef},
      {"config.not-in-version", "all (warning)", "any key", "a setting of other releases only (e.g. zookeeper.* on 4.x): Kafka ignores it", kConfigDef},
      {"config.removed-later", "all (warning)", "any key", "a setting the newest release no longer has: remove it before upgrading", kConfigDef},
      // roles and ids
      {"roles.required", "4.0+", "process.roles", "process.roles is required (no ZooKeeper mode)", kKRaftConfigs},
      {"roles.values", "all", "process.roles", "only broker and controller", kKafkaConfig},
      {"roles.duplicate", "3.6-4.1", "process.roles", "no role twice", kKafkaConfig},
      {"ids.node-broker-match", "all", "node.id, broker.id", "when both are set they must be equal", kKafkaConfig},
      {"kraft.node-id", "all (KRaft)", "node.id", "required and >= 0 in KRaft mode (4.x: ConfigDef atLeast(0), no default)", kKRaftConfigs},
      // listeners
      {"listeners.protocol-map-parse", "all", "listener.security.protocol.map", "NAME:PROTOCOL pairs with a known protocol", kKafkaConfig},
      {"listeners.parse", "all", "listeners, advertised.listeners", "every item is NAME://host:port with a TCP port", kCoreUtils},
      {"listeners.protocol-map", "all", "listeners, advertised.listeners", "every listener name has a security protocol", kCoreUtils},
      {"listeners.duplicate-name", "all", "listeners, advertised.listeners", "listener names are unique", kCoreUtils},
      {"listeners.duplicate-port", "all", "listeners", "ports are unique, except one IPv4 and one IPv6 address (KIP-797)", kCoreUtils},
      {"listeners.advertised-meta-address", "all (controller listeners 3.9+)", "advertised.listeners", "no advertised 0.0.0.0", kKafkaConfig},
      {"ibl.exclusive", "all", "inter.broker.listener.name", "not together with security.inter.broker.protocol", kKafkaConfig},
      {"ibl.protocol-map", "all", "inter.broker.listener.name", "must be in listener.security.protocol.map", kKafkaConfig},
      // KRaft quorum
      {"kraft.quorum.voters-parse", "all", "controller.quorum.voters", "entries are id@host:port", kQuorumConfig},
      {"kraft.quorum.voters-routable", "all (warning)", "controller.quorum.voters", "no voter at 0.0.0.0", kQuorumConfig},
      {"kraft.quorum.voters-duplicate", "all (warning)", "controller.quorum.voters", "a voter id twice: Kafka keeps the last", kQuorumConfig},
      {"kraft.quorum.bootstrap-version", "3.6-3.8 (warning)", "controller.quorum.bootstrap.servers", "not used before 3.9", kKafkaConfig},
      {"kraft.quorum.bootstrap-parse", "3.9+", "controller.quorum.bootstrap.servers", "entries are host:port", kQuorumConfig},
      {"kraft.quorum.required", "all (KRaft)", "controller.quorum.voters", "3.6-3.8: voters required; 3.9+: voters or bootstrap.servers", kKafkaConfig},
      {"kraft.control-plane", "3.6-3.9 (KRaft)", "control.plane.listener.name", "not supported in KRaft mode", kKafkaConfig},
      {"kraft.migration.zk-connect", "3.6-3.9 (KRaft)", "zookeeper.connect", "migration on a KRaft node needs zookeeper.connect", kKafkaConfig},
      {"kraft.controller.in-voters", "all", "controller.quorum.voters", "a controller's node.id is a voter (3.9+: unless the voters are empty)", kKafkaConfig},
      {"kraft.controller.listener-present", "all", "controller.listener.names", "a controller has a controller listener in listeners", kKafkaConfig},
      {"kraft.controller.names-in-listeners", "all", "controller.listener.names", "every controller listener name is in listeners", kKafkaConfig},
      {"kraft.controller.advertised-listeners", "3.6-3.8", "advertised.listeners", "a controller-only node may not set advertised.listeners", kKafkaConfig},
      {"kraft.controller.listeners-only-controller", "all", "listeners", "a controller-only node listens only on controller listeners", kKafkaConfig},
      {"kraft.controller.ibl-not-controller", "4.0+", "inter.broker.listener.name", "a controller-only node's explicit inter-broker listener is not a controller listener", kKafkaConfig},
      {"kraft.broker.advertised-no-controller", "3.6-3.8", "advertised.listeners", "a broker does not advertise a controller listener", kKafkaConfig},
      {"kraft.broker.not-in-voters", "all", "node.id", "a broker-only node is not a voter", kKafkaConfig},
      {"kraft.broker.controller-names", "all", "controller.listener.names", "a broker-only node names the controller listener", kKafkaConfig},
      {"kraft.broker.no-controller-listener", "all", "listeners", "a broker-only node does not listen on a controller listener", kKafkaConfig},
      {"kraft.broker.controller-protocol", "all", "listener.security.protocol.map", "the controller listener has a security protocol", kKafkaConfig},
      {"kraft.broker.controller-names-multiple", "all (warning)", "controller.listener.names", "a broker uses only the first name", kKafkaConfig},
      {"kraft.broker.auto-join", "4.2+", "controller.quorum.auto.join.enable", "only on controllers", kKafkaConfig},
      {"kraft.heartbeat-session", "all (warning)", "broker.heartbeat.interval.ms", "at most half of broker.session.timeout.ms (4.x logs it as an error)", kKafkaConfig},
      // ZooKeeper-mode brokers (3.x)
      {"zk.connect.required", "3.6-3.9", "zookeeper.connect", "required without process.roles", kKafkaConfig},
      {"zk.broker-id.range", "3.6-3.9", "broker.id", "-1..reserved.broker.max.id, or >= 0 without id generation", kKafkaConfig},
      {"zk.controller-names-empty", "3.6-3.9", "controller.listener.names", "empty in ZooKeeper mode unless migrating", kKafkaConfig},
      {"zk.migration.quorum", "3.6-3.9", "controller.quorum.voters", "migration needs the KRaft quorum", kKafkaConfig},
      {"zk.migration.controller-names", "3.6-3.9", "controller.listener.names", "migration needs controller.listener.names", kKafkaConfig},
      {"zk.migration.ibp", "3.6-3.9", "inter.broker.protocol.version", "migration needs IBP 3.4+", kKafkaConfig},
      {"zk.control-plane", "3.6-3.9", "control.plane.listener.name", "advertised, and not the inter-broker listener", kKafkaConfig},
      // every broker
      {"broker.advertised-nonempty", "all", "advertised.listeners", "a broker advertises at least one broker listener", kKafkaConfig},
      {"broker.ibl-advertised", "all", "inter.broker.listener.name", "the inter-broker listener is advertised", kKafkaConfig},
      {"broker.advertised-subset", "all", "advertised.listeners", "advertised names are a subset of listener names", kKafkaConfig},
      {"sasl.inter-broker-mechanism", "all", "sasl.mechanism.inter.broker.protocol", "in sasl.enabled.mechanisms when SASL is used between brokers", kKafkaConfig},
      // numeric relations
      {"log.roll", "all", "log.roll.ms", ">= 1", kKafkaConfig},
      {"log.retention", "all", "log.retention.ms/minutes/hours", "-1 or >= 1 ms", kKafkaConfig},
      {"log.dirs", "all", "log.dirs", "at least one directory", kKafkaConfig},
      {"storage.absolute-paths", "all", "log.dirs, log.dir, metadata.log.dir", "absolute paths only (ours: Kafka would use its working directory)", kAppliance},
      {"log.cleaner.dedupe", "all", "log.cleaner.dedupe.buffer.size", "more than 1 MiB per cleaner thread", kKafkaConfig},
      {"replica.fetch-wait", "all", "replica.fetch.wait.max.ms", "<= replica.socket.timeout.ms and <= replica.lag.time.max.ms", kKafkaConfig},
      {"offsets.commit-acks", "3.6-3.7", "offsets.commit.required.acks", "-1..offsets.topic.replication.factor", kKafkaConfig},
      {"socket.queued-bytes", "all", "queued.max.request.bytes", "<= 0 or >= socket.request.max.bytes", kKafkaConfig},
      {"socket.max-connections", "all", "max.connections.per.ip", "0 only with overrides", kKafkaConfig},
      {"socket.auth-delay", "all", "failed.authentication.delay.ms", "< connections.max.idle.ms", kKafkaConfig},
      // 4.x removals
      {"removed.acl-authorizer", "4.0+", "authorizer.class.name", "kafka.security.authorizer.AclAuthorizer no longer exists", kKafkaConfig},
      {"advice.min-isr", "all (warning)", "min.insync.replicas", "not above default.replication.factor", kKafkaConfig},
      {"advice.log-dirs", "all (warning)", "log.dirs", "unset means /tmp/kafka-logs", kKafkaConfig},
      // kafka-storage.sh format
      {"format.kraft-only", "all", "process.roles", "formatting is for KRaft nodes only", kStorageTool},
      {"format.dynamic-flags-version", "3.6-3.8", "--standalone, --initial-controllers, --no-initial-controllers", "do not exist before 3.9", kStorageTool},
      {"format.flags-exclusive", "3.9+", "--standalone, --initial-controllers, --no-initial-controllers", "at most one", kStorageTool},
      {"format.standalone-controller", "3.9+", "--standalone", "only on a controller", kStorageTool},
      {"format.static-voters-dynamic-flag", "4.2+ (warning 3.9-4.1)", "controller.quorum.voters", "not with --standalone/--initial-controllers", kStorageTool},
      {"format.dynamic-needs-flag", "3.9+", "controller.quorum.voters", "a controller without static voters needs one of the three flags", kStorageTool},
      // zookeeper.properties
      {"zookeeper.data-dir", "ZooKeeper", "dataDir, dataLogDir", "dataDir required; neither empty nor a one-char relative path (relative: warning)", kQuorumPeerConfig},
      {"zookeeper.number", "ZooKeeper", "clientPort, tickTime, initLimit, ...", "Integer.parseInt / Long.parseLong; ports 0-65535; tickTime not 0 (negative limits: warning)", kQuorumPeerConfig},
      {"zookeeper.boolean", "ZooKeeper", "standaloneEnabled, reconfigEnabled, ...", "true or false (any case)", kQuorumPeerConfig},
      {"zookeeper.election-alg", "ZooKeeper", "electionAlg", "only 3", kQuorumPeerConfig},
      {"zookeeper.peer-type", "ZooKeeper", "peerType", "observer or participant", kQuorumPeerConfig},
      {"zookeeper.quorum-sasl", "ZooKeeper", "quorum.auth.*", "requiring SASL needs it enabled, and the server side needs the learner side", kQuorumPeerConfig},
      {"zookeeper.session-timeout", "ZooKeeper", "minSessionTimeout, maxSessionTimeout", "min <= max (defaults 2 and 20 ticks)", kQuorumPeerConfig},
      {"zookeeper.metrics-provider", "ZooKeeper (warning)", "metricsProvider.className", "a custom class cannot be checked", kQuorumPeerConfig},
      {"zookeeper.dynamic-config", "ZooKeeper", "server.N", "not beside dynamicConfigFile", kQuorumPeerConfig},
      {"zookeeper.client-port", "ZooKeeper", "clientPort, clientPortAddress", "an address needs a port; clientPort agrees with this node's server line", kQuorumPeerConfig},
      {"zookeeper.client-port-missing", "ZooKeeper", "clientPort", "a client port from clientPort, secureClientPort or this node's server line", kApplianceZk},
      {"zookeeper.server.parse", "ZooKeeper", "server.N", "host:port:port[:participant|observer][;[host:]port], ports 0-65535 and distinct", kQuorumPeerConfig},
      {"zookeeper.server.duplicate-id", "ZooKeeper", "server.N", "ids are unique (server.1 and server.01 are the same id)", kApplianceZk},
      {"zookeeper.server.duplicate-address", "ZooKeeper", "server.N", "no two members share a quorum or election address", kApplianceZk},
      {"zookeeper.ensemble", "ZooKeeper", "server.N, standaloneEnabled", "observers need participants; standaloneEnabled=false needs participants", kQuorumPeerConfig},
      {"zookeeper.myid.member", "ZooKeeper", "myid", "an ensemble member has a myid file naming one of the server.N ids (myid unknown: warning)", "apache/zookeeper: zookeeper-server/src/main/java/org/apache/zookeeper/server/quorum/QuorumPeer.java"},
      {"zookeeper.quorum-limits", "ZooKeeper", "initLimit, syncLimit", "required (non-zero) in an ensemble", kQuorumPeerConfig},
      {"zookeeper.ensemble.even", "ZooKeeper (warning)", "server.N", "an even number of voting members", kQuorumPeerConfig},
      {"zookeeper.4lw", "ZooKeeper (warning)", "4lw.commands.whitelist", "known words, no '*', keeps srvr and ruok", kZkFourLetter},
  };
  return rules;
}

}  // namespace ka

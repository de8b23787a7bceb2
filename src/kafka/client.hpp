// The Kafka Admin API and clients through librdkafka (2.8, built static by
// scripts/setup-debian.sh): RAII handles, every call bounded by a deadline of env.clock, errors as
// values, librdkafka's own log lines routed to env.log (debug; its errors come back as values),
// and its name resolution through env.resolve (never getaddrinfo: this is a static binary).
//
// Cost (loopback, 4.3.1, see docs/safe-to-stop.md): making a client starts librdkafka's threads
// (~1 ms) and connects on the first call; each call is one request round trip after the first
// metadata exchange.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/env.hpp"

namespace ka::kafka {

struct BrokerNode {
  int32_t id = -1;
  std::string host;
  int port = 0;
  std::string rack;
};

// DescribeCluster: the brokers that are registered and unfenced, the active controller as the
// brokers know it, the cluster ID.
struct ClusterDescription {
  std::string cluster_id;
  int32_t controller_id = -1;
  std::vector<BrokerNode> brokers;
  bool has_broker(int32_t id) const;
};

struct PartitionState {
  int32_t partition = -1;
  int32_t leader = -1;  // -1: offline
  std::vector<int32_t> replicas, isr;
};

struct TopicState {
  std::string name;
  bool internal = false;
  std::vector<PartitionState> partitions;
};

struct Watermarks {
  int64_t low = -1, high = -1;
};

struct NewTopic {
  std::string name;
  std::vector<std::vector<int32_t>> assignment;  // replicas of partition 0, 1, ...
  std::map<std::string, std::string> config;
};

struct ProduceOutcome {
  int64_t producer_id = -1;  // from the idempotent producer's InitProducerId
  int32_t partition = -1;
  int64_t offset = -1;       // where the acknowledged record landed
  double seconds = 0;
};

class Client {
 public:
  // A client of the brokers behind `bootstrap` ("host:port,..."); nothing is sent yet.
  // `extra` are librdkafka properties (client.id, security.protocol, ...).
  static Result<Client> make(const std::string& bootstrap, const Env& env, const std::map<std::string, std::string>& extra = {});
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  Result<ClusterDescription> describe_cluster(Clock::time_point deadline);
  // Every topic (names empty: one Metadata request) or the named ones (DescribeTopics).
  Result<std::vector<TopicState>> describe_topics(const std::vector<std::string>& names, Clock::time_point deadline);
  // Effective topic configs (the broker's default where the topic has none), `keys` only when
  // given; one DescribeConfigs request for all topics.
  Result<std::map<std::string, std::map<std::string, std::string>>> describe_topic_configs(
      const std::vector<std::string>& topics, const std::vector<std::string>& keys, Clock::time_point deadline);
  Result<Watermarks> list_offsets(const std::string& topic, int32_t partition, Clock::time_point deadline);
  // Creates the topic; one that exists already is not an error (idempotent).
  Status create_topic(const NewTopic& t, Clock::time_point deadline);

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> i);
  std::unique_ptr<Impl> impl_;
};

// An idempotent producer (acks=all) writes `payload` to `topic`/`partition` and waits for the
// acknowledgement: proves the broker leading it serves (a producer ID from the controller
// through the broker, the write, the ack). The error says which of the three failed.
Result<ProduceOutcome> produce_round_trip(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                          const std::string& payload, const Env& env, Clock::time_point deadline,
                                          const std::map<std::string, std::string>& extra = {});

// Up to `max` record values of topic/partition from `offset` on (fewer when the deadline passes).
Result<std::vector<std::string>> consume(const std::string& bootstrap, const std::string& topic, int32_t partition,
                                         int64_t offset, size_t max, const Env& env, Clock::time_point deadline,
                                         const std::map<std::string, std::string>& extra = {});

}  // namespace ka::kafka

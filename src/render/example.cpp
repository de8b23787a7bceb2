#include "render/example.hpp"

namespace ka {

std::vector<ExampleNode> example_cluster(const std::string& version) {
  const std::vector<std::string> voters = {"1@10.0.1.11:9093", "2@10.0.1.12:9093", "3@10.0.1.13:9093"};
  const char* zones[] = {"eu-west-1a", "eu-west-1b", "eu-west-1c"};
  std::vector<ExampleNode> nodes;
  for (int i = 1; i <= 3; ++i) {
    NodeInput in;
    in.role = "controller";
    in.node_id = std::to_string(i);
    in.cluster_id = kExampleClusterId;
    in.kafka_version = version;
    in.controllers = voters;
    in.memory = "4G";
    nodes.push_back({"controller-" + std::to_string(i), in});
  }
  for (int i = 1; i <= 3; ++i) {
    NodeInput in;
    in.role = "broker";
    in.node_id = std::to_string(100 + i);
    in.cluster_id = kExampleClusterId;
    in.kafka_version = version;
    in.controllers = voters;
    in.advertise = {"PLAINTEXT://10.0.2.2" + std::to_string(i) + ":9092"};
    in.memory = "8G";
    in.rack = zones[i - 1];
    nodes.push_back({"broker-" + std::to_string(100 + i), in});
  }
  return nodes;
}

}  // namespace ka

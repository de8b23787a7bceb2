// The built-in example cluster of `kafka-appliance example`: 3 KRaft controllers and 3 brokers,
// static quorum, by default the newest catalogued Kafka. Its rendered tree for 4.2.0 is also a
// golden case (tests/golden/kraft-static-4.2).
#pragma once
#include <string>
#include <vector>

#include "render/node_spec.hpp"

namespace ka {

// A fixed, valid cluster ID (the one Kafka's documentation uses), so the output is reproducible.
inline constexpr const char* kExampleClusterId = "MkU3OEVBNTcwNTJENDM2Qg";

struct ExampleNode {
  std::string name;  // the directory under --root: "controller-1", "broker-101"
  NodeInput input;
};

// The nodes, each as the flags an operator would pass; `version` picks the Kafka release.
std::vector<ExampleNode> example_cluster(const std::string& version = fetch::default_kafka_version());

}  // namespace ka

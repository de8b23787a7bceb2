// The first boot of a baked image: from what the cloud says about this instance (IMDS: address,
// zone, tags, user-data) and what is already on its data volume, decide the node it becomes.
// Pure: no network, no disk; the firstboot command gathers the inputs and runs bootstrap with
// the decision. Every refusal is one error naming what is missing and where to set it.
//
// Sources, per setting (docs/images.md):
//   role        user-data `role`, tag kafka-appliance:role, the image's baked role
//   cluster ID  meta.properties on the data volume (always wins), user-data `cluster-id`, tag :cluster-id
//   node ID     meta.properties (always wins), user-data `node-id`, tag :node-id, this instance's
//               address in the controllers list (controllers), or --node-id-from ip
//               (also `node-id-from = "ip"` in the user-data)
//   quorum      user-data `controller` / `controller-bootstrap` (+ `initial-controller`), or tag
//               :controllers (ID@HOST:PORT,...) with tag :quorum = static (default) | dynamic
//   broker.rack user-data `rack`, else the availability zone
//   advertised  user-data `advertise`, else PLAINTEXT://<local-ipv4>:9092 for a broker, and
//               CONTROLLER://<local-ipv4>:<its port> for a dynamic quorum's controller
// A setting given both in user-data and in a tag must agree.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cloud/metadata.hpp"
#include "core/fs.hpp"
#include "core/result.hpp"
#include "node/format.hpp"
#include "node/meta.hpp"
#include "render/node_spec.hpp"

namespace ka::firstboot {

enum class NodeIdFrom { given, ip };  // --node-id-from

// The identity found on the data volume: the first meta.properties of the data and metadata
// directories (they must agree).
struct ExistingIdentity {
  MetaProperties meta;
  std::string origin;  // target path of the meta.properties it came from
};

struct FirstbootInput {
  cloud::InstanceMetadata md;
  std::optional<ExistingIdentity> existing;
  std::string image_role;  // the role baked into the image ("" : none)
  NodeIdFrom node_id_from = NodeIdFrom::given;
  bool no_initial_controllers = false;  // --no-initial-controllers: a controller joining a running dynamic quorum
};

struct FirstbootDecision {
  NodeInput node;
  DynamicFormat format = DynamicFormat::automatic;
  std::vector<std::string> initial_controllers;  // for DynamicFormat::initial_controllers
  // user-data keys that are not node settings (e.g. mirror = ...): handed to the command's own
  // config parser, which knows every flag and refuses unknown keys with the config file's message.
  std::vector<std::pair<std::string, std::vector<std::string>>> other_keys;
  std::vector<std::string> notes;  // where each decision came from, for the journal
  std::string node_id_source;      // where to set another node ID (bootstrap's refusal names it)
};

Result<FirstbootDecision> decide(const FirstbootInput& in);

// user-data as TOML with the keys of appliance.toml. A shell script or #cloud-config is not
// ours: nullopt (the caller says it ignored it). Errors name "user-data" and the line.
using UserData = std::vector<std::pair<std::string, std::vector<std::string>>>;
Result<std::optional<UserData>> parse_user_data(const std::string& text);

// --node-id-from ip: 256 * third octet + fourth octet of the private IPv4 address, so 0..65535.
// Unique among all instances of one /16 (the largest VPC or subnet range EC2 allows); two
// instances whose addresses agree in their last two octets (in different /16s, e.g. a secondary
// VPC CIDR) collide, and so does any explicit node ID equal to a derived one: give those
// instances node-id explicitly.
Result<int> node_id_from_ipv4(const std::string& ipv4);

// Reads meta.properties from each directory (target paths under `root`).
Result<std::optional<ExistingIdentity>> find_existing_identity(const RootFs& root, const std::vector<std::string>& dirs);

}  // namespace ka::firstboot

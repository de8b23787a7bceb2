// render: a NodeSpec becomes a RenderPlan (pure: every file's path, content, mode and owner,
// every directory), checked by the same rules as `validate`; apply_plan then writes it under a
// root, atomically and only where something differs. plan/bootstrap reuse both halves.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/properties.hpp"
#include "core/result.hpp"
#include "render/node_spec.hpp"

namespace ka {

struct PlannedDir {
  std::filesystem::path path;  // target path ("/var/lib/kafka/data")
  mode_t mode = 0750;
  std::string user = "root";
  std::string group = "root";
};

struct PlannedFile {
  std::filesystem::path path;
  std::string content;
  mode_t mode = 0640;
  std::string user = "root";
  std::string group = "root";
};

struct RenderPlan {
  std::string node;  // "node 1 (controller)": names the node in messages
  std::vector<PlannedDir> dirs;
  std::vector<PlannedFile> files;
  // server.properties (or zookeeper.properties) as Kafka will read it: parsed back from the
  // rendered text, so what was validated is exactly what is written.
  Properties config;
  std::vector<std::string> warnings;
};

// JVM heap for a node: brokers leave most memory to the page cache, metadata nodes
// (controllers, ZooKeeper) keep their state on the heap. Errors below 768 MiB of memory.
Result<std::uint64_t> heap_mib(Role role, std::uint64_t memory_bytes);

struct ReplicationDefaults {
  int brokers = 1;
  int replication_factor = 1;  // default.replication.factor and the internal topics
  int min_insync = 1;          // min.insync.replicas and the internal topics' min ISR
  int partitions = 1;          // num.partitions
};
ReplicationDefaults replication_defaults(int brokers);
// Brokers the cluster will have, as far as this node knows: --broker-count, else the size of
// the controller quorum or ZooKeeper ensemble (a 3-voter cluster is built to lose one node).
int known_brokers(const NodeSpec& spec);

// MemTotal of /proc/meminfo, in bytes.
Result<std::uint64_t> read_mem_total(const std::filesystem::path& meminfo = "/proc/meminfo");

Result<RenderPlan> plan_render(const NodeSpec& spec);

// build_node_spec for a node rendered on this machine: also checks --templates and takes the
// machine's memory from /proc/meminfo when --memory is not given. Every command uses it.
Result<NodeSpec> node_spec_for_this_machine(const NodeInput& in);

struct AppliedChange {
  std::filesystem::path path;
  Change change = Change::unchanged;
};
struct ApplyReport {
  std::vector<AppliedChange> changes;  // directories first, then files, in plan order
  std::vector<std::string> warnings;
};

// Writes the plan under the root. Owners are looked up in <root>/etc/passwd and group; a user
// or group that does not exist yet falls back to root, with a warning.
Result<ApplyReport> apply_plan(const RenderPlan& plan, const RootFs& root);
// What apply_plan would change, without changing anything.
Result<std::vector<AppliedChange>> preview_plan(const RenderPlan& plan, const RootFs& root);

}  // namespace ka

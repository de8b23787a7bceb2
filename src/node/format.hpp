// `format`: run the release's kafka-storage.sh with the flags the role, version and quorum need,
// after checking every log directory: formatted with our IDs -> nothing to do; another
// cluster's or node's -> refuse (exit 3), untouched; empty -> format.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/properties.hpp"
#include "core/result.hpp"
#include "core/version.hpp"
#include "node/meta.hpp"

namespace ka {

enum class DynamicFormat { automatic, standalone, initial_controllers, no_initial_controllers };

struct FormatRequest {
  KafkaVersion version;
  std::string config_path = "/etc/kafka/server.properties";  // target path
  std::string kafka_home = "/opt/kafka";
  std::string cluster_id;
  DynamicFormat dynamic = DynamicFormat::automatic;
  // Dynamic quorum, --initial-controllers: "ID@HOST:PORT" of every initial controller; the
  // directory IDs are derived from the cluster ID and node ID so that every controller computes
  // the same list without talking to the others.
  std::vector<std::string> initial_controllers;
  std::vector<std::string> scram;  // --add-scram values
};

struct FormatPlan {
  bool needed = false;               // false: already formatted with our IDs (or ZooKeeper mode)
  std::string reason;                // why (not) needed, for the log and `plan`
  std::vector<std::string> argv;     // kafka-storage.sh format ...
  std::vector<std::string> dirs;     // every log dir and the metadata dir
  int node_id = -1;
};

// The directory ID Kafka will be given for node `node_id`'s metadata directory when formatting
// with --initial-controllers: base64url of 16 bytes of SHA-256(cluster_id/node_id).
std::string derived_directory_id(const std::string& cluster_id, int node_id);
// "1@h:9093" -> "1@h:9093:<derived directory id>"; errors name the bad entry.
Result<std::string> initial_controllers_arg(const std::vector<std::string>& controllers, const std::string& cluster_id);

// Pure: what to run, given the node's server.properties and the storage check.
Result<FormatPlan> plan_format(const FormatRequest& req, const Properties& server, const StorageCheck& check);

// The log directories (log.dirs or log.dir) and metadata.log.dir of a server.properties.
std::vector<std::string> storage_dirs(const Properties& server);
// Where Kafka keeps the metadata log (and the directory ID the quorum knows the node by):
// metadata.log.dir, else the first of log.dirs (or log.dir).
std::string metadata_dir(const Properties& server);

// Reads the rendered config under the root, checks storage, and runs kafka-storage.sh when
// needed (through chroot when --root is not /). Returns the plan that was carried out.
Result<FormatPlan> run_format(const FormatRequest& req, const RootFs& root, ProcessRunner& runner, bool dry_run);
// Runs a plan that needs formatting, exactly its argv (through chroot when --root is not /),
// hands the result to the kafka user and checks every directory now carries our identity.
Status execute_format(const FormatPlan& plan, const std::string& cluster_id, const RootFs& root, ProcessRunner& runner);

// kafka-storage.sh runs as root; what it wrote under each storage directory (meta.properties,
// and with --initial-controllers the __cluster_metadata-0/ bootstrap snapshot) goes to the
// directory's owner, the kafka user, which must write there once the service starts.
Status give_to_dir_owner(const RootFs& root, const std::vector<std::string>& dirs);

}  // namespace ka

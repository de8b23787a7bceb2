#include "node/format.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "core/cluster_id.hpp"
#include "core/number.hpp"
#include "node/kafka_tool.hpp"
#include "validate/validate.hpp"

namespace ka {

std::string derived_directory_id(const std::string& cluster_id, int node_id) {
  for (int salt = 0;; ++salt) {
    std::string input = "kafka-appliance/directory-id/" + cluster_id + "/" + std::to_string(node_id) +
                        (salt ? "/" + std::to_string(salt) : "");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(input.data(), input.size(), md, &len, EVP_sha256(), nullptr);
    auto id = base64url_nopad(md, 16);
    // Kafka refuses IDs starting with '-' on its command line and reserves the lowest values.
    if (id[0] != '-' && id.rfind("AAAAAAAAAAAAAAAAAAAA", 0) != 0) return id;
  }
}

Result<std::string> initial_controllers_arg(const std::vector<std::string>& controllers, const std::string& cluster_id) {
  std::string out;
  std::set<int> ids;
  for (const auto& c : controllers) {
    auto at = c.find('@');
    auto colon = c.rfind(':');
    int id = -1;
    if (at != std::string::npos) {
      auto parsed = parse_number<int>(c.substr(0, at), "initial controller");
      id = parsed.ok() ? *parsed : -1;
    }
    if (id < 0 || colon == std::string::npos || colon < at)
      return bad_input("invalid initial controller '" + c + "'").note("write it as ID@HOST:PORT, e.g. 1@10.0.1.11:9093");
    if (!ids.insert(id).second) return bad_input("initial controller " + std::to_string(id) + " is listed twice");
    if (!out.empty()) out += ',';
    out += c + ":" + derived_directory_id(cluster_id, id);
  }
  return out;
}

std::vector<std::string> storage_dirs(const Properties& server) {
  std::set<std::string> dirs;
  auto logs = server.get("log.dirs");
  if (!logs) logs = server.get("log.dir");
  if (!logs) logs = "/tmp/kafka-logs";  // Kafka's default
  for (const auto& d : split_list(*logs)) dirs.insert(d);
  if (auto m = server.get("metadata.log.dir")) dirs.insert(trim(*m));
  return {dirs.begin(), dirs.end()};
}

std::string metadata_dir(const Properties& server) {
  if (auto m = server.get("metadata.log.dir")) return trim(*m);
  auto logs = server.get("log.dirs");
  if (!logs) logs = server.get("log.dir");
  auto dirs = split_list(logs.value_or("/tmp/kafka-logs"));
  return dirs.empty() ? "/tmp/kafka-logs" : dirs.front();
}

Result<FormatPlan> plan_format(const FormatRequest& req, const Properties& server, const StorageCheck& check) {
  FormatPlan p;
  p.dirs = storage_dirs(server);
  auto roles = server.get("process.roles");
  if (!roles || trim(*roles).empty()) {
    p.reason = "ZooKeeper mode: a broker writes its own meta.properties when it first starts";
    return p;
  }
  auto node = server.get("node.id");
  if (node) {
    auto parsed = parse_number<int>(*node, req.config_path + ": node.id");
    if (!parsed.ok()) return std::move(parsed).error().note("render the node again with --node-id");
    p.node_id = *parsed;
  }
  if (p.node_id < 0) return bad_input(req.config_path + ": node.id is missing or invalid").note("render the node again with --node-id");
  if (!is_valid_cluster_id(req.cluster_id))
    return bad_input("invalid cluster ID '" + req.cluster_id + "'").note("use one printed by `kafka-appliance cluster-id`");
  if (check.any_foreign()) return foreign_storage_error(check, req.cluster_id, p.node_id);
  if (check.all_formatted()) {
    p.reason = "already formatted with cluster.id " + req.cluster_id + " and node.id " + std::to_string(p.node_id);
    return p;
  }
  p.needed = true;
  p.reason = check.any_formatted() ? "some log directories are new" : "storage is not formatted yet";
  p.argv = {req.kafka_home + "/bin/kafka-storage.sh", "format", "--config", req.config_path, "--cluster-id", req.cluster_id};
  // Only our own directories are formatted already (foreign ones were refused above), so
  // --ignore-formatted cannot touch data that is not ours.
  if (check.any_formatted()) p.argv.push_back("--ignore-formatted");

  bool controller = roles->find("controller") != std::string::npos;
  bool dynamic = !server.has("controller.quorum.voters") && server.has("controller.quorum.bootstrap.servers");
  if (req.dynamic != DynamicFormat::automatic && !dynamic)
    return bad_input("--standalone, --initial-controllers and --no-initial-controllers are for a dynamic quorum")
        .note("this node has controller.quorum.voters (a static quorum): drop the option");
  if (dynamic && controller) {
    if (!req.version.at_least(3, 9))
      return bad_input("a dynamic quorum needs Kafka 3.9 or newer, not " + req.version.str());
    switch (req.dynamic) {
      case DynamicFormat::standalone: p.argv.push_back("--standalone"); break;
      case DynamicFormat::initial_controllers: {
        if (req.initial_controllers.empty())
          return bad_input("--initial-controllers needs the list of initial controllers").note("give --initial-controller ID@HOST:PORT for each");
        KA_TRY(auto arg, initial_controllers_arg(req.initial_controllers, req.cluster_id));
        p.argv.insert(p.argv.end(), {"--initial-controllers", arg});
        break;
      }
      case DynamicFormat::no_initial_controllers:
      case DynamicFormat::automatic:
        // A controller that joins a running dynamic quorum later (add-controller). Since 3.9
        // the Formatter insists on one of the three flags for a controller without voters.
        p.argv.push_back("--no-initial-controllers");
        break;
    }
  }
  for (const auto& s : req.scram) p.argv.insert(p.argv.end(), {"--add-scram", s});

  // The format-time rules of StorageTool/Formatter for exactly the flags we will pass.
  auto has = [&](const char* flag) { return std::find(p.argv.begin(), p.argv.end(), flag) != p.argv.end(); };
  FormatOptions fo;
  fo.standalone = has("--standalone");
  fo.initial_controllers = has("--initial-controllers");
  fo.no_initial_controllers = has("--no-initial-controllers");
  auto violations = validate_server_properties(server, req.version, fo);
  if (has_errors(violations)) return violations_to_error(violations, "kafka-storage.sh format of " + req.config_path);
  return p;
}

Status give_to_dir_owner(const RootFs& root, const std::vector<std::string>& dirs) {
  for (const auto& d : dirs) {
    const fs::path top = root.host_path(d);
    struct stat st {};
    if (::lstat(top.c_str(), &st) != 0) continue;  // check_storage below names a missing directory
    std::error_code ec;
    for (fs::recursive_directory_iterator it(top, fs::directory_options::none, ec), end; !ec && it != end; it.increment(ec)) {
      struct stat e {};
      if (::lstat(it->path().c_str(), &e) != 0) continue;
      if ((e.st_uid != st.st_uid || e.st_gid != st.st_gid) && ::lchown(it->path().c_str(), st.st_uid, st.st_gid) != 0)
        return fail("cannot give " + it->path().string() + " to the owner of " + d + ": " + std::strerror(errno))
            .note("kafka-storage.sh wrote it as root; the kafka user must be able to write there");
    }
    if (ec) return fail("cannot walk " + top.string() + " after format: " + ec.message());
  }
  return ok_status();
}

Result<FormatPlan> run_format(const FormatRequest& req, const RootFs& root, ProcessRunner& runner, bool dry_run) {
  KA_TRY(auto text, root.read_file(req.config_path));
  if (!text) return bad_input(root.host_path(req.config_path).string() + " does not exist").note("run `kafka-appliance render` first");
  KA_TRY(auto server, Properties::parse(*text, root.host_path(req.config_path).string()));
  // A relative directory would be looked up here under --root, not where Kafka puts it.
  if (auto v = validate_storage_paths(server); has_errors(v)) return violations_to_error(v, root.host_path(req.config_path).string());
  const std::string id_key = server.has("node.id") ? "node.id" : "broker.id";
  KA_TRY(int node_id, parse_number<int>(server.get_or(id_key, "-1"), root.host_path(req.config_path).string() + ": " + id_key));
  KA_TRY(auto check, check_storage(root, storage_dirs(server), req.cluster_id, node_id));
  KA_TRY(auto plan, plan_format(req, server, check));
  if (!plan.needed || dry_run) return plan;
  KA_TRY_STATUS(execute_format(plan, req.cluster_id, root, runner));
  return plan;
}

Status execute_format(const FormatPlan& plan, const std::string& cluster_id, const RootFs& root, ProcessRunner& runner) {
  KA_TRY(auto r, run_kafka_tool(plan.argv, root, runner, std::chrono::minutes(3), "-Xmx256m"));
  if (!r.ok()) {
    return fail("kafka-storage.sh format failed (exit " + std::to_string(r.exit_code) + ")")
        .note(describe_argv(kafka_tool_argv(plan.argv, root)))
        .note(redact_secrets(r.tail(8)));
  }
  KA_TRY_STATUS(give_to_dir_owner(root, plan.dirs));
  // Trust but verify: every directory must now carry our identity.
  KA_TRY(auto after, check_storage(root, plan.dirs, cluster_id, plan.node_id));
  if (!after.all_formatted() || after.any_foreign())
    return fail("kafka-storage.sh format exited 0 but not every log directory has our meta.properties")
        .note(redact_secrets(r.tail(8)));
  return ok_status();
}

}  // namespace ka

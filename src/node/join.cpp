#include "node/join.hpp"

#include "core/number.hpp"
#include "core/properties.hpp"
#include "node/net.hpp"

namespace ka {

std::vector<std::string> describe_quorum_argv(const std::string& kafka_home, const std::string& controllers) {
  return {kafka_home + "/bin/kafka-metadata-quorum.sh", "--bootstrap-controller", controllers, "describe", "--status"};
}

std::vector<std::string> add_controller_argv(const std::string& kafka_home, const std::string& config_path,
                                             const std::string& controllers) {
  return {kafka_home + "/bin/kafka-metadata-quorum.sh", "--command-config", config_path, "--bootstrap-controller", controllers,
          "add-controller"};
}

Result<ProcessResult> run_kafka_tool(std::vector<std::string> argv, const RootFs& root, ProcessRunner& runner,
                                     std::chrono::milliseconds timeout) {
  std::error_code ec;
  if (fs::weakly_canonical(root.root(), ec) != fs::path("/")) argv.insert(argv.begin(), {"chroot", root.root().string()});
  RunOptions o;
  o.timeout = timeout;
  o.env_set["KAFKA_HEAP_OPTS"] = "-Xmx128m";
  // The child's PATH is the fixed system path: name the JDK install put under /opt/java.
  if (fs::exists(root.host_path("/opt/java/bin/java"), ec)) o.env_set["JAVA_HOME"] = "/opt/java";
  return runner.run(argv, o);
}

namespace {

// "host:port" or "[v6]:port"; nullopt when it is neither.
std::optional<std::pair<std::string, int>> host_port(const std::string& hp) {
  auto colon = hp.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto port = parse_number<int>(hp.substr(colon + 1), "port");
  if (!port.ok()) return std::nullopt;
  std::string host = hp.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::make_pair(host, *port);
}

std::string describe_replica(const std::string& what, const QuorumReplica& r) {
  std::string s = what + " " + std::to_string(r.id);
  std::string detail = r.directory_id.empty() ? "" : "directory ID " + r.directory_id;
  for (const auto& e : r.endpoints) detail += (detail.empty() ? "" : ", ") + e;
  return detail.empty() ? s : s + " (" + detail + ")";
}

}  // namespace

QuorumAnswer ask_quorum(const std::string& kafka_home, const std::string& controllers, const RootFs& root, ProcessRunner& runner,
                        std::chrono::milliseconds timeout) {
  // A cluster being created has no controller listening yet: do not start a JVM that would
  // wait for one until its own timeout.
  bool any = false;
  for (const auto& c : split_list(controllers)) {
    auto hp = host_port(c);
    if (hp && tcp_probe(hp->first, hp->second, std::chrono::seconds(1)).ok()) {
      any = true;
      break;
    }
  }
  if (!any) return {std::nullopt, "no controller at " + controllers + " accepts connections yet"};
  auto r = run_kafka_tool(describe_quorum_argv(kafka_home, controllers), root, runner, timeout);
  if (!r.ok()) return {std::nullopt, r.error().message};
  if (!r->ok())
    return {std::nullopt, "kafka-metadata-quorum.sh " + std::string(r->timed_out ? "timed out" : "exited " + std::to_string(r->exit_code)) +
                              ": " + r->tail(2)};
  auto q = parse_quorum_status(r->output);
  if (!q.ok()) return {std::nullopt, q.error().message};
  return {*q, ""};
}

std::string node_id_holder(const QuorumStatus& q, int node_id) {
  for (const auto& v : q.voters)
    if (v.id == node_id) return describe_replica("voter", v);
  for (const auto& o : q.observers)
    if (o.id == node_id) return describe_replica("observer", o);
  return "";
}

bool is_voter(const QuorumStatus& q, int node_id, const std::string& directory_id) {
  for (const auto& v : q.voters)
    if (v.id == node_id && (v.directory_id.empty() || v.directory_id == directory_id)) return true;
  return false;
}

}  // namespace ka

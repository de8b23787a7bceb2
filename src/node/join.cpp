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

namespace {

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
    auto hp = split_hp(c, "controller");
    if (hp.ok() && tcp_probe(hp->first, hp->second, std::chrono::seconds(1)).ok()) {
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

#include "node/defaults.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/cluster_id.hpp"
#include "core/state.hpp"

namespace ka {

bool is_default_node(const NodeInput& in) {
  return in.role.empty() && in.node_id.empty() && in.controllers.empty() && in.controller_bootstrap.empty() &&
         in.zookeeper.empty() && in.zookeeper_servers.empty() && in.listeners.empty() && in.advertise.empty();
}

std::string primary_ipv4() {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "127.0.0.1";
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(9);
  inet_pton(AF_INET, "192.0.2.1", &dst.sin_addr);  // TEST-NET-1: only a route lookup, UDP connect sends nothing
  std::string out = "127.0.0.1";
  if (::connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == 0) {
    sockaddr_in me{};
    socklen_t len = sizeof me;
    char buf[INET_ADDRSTRLEN] = {};
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&me), &len) == 0 && inet_ntop(AF_INET, &me.sin_addr, buf, sizeof buf) &&
        std::string(buf) != "0.0.0.0")
      out = buf;
  }
  ::close(fd);
  return out;
}

Status apply_single_node_defaults(NodeInput& in, const RootFs& root, std::string address) {
  if (address.empty()) address = primary_ipv4();
  in.role = "combined";
  in.node_id = "1";
  if (in.cluster_id.empty()) {
    KA_TRY(auto state, StateFile::load(root));
    const auto* node = state.find("node");
    if (node && node->contains("cluster_id") && (*node)["cluster_id"].is_string() && !(*node)["cluster_id"].get<std::string>().empty()) {
      in.cluster_id = (*node)["cluster_id"].get<std::string>();
    } else {
      KA_TRY(in.cluster_id, new_cluster_id());
    }
  }
  in.controllers = {"1@" + address + ":9093"};
  in.listeners = {"PLAINTEXT://:9092", "CONTROLLER://:9093"};
  in.advertise = {"PLAINTEXT://" + address + ":9092"};
  return ok_status();
}

}  // namespace ka

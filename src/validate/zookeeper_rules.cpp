// zookeeper.properties of an ensemble member, checked the way ZooKeeper's QuorumPeerConfig reads
// it (server.N = host:quorumPort:electionPort[:participant|observer][;[clientHost:]clientPort]),
// plus the ensemble-level mistakes ZooKeeper only notices at run time (a duplicate id, this node
// missing from the list, two members on one address).
#include <algorithm>
#include <limits>
#include <map>

#include "validate/detail.hpp"

namespace ka {
namespace {

using namespace vdetail;

constexpr const char* kQuorumPeer = "apache/zookeeper: zookeeper-server/src/main/java/org/apache/zookeeper/server/quorum/QuorumPeer.java";

struct ZkServer {
  int64_t id = 0;
  std::string key, value;
  std::string host;
  long quorum_port = 0, election_port = 0;
  bool observer = false;
  std::optional<long> client_port;
};

// host:port:port[:type]; the host may be a bracketed IPv6 address.
bool split_server_part(const std::string& s, std::vector<std::string>& parts) {
  parts.clear();
  size_t i = 0;
  if (!s.empty() && s[0] == '[') {
    auto close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') return false;
    parts.push_back(s.substr(1, close - 1));
    i = close + 2;
  }
  while (true) {
    auto colon = s.find(':', i);
    parts.push_back(s.substr(i, colon == std::string::npos ? std::string::npos : colon - i));
    if (colon == std::string::npos) break;
    i = colon + 1;
  }
  return true;
}

std::optional<long> port_of(const std::string& s) {
  auto n = parse_java_integer(s, 1, 65535);
  if (!n) return std::nullopt;
  return static_cast<long>(*n);
}

// Error text, or nullopt with `out` filled.
std::optional<std::string> parse_server(const std::string& value, ZkServer& out) {
  std::string v = trim(value);
  std::string server_part = v, client_part;
  if (auto semi = v.find(';'); semi != std::string::npos) {
    server_part = v.substr(0, semi);
    client_part = v.substr(semi + 1);
  }
  std::vector<std::string> parts;
  if (!split_server_part(server_part, parts) || parts.size() < 3 || parts.size() > 4)
    return "does not have the form host:port:port[:participant|observer][;[clientHost:]clientPort]";
  if (parts[0].empty() || !valid_host(parts[0])) return "'" + parts[0] + "' is not a host name or address";
  auto qp = port_of(parts[1]);
  auto ep = port_of(parts[2]);
  if (!qp || !ep) return "quorum and election ports must be numbers from 1 to 65535";
  if (*qp == *ep) return "the quorum port and the election port must differ";
  if (parts.size() == 4) {
    if (parts[3] == "observer")
      out.observer = true;
    else if (parts[3] != "participant")
      return "unrecognised peer type '" + parts[3] + "' (participant or observer)";
  }
  if (!client_part.empty()) {
    auto colon = client_part.rfind(':');
    auto cp = port_of(colon == std::string::npos ? client_part : client_part.substr(colon + 1));
    if (!cp) return "client port '" + client_part + "' is not a port number";
    out.client_port = *cp;
  }
  out.host = parts[0];
  out.quorum_port = *qp;
  out.election_port = *ep;
  return std::nullopt;
}

// The four-letter words ZooKeeper knows (FourLetterCommands); others are ignored by the server.
const char* const kFourLetterWords[] = {"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro",
                                        "mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs"};

}  // namespace

std::vector<Violation> validate_zookeeper_properties(const Properties& props, std::optional<int> myid) {
  Sink s;
  auto val = [&](const std::string& k) { return trim(props.get_or(k, "")); };

  if (val("dataDir").empty())
    s.error("zookeeper.data-dir", "dataDir", "", "dataDir is not set", "set dataDir=/var/lib/zookeeper", kQuorumPeerConfig);

  for (const char* k : {"clientPort", "secureClientPort"}) {
    if (props.has(k) && !port_of(val(k)))
      s.error("zookeeper.number", k, val(k), std::string(k) + " must be a port number from 1 to 65535", "fix the port number", kQuorumPeerConfig);
  }
  for (const char* k : {"tickTime", "initLimit", "syncLimit", "maxClientCnxns"}) {
    if (props.has(k) && !parse_java_integer(val(k), 0, std::numeric_limits<int32_t>::max()))
      s.error("zookeeper.number", k, val(k), std::string(k) + " must be a non-negative integer", "write a whole number", kQuorumPeerConfig);
  }

  if (props.has("tickTime") && parse_java_integer(val("tickTime"), 0, 0))
    s.error("zookeeper.number", "tickTime", val("tickTime"), "tickTime is not set (0)", "set tickTime=2000", kQuorumPeerConfig);

  std::vector<ZkServer> servers;
  for (const auto& [key, value] : props.entries()) {
    if (key.rfind("server.", 0) != 0) continue;
    ZkServer srv;
    srv.key = key;
    srv.value = value;
    auto id = parse_java_integer(key.substr(7), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
    if (!id) {
      s.error("zookeeper.server.parse", key, value, "the server id after 'server.' must be a number", "name the line server.<id>, e.g. server.1", kQuorumPeerConfig);
      continue;
    }
    srv.id = *id;
    if (auto err = parse_server(value, srv)) {
      s.error("zookeeper.server.parse", key, value, *err, "write server.<id>=<host>:2888:3888 (optionally ;2181 for the client port)", kQuorumPeerConfig);
      continue;
    }
    servers.push_back(srv);
  }

  std::map<int64_t, const ZkServer*> by_id;
  std::map<std::string, const ZkServer*> by_addr;
  for (const auto& srv : servers) {
    if (auto [it, fresh] = by_id.emplace(srv.id, &srv); !fresh)
      s.error("zookeeper.server.duplicate-id", srv.key, srv.value,
              "server id " + std::to_string(srv.id) + " is used twice (" + it->second->key + " and " + srv.key + ")",
              "give every ensemble member its own id", kQuorumPeerConfig);
    for (long port : {srv.quorum_port, srv.election_port}) {
      std::string addr = srv.host + ":" + std::to_string(port);
      if (auto [it, fresh] = by_addr.emplace(addr, &srv); !fresh && it->second->id != srv.id)
        s.error("zookeeper.server.duplicate-address", srv.key, srv.value,
                addr + " is used by " + it->second->key + " and " + srv.key + "; two members cannot share a quorum or election address",
                "give each member its own host, or distinct ports", kQuorumPeerConfig);
    }
  }

  size_t voters = static_cast<size_t>(std::count_if(servers.begin(), servers.end(), [](const ZkServer& x) { return !x.observer; }));
  const ZkServer* self = nullptr;
  if (myid) {
    auto it = by_id.find(*myid);
    if (it != by_id.end()) self = it->second;
    if (!servers.empty() && !self)
      s.error("zookeeper.myid.member", "myid", std::to_string(*myid),
              "this node's myid " + std::to_string(*myid) + " is not among the server.N lines; ZooKeeper refuses to start",
              "add server." + std::to_string(*myid) + "=<this host>:2888:3888, or fix the myid file", kQuorumPeer);
  }

  if (servers.size() > 1 && !myid)
    s.warning("zookeeper.myid.member", "myid", "",
              "this node's myid is unknown, so its membership was not checked (ZooKeeper refuses to start without a myid file in an ensemble)",
              "pass --myid N, or write <dataDir>/myid before validating", kQuorumPeerConfig);

  if (servers.size() > 1) {
    for (const char* k : {"initLimit", "syncLimit"}) {
      auto n = parse_java_integer(val(k), 0, std::numeric_limits<int32_t>::max());
      if (!props.has(k) || (n && *n == 0))
        s.error("zookeeper.quorum-limits", k, val(k), std::string(k) + " is not set (required when the ensemble has more than one server)",
                std::string("set ") + k + (std::string(k) == "initLimit" ? "=10" : "=5"), kQuorumPeerConfig);
    }
    if (voters % 2 == 0)
      s.warning("zookeeper.ensemble.even", "server.*", std::to_string(voters) + " voting members",
                "an even ensemble tolerates no more failures than one member fewer (" + std::to_string(voters) +
                    " members survive " + std::to_string((voters - 1) / 2) + " failures)",
                "use 3 or 5 voting members", kQuorumPeerConfig);
  }

  bool client_in_line = self && self->client_port;
  if (!props.has("clientPort") && !props.has("secureClientPort") && !client_in_line)
    s.error("zookeeper.client-port", "clientPort", "",
            "no client port: neither clientPort, secureClientPort nor this node's server line (;port) sets one, so Kafka cannot connect",
            "set clientPort=2181", kQuorumPeerConfig);

  if (props.has("4lw.commands.whitelist")) {
    auto words = split_list(val("4lw.commands.whitelist"));
    bool star = std::find(words.begin(), words.end(), "*") != words.end();
    if (star)
      s.warning("zookeeper.4lw", "4lw.commands.whitelist", val("4lw.commands.whitelist"),
                "'*' enables every four-letter word, including ones that dump connection and session details",
                "list only the words you use, e.g. srvr,ruok,mntr", kZkFourLetter);
    for (const auto& w : words) {
      if (w == "*") continue;
      if (std::find(std::begin(kFourLetterWords), std::end(kFourLetterWords), w) == std::end(kFourLetterWords))
        s.warning("zookeeper.4lw", "4lw.commands.whitelist", val("4lw.commands.whitelist"), "'" + w + "' is not a ZooKeeper four-letter word; it is ignored",
                  "remove it", kZkFourLetter);
    }
    if (!star && (std::find(words.begin(), words.end(), "srvr") == words.end() || std::find(words.begin(), words.end(), "ruok") == words.end()))
      s.warning("zookeeper.4lw", "4lw.commands.whitelist", val("4lw.commands.whitelist"),
                "the health checks of this appliance use 'ruok' and 'srvr', which this whitelist does not both allow",
                "add srvr,ruok to 4lw.commands.whitelist", kZkFourLetter);
  }
  return s.out;
}

}  // namespace ka

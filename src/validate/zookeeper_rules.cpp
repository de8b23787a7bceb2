// A ZooKeeper config (zookeeper.properties, zoo.cfg) checked the way ZooKeeper 3.8 reads it:
// QuorumPeerConfig.parseProperties (each known key's Integer.parseInt / strict boolean, the
// port ranges of InetSocketAddress, tickTime, session timeouts, the SASL switches), its
// QuorumMaj / QuorumServer parse of server.N = host:port:port[:type][;[host:]port], the ensemble
// checks of parseDynamicConfig and checkValidity, and QuorumPeer.start's "my id in the peer
// list". The errors are what ZooKeeper refuses (tests/kafka-config/ZkConfigCheck.java compares
// them with ZooKeeper's own parser); a few ensemble mistakes ZooKeeper accepts but that break a
// node are errors of ours, marked stricter; the rest are warnings.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>

#include "validate/detail.hpp"
#include "validate/schema.hpp"

namespace ka {
namespace {

using namespace vdetail;

constexpr const char* kQuorumPeer = "apache/zookeeper: zookeeper-server/src/main/java/org/apache/zookeeper/server/quorum/QuorumPeer.java";

// The keys parseProperties reads with Integer.parseInt / Long.parseLong / its strict parseBoolean.
const char* const kIntKeys[] = {"clientPort", "secureClientPort", "observerMasterPort", "clientPortListenBacklog", "tickTime",
                                "maxClientCnxns", "minSessionTimeout", "maxSessionTimeout", "initLimit", "syncLimit",
                                "connectToLearnerMasterLimit", "electionAlg", "autopurge.snapRetainCount",
                                "autopurge.purgeInterval", "quorum.cnxn.threads.size", "multiAddress.reachabilityCheckTimeoutMs"};
const char* const kLongKeys[] = {"jvm.pause.info-threshold.ms", "jvm.pause.warn-threshold.ms", "jvm.pause.sleep.time.ms"};
const char* const kBoolKeys[] = {"localSessionsEnabled", "localSessionsUpgradingEnabled", "quorumListenOnAllIPs", "syncEnabled",
                                 "standaloneEnabled", "reconfigEnabled", "sslQuorum", "portUnification", "sslQuorumReloadCertFiles",
                                 "quorum.auth.enableSasl", "quorum.auth.serverRequireSasl", "quorum.auth.learnerRequireSasl",
                                 "jvm.pause.monitor", "multiAddress.enabled", "multiAddress.reachabilityCheckEnabled"};
// Other keys only ZooKeeper reads (parseProperties, or as zookeeper.* system properties): with
// the above, how a ZooKeeper config is told from a Kafka one.
const char* const kOtherKeys[] = {"dataDir", "dataLogDir", "clientPortAddress", "secureClientPortAddress", "peerType",
                                  "dynamicConfigFile", "quorum.auth.learner.saslLoginContext", "quorum.auth.server.saslLoginContext",
                                  "quorum.auth.kerberos.servicePrincipal", "metricsProvider.className", "oraclePath",
                                  "4lw.commands.whitelist", "admin.enableServer", "admin.serverPort", "admin.serverAddress",
                                  "snapCount", "preAllocSize", "globalOutstandingLimit", "forceSync", "leaderServes",
                                  "serverCnxnFactory", "skipACL", "jute.maxbuffer"};
// metricsProvider.className values ZooKeeper itself ships.
const char* const kBuiltinMetricsProviders[] = {"org.apache.zookeeper.metrics.impl.DefaultMetricsProvider",
                                                "org.apache.zookeeper.metrics.impl.NullMetricsProvider"};

template <size_t N>
bool in(const char* const (&list)[N], const std::string& s) {
  return std::find_if(std::begin(list), std::end(list), [&](const char* x) { return s == x; }) != std::end(list);
}

// Integer.parseInt / Long.parseLong on the text as it is: no whitespace allowed.
std::optional<int64_t> java_int(const std::string& s, int64_t min = std::numeric_limits<int32_t>::min(),
                                int64_t max = std::numeric_limits<int32_t>::max()) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ') return std::nullopt;
  return parse_java_integer(s, min, max);
}

// String.split(sep): trailing empty strings removed (so "a;" is one part and ";" none).
std::vector<std::string> java_split(const std::string& s, char sep) {
  auto parts = split(s, sep);
  if (parts.size() == 1) return parts;  // no separator: the string itself, even when empty
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

// ConfigUtils.getHostAndPort: "[v6]:a:b" or "host:a:b"; error text when it refuses.
std::optional<std::string> host_and_port(const std::string& s, std::vector<std::string>& out) {
  if (!s.empty() && s[0] == '[') {
    auto i = s.find(']');
    if (i == std::string::npos) return s + " starts with '[' but has no matching ']:'";
    if (i + 2 == s.size()) return s + " doesn't have a port after colon";
    if (i + 2 < s.size()) {
      out = java_split(s.substr(i + 2), ':');
      out.insert(out.begin(), s.substr(1, i - 1));
    } else {
      out = {s.substr(1, i - 1)};
    }
    return std::nullopt;
  }
  out = java_split(s, ':');
  return std::nullopt;
}

// An InetSocketAddress port: Integer.parseInt, then 0 to 65535.
std::optional<long> socket_port(const std::string& s) {
  auto n = java_int(s);
  if (!n || *n < 0 || *n > 65535) return std::nullopt;
  return static_cast<long>(*n);
}

struct ZkServer {
  int64_t id = 0;
  std::string key, value;
  std::string host;
  long quorum_port = 0, election_port = 0;
  bool observer = false;
  std::optional<std::string> client_host;  // "0.0.0.0" when only a port is given
  std::optional<long> client_port;
};

const char* const kWrongFormat =
    " does not have the form server_config or server_config;client_config where server_config is host:port:port or "
    "host:port:port:type and client_config is port or host:port";

// QuorumServer(sid, addressStr): error text (ZooKeeper's wording where it has one), or nullopt.
std::optional<std::string> parse_server(const std::string& value, ZkServer& out) {
  auto server_client = java_split(value, ';');
  if (server_client.empty() || server_client.size() > 2) return "'" + value + "'" + kWrongFormat;
  if (server_client.size() == 2) {
    std::vector<std::string> cp;
    if (auto err = host_and_port(server_client[1], cp)) return *err;
    if (cp.size() > 2) return "'" + value + "'" + kWrongFormat;
    auto port = socket_port(cp.back());
    if (!port) return "client port '" + cp.back() + "' is not a port number from 0 to 65535";
    out.client_host = cp.size() == 2 ? cp[0] : "0.0.0.0";
    out.client_port = *port;
  }
  if (server_client[0].find('|') != std::string::npos)
    return "several addresses ('|') are refused unless the JVM runs with -Dzookeeper.multiAddress.enabled=true";
  std::vector<std::string> parts;
  if (auto err = host_and_port(server_client[0], parts)) return *err;
  if (parts.size() < 3 || parts.size() > 4) return "'" + value + "'" + kWrongFormat;
  auto qp = socket_port(parts[1]);
  auto ep = socket_port(parts[2]);
  if (!qp || !ep) return "'" + (qp ? parts[2] : parts[1]) + "' is not a port number from 0 to 65535 (Address unresolved)";
  if (*qp == *ep) return "Client and election port must be different";
  if (parts.size() == 4) {
    std::string type = parts[3];
    type = schema::java_trim(type);
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (type == "observer")
      out.observer = true;
    else if (type != "participant")
      return "Unrecognised peertype: " + parts[3] + " (participant or observer)";
  }
  out.host = parts[0];
  out.quorum_port = *qp;
  out.election_port = *ep;
  return std::nullopt;
}

// The four-letter words ZooKeeper knows (FourLetterCommands); others are ignored by the server.
const char* const kFourLetterWords[] = {"conf", "cons", "crst", "dirs", "dump", "envi", "gtmk", "hash", "isro",
                                        "mntr", "ruok", "srst", "srvr", "stat", "stmk", "wchc", "wchp", "wchs"};

bool wildcard(const std::string& host) { return host == "0.0.0.0" || host == "::" || host == "[::]" || host == "0:0:0:0:0:0:0:0"; }

// QuorumPeerConfig.parse and QuorumPeer.start, one stage per method, in ZooKeeper's order.
class ZkCheck {
 public:
  ZkCheck(const Properties& props, std::optional<int> myid, bool myid_file_absent)
      : props(props), myid(myid), myid_file_absent(myid_file_absent) {}

  std::vector<Violation> run() {
    check_data_dirs();
    check_types();
    check_switches();
    check_ports_and_timeouts();
    if (!check_quorum_layout()) return s.out;  // the ensemble is not in this file's server.N lines
    parse_servers();
    index_servers();
    check_ensemble();
    check_client_port();
    check_four_letter_words();
    return s.out;
  }

 private:
  // parseProperties reads every value String.trim()med.
  std::string val(const std::string& k) const { return schema::java_trim(props.get_or(k, "")); }
  int64_t number(const char* k, int64_t fallback) const {
    auto it = num.find(k);
    return it == num.end() ? fallback : it->second;
  }
  static std::string lower(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return v;
  }
  bool flag(const char* k, bool fallback) const {
    if (!props.has(k)) return fallback;
    std::string low = lower(val(k));
    return low == "true" ? true : low == "false" ? false : fallback;
  }

  void check_data_dirs() {
    if (!props.has("dataDir"))
      s.error("zookeeper.data-dir", "dataDir", "", "dataDir is not set (ZooKeeper: \"dataDir is not set\")",
              "set dataDir=/var/lib/zookeeper", kQuorumPeerConfig);
    for (const char* k : {"dataDir", "dataLogDir"}) {
      if (!props.has(k)) continue;
      // VerifyingFileFactory looks at the first two chars of a relative path ("./"): an empty or
      // one-char relative path makes it throw (StringIndexOutOfBoundsException).
      std::string path = val(k);
      while (path.size() > 1 && path.back() == '/') path.pop_back();
      if (!path.empty() && path[0] == '/') continue;
      if (path.size() < 2)
        s.error("zookeeper.data-dir", k, val(k),
                std::string(k) + (path.empty() ? " is empty" : " is a one-letter relative path") +
                    ": ZooKeeper fails reading it (StringIndexOutOfBoundsException)",
                std::string("set ") + k + "=/var/lib/zookeeper", kQuorumPeerConfig);
      else
        s.warning("zookeeper.data-dir", k, val(k), std::string(k) + " is relative: ZooKeeper resolves it against its working directory",
                  std::string("write an absolute path, e.g. ") + k + "=/var/lib/zookeeper", kQuorumPeerConfig);
    }
  }

  // Integer.parseInt / Long.parseLong of the numeric keys, the strict booleans.
  void check_types() {
    for (const auto& [key, raw] : props.entries()) {
      std::string k = schema::java_trim(key), v = schema::java_trim(raw);
      bool is_int = in(kIntKeys, k), is_long = in(kLongKeys, k);
      if (is_int || is_long) {
        auto n = is_int ? java_int(v) : java_int(v, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
        if (!n)
          s.error("zookeeper.number", k, v,
                  k + " must be " + (is_int ? "an int" : "a long") + " as Integer.parseInt reads it (ZooKeeper: NumberFormatException: For input string: \"" + v + "\")",
                  "write a whole number without spaces or units", kQuorumPeerConfig);
        else
          num[k] = *n;
      } else if (in(kBoolKeys, k)) {
        std::string low = v;
        low = lower(low);
        if (low != "true" && low != "false")
          s.error("zookeeper.boolean", k, v, "Invalid option " + v + " for " + k + ". Choose 'true' or 'false.'", "write true or false",
                  kQuorumPeerConfig);
      }
    }
  }

  void check_switches() {
    if (num.count("electionAlg") && num.at("electionAlg") != 3)
      s.error("zookeeper.election-alg", "electionAlg", val("electionAlg"), "Invalid electionAlg value. Only 3 is supported.",
              "remove electionAlg", kQuorumPeerConfig);
    if (props.has("peerType")) {
      std::string low = val("peerType");
      low = lower(low);
      if (low != "observer" && low != "participant")
        s.error("zookeeper.peer-type", "peerType", val("peerType"), "Unrecognised peertype: " + val("peerType"), "write observer or participant",
                kQuorumPeerConfig);
    }

    bool sasl = flag("quorum.auth.enableSasl", false), server_req = flag("quorum.auth.serverRequireSasl", false),
         learner_req = flag("quorum.auth.learnerRequireSasl", false);
    if (!sasl && (server_req || learner_req))
      s.error("zookeeper.quorum-sasl", server_req ? "quorum.auth.serverRequireSasl" : "quorum.auth.learnerRequireSasl", "true",
              "quorum.auth.enableSasl is disabled, so cannot enable " +
                  std::string(server_req ? "quorum.auth.serverRequireSasl" : "quorum.auth.learnerRequireSasl"),
              "set quorum.auth.enableSasl=true", kQuorumPeerConfig);
    else if (server_req && !learner_req)
      s.error("zookeeper.quorum-sasl", "quorum.auth.serverRequireSasl", "true",
              "quorum.auth.learnerRequireSasl is disabled, so cannot enable quorum.auth.serverRequireSasl",
              "set quorum.auth.learnerRequireSasl=true too", kQuorumPeerConfig);
  }

  void check_ports_and_timeouts() {
    // clientPort 0 (or absent) means none; otherwise InetSocketAddress(port) wants 0 to 65535.
    for (const char* k : {"clientPort", "secureClientPort"}) {
      std::string addr_key = std::string(k) == "clientPort" ? "clientPortAddress" : "secureClientPortAddress";
      int64_t port = number(k, 0);
      if (port == 0 && props.has(addr_key))
        s.error("zookeeper.client-port", addr_key, val(addr_key), addr_key + " is set but " + k + " is not set",
                std::string("set ") + k + "=2181, or remove " + addr_key, kQuorumPeerConfig);
      if (port < 0 || port > 65535)
        s.error("zookeeper.number", k, val(k), std::string(k) + " must be a port from 1 to 65535 (ZooKeeper: port out of range:" +
                                                  std::to_string(port) + ")",
                "fix the port number", kQuorumPeerConfig);
    }

    int64_t tick = number("tickTime", 3000);
    if (tick == 0)
      s.error("zookeeper.number", "tickTime", val("tickTime"), "tickTime is not set (0)", "set tickTime=2000", kQuorumPeerConfig);
    // Java int arithmetic: the defaults are 2 and 20 ticks, and wrap like Java's int does.
    auto wrap = [](int64_t x) { return static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(x))); };
    int64_t min_session = number("minSessionTimeout", -1), max_session = number("maxSessionTimeout", -1);
    min_session = min_session == -1 ? wrap(tick * 2) : min_session;
    max_session = max_session == -1 ? wrap(tick * 20) : max_session;
    if (tick != 0 && min_session > max_session)
      s.error("zookeeper.session-timeout", "minSessionTimeout", std::to_string(min_session),
              "minSessionTimeout must not be larger than maxSessionTimeout (" + std::to_string(min_session) + " > " +
                  std::to_string(max_session) + ", the defaults being 2 and 20 ticks of tickTime " + std::to_string(tick) + ")",
              "set tickTime to a positive number of milliseconds and minSessionTimeout <= maxSessionTimeout", kQuorumPeerConfig);
    for (const char* k : {"tickTime", "initLimit", "syncLimit"})
      if (num.count(k) && num.at(k) < 0)
        s.warning("zookeeper.number", k, val(k), std::string(k) + " is negative: ZooKeeper accepts it, but timeouts derived from it never wait",
                  "write a positive number", kQuorumPeerConfig);

    if (props.has("metricsProvider.className") && !in(kBuiltinMetricsProviders, val("metricsProvider.className")))
      s.warning("zookeeper.metrics-provider", "metricsProvider.className", val("metricsProvider.className"),
                "not one of ZooKeeper's own metrics providers: ZooKeeper refuses to start unless the class is on its class path, which validate cannot see",
                "check that the jar with this class is installed beside ZooKeeper's", kQuorumPeerConfig);
  }

  // server.N lines beside a dynamic config file are refused; the ensemble in a dynamic file or as
  // hierarchical quorums is not read here (false: a warning, and no ensemble checks).
  bool check_quorum_layout() {
    bool hierarchical = false, dynamic_file = props.has("dynamicConfigFile");
    for (const auto& [key, value] : props.entries()) {
      bool quorum_key = key.rfind("server.", 0) == 0 || key.rfind("group", 0) == 0 || key.rfind("weight", 0) == 0;
      hierarchical = hierarchical || key.rfind("group", 0) == 0 || key.rfind("weight", 0) == 0;
      if (quorum_key && dynamic_file)
        s.error("zookeeper.dynamic-config", key, value, "parameter: " + key + " must be in a separate dynamic config file",
                "move the server.N lines into the dynamicConfigFile, or remove dynamicConfigFile", kQuorumPeerConfig);
    }
    if (dynamic_file || hierarchical) {
      s.warning("zookeeper.server.parse", dynamic_file ? "dynamicConfigFile" : "group.*", "",
                dynamic_file ? "the ensemble is in the dynamic config file, which validate does not read"
                             : "hierarchical quorums (group/weight) are not checked by validate",
                "check the ensemble by hand", kQuorumPeerConfig);
      return false;
    }
    return true;
  }

  void parse_servers() {
    for (const auto& [key, value] : props.entries()) {
      if (key.rfind("server.", 0) != 0) continue;
      ZkServer srv;
      srv.key = key;
      srv.value = value;
      auto id = java_int(key.substr(7), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
      if (!id) {
        s.error("zookeeper.server.parse", key, value, "the server id after 'server.' must be a number (Long.parseLong)",
                "name the line server.<id>, e.g. server.1", kQuorumPeerConfig);
        continue;
      }
      srv.id = *id;
      // QuorumMaj reads the value as it is: trailing spaces are part of the last port.
      if (auto err = parse_server(value, srv)) {
        s.error("zookeeper.server.parse", key, value, *err, "write server.<id>=<host>:2888:3888 (optionally ;2181 for the client port)",
                kQuorumPeerConfig);
        continue;
      }
      if (srv.host.empty())
        s.warning("zookeeper.server.parse", key, value, "no host: ZooKeeper takes the local host", "write this member's address",
                  kQuorumPeerConfig);
      else if (!valid_host(srv.host))
        s.warning("zookeeper.server.parse", key, value, "'" + srv.host + "' does not look like a host name or address",
                  "write this member's host name or IP address", kQuorumPeerConfig);
      servers.push_back(srv);
    }
  }

  // Ours, stricter than ZooKeeper: one id and one address per member.
  void index_servers() {
    std::map<std::string, const ZkServer*> by_addr;
    for (const auto& srv : servers) {
      if (auto [it, fresh] = by_id.emplace(srv.id, &srv); !fresh)
        s.error("zookeeper.server.duplicate-id", srv.key, srv.value,
                "server id " + std::to_string(srv.id) + " is used twice (" + it->second->key + " and " + srv.key +
                    "); ZooKeeper keeps one of them, whichever it reads last",
                "give every ensemble member its own id", kApplianceZk);
      for (long port : {srv.quorum_port, srv.election_port}) {
        std::string addr = srv.host + ":" + std::to_string(port);
        if (auto [it, fresh] = by_addr.emplace(addr, &srv); !fresh && it->second->id != srv.id)
          s.error("zookeeper.server.duplicate-address", srv.key, srv.value,
                  addr + " is used by " + it->second->key + " and " + srv.key + "; two members cannot share a quorum or election address",
                  "give each member its own host, or distinct ports", kApplianceZk);
      }
    }
  }

  // parseDynamicConfig's and checkValidity's view of the ensemble, then QuorumPeer.start's myid.
  void check_ensemble() {
    bool standalone = flag("standaloneEnabled", true);
    size_t voters = 0, observers = 0;
    for (const auto& [id, srv] : by_id) (srv->observer ? observers : voters) += 1;
    if (voters == 0 && !standalone)
      s.error("zookeeper.ensemble", "standaloneEnabled", "false", "standaloneEnabled = false then number of participants should be >0",
              "add server.N lines, or remove standaloneEnabled=false", kQuorumPeerConfig);
    if (voters == 0 && observers > 0)
      s.error("zookeeper.ensemble", "server.*", "", "Observers w/o participants is an invalid configuration",
              "make some members participants", kQuorumPeerConfig);
    if (voters == 1 && standalone && observers > 0)
      s.error("zookeeper.ensemble", "server.*", "", "Observers w/o quorum is an invalid configuration",
              "add participants, or remove the observers", kQuorumPeerConfig);
    if (voters == 1 && standalone && observers == 0)
      s.warning("zookeeper.ensemble", "server.*", "", "only one server is listed: ZooKeeper ignores the line and runs standalone",
                "remove the server line, or list every member", kQuorumPeerConfig);
    if (voters >= 2 && voters % 2 == 0)
      s.warning("zookeeper.ensemble.even", "server.*", std::to_string(voters) + " voting members",
                voters == 2 ? "No server failure will be tolerated. You need at least 3 servers."
                            : "Non-optimal configuration, consider an odd number of servers (" + std::to_string(voters) +
                                  " members survive " + std::to_string((voters - 1) / 2) + " failures, as " + std::to_string(voters - 1) + " do)",
                "use 3 or 5 voting members", kQuorumPeerConfig);

    bool distributed = !standalone || voters > 1;
    if (myid) {
      auto it = by_id.find(*myid);
      if (it != by_id.end()) self = it->second;
    }
    if (distributed) {
      for (const char* k : {"initLimit", "syncLimit"})
        if (number(k, 0) == 0)
          s.error("zookeeper.quorum-limits", k, val(k), std::string(k) + " is not set (required when the ensemble has more than one server)",
                  std::string("set ") + k + (std::string(k) == "initLimit" ? "=10" : "=5"), kQuorumPeerConfig);
      if (!myid && myid_file_absent)
        s.error("zookeeper.myid.member", "myid", "", "myid file is missing: an ensemble member needs <dataDir>/myid holding its id",
                "write this node's id into " + val("dataDir") + "/myid", kQuorumPeerConfig);
      else if (!myid)
        s.warning("zookeeper.myid.member", "myid", "",
                  "this node's myid is unknown, so its membership was not checked (ZooKeeper refuses to start without a myid file in an ensemble)",
                  "pass --myid N, or write <dataDir>/myid before validating", kQuorumPeerConfig);
      else if (!self)
        s.error("zookeeper.myid.member", "myid", std::to_string(*myid),
                "this node's myid " + std::to_string(*myid) + " is not among the server.N lines (ZooKeeper: \"My id " + std::to_string(*myid) +
                    " not in the peer list\")",
                "add server." + std::to_string(*myid) + "=<this host>:2888:3888, or fix the myid file", kQuorumPeer);
    }
  }

  void check_client_port() {
    // setupClientPort: this node's ;client part and clientPort(Address) must name the same port.
    int64_t client_port = number("clientPort", 0);
    if (self && self->client_port && client_port > 0 && client_port <= 65535) {
      std::string addr = props.has("clientPortAddress") ? val("clientPortAddress") : "0.0.0.0";
      bool same = wildcard(addr) ? *self->client_port == client_port : (*self->client_port == client_port && addr == *self->client_host);
      if (!same)
        s.error("zookeeper.client-port", "clientPort", val("clientPort"),
                "client address for this server (id = " + std::to_string(self->id) + ") is " + addr + ":" + std::to_string(client_port) +
                    ", different from the one on its server line (" + *self->client_host + ":" + std::to_string(*self->client_port) + ")",
                "give the client port in one place only", kQuorumPeerConfig);
    }

    bool client_in_line = self && self->client_port;
    bool any_client = (client_port > 0 && client_port <= 65535) || number("secureClientPort", 0) > 0 || client_in_line;
    if (!any_client)
      s.error("zookeeper.client-port-missing", "clientPort", val("clientPort"),
              "no client port: neither clientPort, secureClientPort nor this node's server line (;port) sets one, so Kafka cannot connect",
              "set clientPort=2181", kApplianceZk);
  }

  void check_four_letter_words() {
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
  }

  const Properties& props;
  std::optional<int> myid;
  bool myid_file_absent;
  Sink s;
  std::map<std::string, int64_t> num;  // the numeric keys that parsed
  std::vector<ZkServer> servers;
  std::map<int64_t, const ZkServer*> by_id;
  const ZkServer* self = nullptr;  // this node's server line (by myid)
};

}  // namespace

bool is_zookeeper_key(const std::string& key) {
  if (key.rfind("server.", 0) == 0 && key.size() > 7 && std::isdigit(static_cast<unsigned char>(key[7]))) return true;
  return in(kIntKeys, key) || in(kLongKeys, key) || in(kBoolKeys, key) || in(kOtherKeys, key) ||
         key.rfind("authProvider.", 0) == 0 || key.rfind("metricsProvider.", 0) == 0;
}

std::vector<Violation> validate_zookeeper_properties(const Properties& props, std::optional<int> myid, bool myid_file_absent) {
  return ZkCheck(props, myid, myid_file_absent).run();
}

}  // namespace ka

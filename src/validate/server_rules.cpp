// Start-up rules of a Kafka server (KafkaConfig.validateValues and the ConfigDef checks before it),
// per version. Each check names the Kafka source it is read from; the version gates follow the
// differences between the 3.7, 3.9 and 4.x sources of KafkaConfig.scala:
//   - 3.6-3.8: static quorum only (controller.quorum.voters required); a controller may not set
//     advertised.listeners; a broker may not advertise a controller listener.
//   - 3.9: KIP-853 dynamic quorum: controller.quorum.bootstrap.servers may replace the voters,
//     controllers may advertise their listener, controller listeners are filtered out of the
//     broker's advertised listeners instead of being refused.
//   - 4.0: ZooKeeper mode removed: process.roles and node.id required (KRaftConfigs ConfigDef).
#include <algorithm>
#include <limits>

#include "validate/detail.hpp"
#include "validate/schema.hpp"

namespace ka {
namespace {

using namespace vdetail;

constexpr int64_t kIntMin = std::numeric_limits<int32_t>::min();
constexpr int64_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int64_t kLongMin = std::numeric_limits<int64_t>::min();
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

const char* const kDefaultProtocols[] = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};

bool is_protocol(const std::string& p) {
  return std::find(std::begin(kDefaultProtocols), std::end(kDefaultProtocols), upper(p)) != std::end(kDefaultProtocols);
}

// What the ZooKeeper client (3.8's ConnectStringParser, then StaticHostProvider) refuses in
// zookeeper.connect when a ZooKeeper-mode broker starts, before it connects: Kafka's message, or
// nullopt. Hosts are split at commas (each trimmed, empty ones dropped), an optional chroot
// follows the first '/', a port is Integer.parseInt'ed (default 2181) and must be a TCP port.
std::optional<std::string> zk_connect_error(const std::string& connect) {
  std::string hosts = connect;
  auto slash = connect.find('/');
  if (slash != std::string::npos) {
    std::string chroot = connect.substr(slash);
    hosts = connect.substr(0, slash);
    if (chroot.size() > 1) {  // PathUtils.validatePath
      if (chroot.back() == '/') return "Path must not end with / character";
      size_t start = 1;
      while (start <= chroot.size()) {
        auto end = chroot.find('/', start);
        std::string node = chroot.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (node.empty()) return "Invalid path string \"" + chroot + "\" caused by empty node name specified";
        if (node == "." || node == "..") return "Invalid path string \"" + chroot + "\" caused by relative paths not allowed";
        for (unsigned char c : node)
          if (c < 0x20 || c == 0x7f) return "Invalid path string \"" + chroot + "\" caused by invalid character";
        if (end == std::string::npos) break;
        start = end + 1;
      }
    }
  }
  size_t n = 0;
  for (const auto& item : split_list(hosts)) {  // trimmed, empty items dropped, as ZooKeeper's StringUtils.split
    if (item.empty()) continue;
    ++n;
    std::string port;
    bool has_port = false;
    if (item[0] == '[') {  // NetUtils.getIPV6HostAndPort
      auto close = item.find(']');
      if (close == std::string::npos) return item + " starts with '[' but has no matching ']'";
      if (close + 1 < item.size()) {
        if (item[close + 1] != ':') return "Host and port should be separated by ':' in " + item;
        port = item.substr(close + 2);
        has_port = true;
      }
    } else if (auto colon = item.rfind(':'); colon != std::string::npos && colon + 1 < item.size()) {
      port = item.substr(colon + 1);
      has_port = true;
    }
    if (!has_port) continue;
    if (port.empty() || port != trim(port)) return "For input string: \"" + port + "\"";
    auto p = parse_java_integer(port, kIntMin, kIntMax);
    if (!p) return "For input string: \"" + port + "\"";
    if (*p < 0 || *p > 65535) return "port out of range:" + std::to_string(*p);
  }
  if (n == 0) return std::string("A HostProvider may not be empty!");
  return std::nullopt;
}

class ServerCheck {
 public:
  ServerCheck(const Properties& p, const KafkaVersion& v, Sink& s) : p_(p), v_(v), s_(s) {}

  void run() {
    check_types();
    check_roles();
    check_ids();
    // 4.x without process.roles: Kafka stops at the missing role; the listener rules would only
    // repeat ZooKeeper-mode assumptions that no longer apply.
    if (v_.kraft_only() && !kraft_) {
      check_removed_keys();
      return;
    }
    check_listeners();
    check_inter_broker();
    if (kraft_)
      check_kraft();
    else if (!v_.kraft_only())
      check_zookeeper_mode();
    if (broker_ || !kraft_) check_broker_listeners();
    check_meta_address();
    check_numbers();
    check_kafka_config_values();
    check_removed_keys();
    check_upgrade();
    check_advice();
  }

  // Results the format rules build on.
  bool kraft() const { return kraft_; }
  bool controller() const { return controller_; }
  bool broker() const { return broker_; }
  bool has_static_voters() const { return !voters_.empty(); }

 private:
  std::string val(const std::string& k) const { return trim(p_.get_or(k, "")); }
  bool set(const std::string& k) const { return p_.has(k); }

  int64_t num(const std::string& key, int64_t fallback) const {
    auto raw = p_.get(key);
    if (!raw) return fallback;
    auto n = parse_java_integer(*raw, kLongMin, kLongMax);
    return n ? *n : fallback;
  }
  bool flag(const std::string& key, bool fallback) const {
    auto raw = p_.get(key);
    if (!raw) return fallback;
    std::string t = upper(trim(*raw));
    if (t == "TRUE") return true;
    if (t == "FALSE") return false;
    return fallback;
  }

  // Every key against the release's ConfigDef (generated from Kafka: validate/schema.hpp):
  // ConfigDef.parse refuses a bad type or a failing validator before any rule below runs.
  void check_types() {
    std::set<std::string> rsm_prefixes = {val("remote.log.storage.manager.impl.prefix"), val("remote.log.metadata.manager.impl.prefix")};
    for (const auto& [key, raw] : p_.entries()) {
      const auto* def = schema::find(schema_key(key), v_);
      if (!def) {
        if (!plugin_key(key, rsm_prefixes)) unknown_key(key, raw);
        continue;
      }
      if (has_own_parse_rule(key)) continue;
      if (auto e = schema::check_value(*def, raw)) value_error(*def, key, raw, *e);
    }
    for (const auto* def : schema::keys_of(v_))
      if (def->required && !set(def->name) && def->name != "process.roles" && def->name != "node.id")  // those two have rules of their own
        s_.error("config.required", def->name, "", "Missing required configuration \"" + def->name + "\" which has no default value.",
                 "set " + def->name + " (" + def->doc + ")", kConfigDef);
  }

  // The quorum keys are parsed by their own rules (kraft.quorum.voters-parse, and from 3.9
  // kraft.quorum.bootstrap-parse) the way QuorumConfig's validators read them: one report each.
  bool has_own_parse_rule(const std::string& key) const {
    return key == "controller.quorum.voters" || (key == "controller.quorum.bootstrap.servers" && v_.at_least(3, 9));
  }

  void value_error(const schema::KeyDef& def, const std::string& key, const std::string& raw, const schema::ValueError& e) {
    std::string explain = "see `kafka-appliance validate --explain " + def.name + " --kafka-version " + v_.str() + "`";
    if (e.kind == "type")
      s_.error("config.type", key, raw, e.message,
               "write a value of type " + schema::type_name(def.type) + (def.default_text.empty() ? "" : " (default: " + def.default_text + ")"),
               kConfigDef);
    else if (e.kind == "range")
      s_.error("config.range", key, raw, e.message, explain, kConfigDef);
    else
      s_.error("config.value", key, raw, e.message, explain, kConfigDef);
  }

  // Before an upgrade: keys this release knows that the newest release no longer has. Not for
  // a ZooKeeper-mode broker, whose whole config changes on the way to KRaft.
  void check_upgrade() {
    if (!kraft_) return;
    for (const auto& [key, raw] : p_.entries())
      if (schema::find(schema_key(key), v_)) removed_later(key);
  }

  // listener.name.<listener>.<key> configures <key> for one listener: check it as <key>.
  static std::string schema_key(const std::string& key) {
    static const std::string prefix = "listener.name.";
    if (key.rfind(prefix, 0) != 0) return key;
    auto dot = key.find('.', prefix.size());
    if (dot == std::string::npos) return key;
    std::string rest = key.substr(dot + 1);
    // listener.name.<l>.<mechanism>.sasl.jaas.config and friends: the mechanism is a prefix too
    auto sasl = rest.find(".sasl.");
    if (sasl != std::string::npos && rest.rfind("sasl.", 0) != 0) rest = rest.substr(sasl + 1);
    return rest;
  }

  // Keys read by plug-ins rather than KafkaConfig (remote storage, config providers): Kafka
  // passes them through, so they are neither known nor unknown.
  static bool plugin_key(const std::string& key, const std::set<std::string>& prefixes) {
    for (const auto& p : prefixes)
      if (!p.empty() && key.rfind(p, 0) == 0) return true;
    return key.rfind("config.providers.", 0) == 0 || key.rfind("rsm.config.", 0) == 0 || key.rfind("rlmm.config.", 0) == 0;
  }

  // Kafka logs an unknown key as "supplied but not used" and runs on: a warning naming the
  // closest key of this release, or the releases that do know it.
  void unknown_key(const std::string& key, const std::string& raw) {
    std::string known = schema::releases_text(key);
    if (!known.empty()) {
      s_.warning("config.not-in-version", key, raw,
                 key + " is not a setting of Kafka " + v_.str() + " (it exists in Kafka " + known + "); Kafka " + v_.str() + " ignores it",
                 "remove " + key + " from this node's config", kConfigDef);
      return;
    }
    auto near = schema::closest(key, v_);
    s_.warning("config.unknown", key, raw, key + " is not a Kafka " + v_.str() + " setting; Kafka ignores it",
               near.empty() ? "check the spelling against the Kafka " + v_.family() + " broker configs"
                            : "did you mean " + near[0] + "?",
               kConfigDef);
  }

  // A key this release knows but the newest release does not: a warning before an upgrade.
  void removed_later(const std::string& key) {
    const auto& rel = schema::releases();
    if (rel.empty() || schema::find(schema_key(key), rel.back())) return;
    s_.warning("config.removed-later", key, val(key),
               key + " no longer exists in Kafka " + rel.back().str() + " (it exists in Kafka " + schema::releases_text(schema_key(key)) + ")",
               "plan its removal before upgrading past " + v_.family(), kConfigDef);
  }

  void check_roles() {
    const char* src = v_.kraft_only() ? kKRaftConfigs : kKafkaConfig;
    if (!set("process.roles") || split_list(val("process.roles")).empty()) {
      if (v_.kraft_only())
        s_.error("roles.required", "process.roles", val("process.roles"),
                 "Kafka " + v_.family() + " runs in KRaft mode only: process.roles is required (ZooKeeper mode was removed in 4.0)",
                 "set process.roles=broker, controller or broker,controller", kKRaftConfigs);
      return;  // 3.x: no roles means a ZooKeeper-mode broker
    }
    std::set<std::string> seen;
    for (const auto& r : split_list(val("process.roles"))) {
      if (r != "broker" && r != "controller") {
        s_.error("roles.values", "process.roles", val("process.roles"),
                 "unknown process role '" + r + "' (only 'broker' and 'controller' are allowed)",
                 "use broker, controller or broker,controller (lower case)", src);
        continue;
      }
      // 4.2+: AbstractConfig drops duplicate list items before KafkaConfig sees them
      if (!seen.insert(r).second && !v_.at_least(4, 2))
        s_.error("roles.duplicate", "process.roles", val("process.roles"), "duplicate role names in process.roles",
                 "name each role once", src);
    }
    broker_ = seen.count("broker") != 0;
    controller_ = seen.count("controller") != 0;
    kraft_ = broker_ || controller_;
  }

  void check_ids() {
    auto node = p_.get("node.id");
    auto brk = p_.get("broker.id");
    auto node_n = node ? parse_java_integer(*node, kIntMin, kIntMax) : std::nullopt;
    auto brk_n = brk ? parse_java_integer(*brk, kIntMin, kIntMax) : std::nullopt;
    if (node_n && brk_n && *node_n != *brk_n)
      s_.error("ids.node-broker-match", "node.id", trim(*node), "node.id must be the same value as broker.id (" + trim(*brk) + ")",
               "remove broker.id, or set both to the same number", kKafkaConfig);
    // KafkaConfig.populateSynonyms copies broker.id into node.id when only broker.id is given.
    node_id_ = node_n ? node_n : brk_n;
    if (kraft_ || v_.kraft_only()) {
      if ((node && !node_n) || (!node && brk && !brk_n)) return;  // reported as config.type
      if (!node_id_ || *node_id_ < 0)
        s_.error("kraft.node-id", "node.id", node ? trim(*node) : "",
                 "node.id is required in KRaft mode and must be 0 or more",
                 "set node.id to this node's unique id (the same id it has in the controller quorum, if it is a controller)",
                 v_.kraft_only() ? kKRaftConfigs : kKafkaConfig);
    }
  }

  void parse_protocol_map() {
    map_explicit_ = set("listener.security.protocol.map");
    if (!map_explicit_) {
      for (auto* p : kDefaultProtocols) protocol_map_[p] = p;
      return;
    }
    for (const auto& entry : split_list(val("listener.security.protocol.map"))) {
      auto colon = entry.find(':');
      if (colon == std::string::npos) {
        s_.error("listeners.protocol-map-parse", "listener.security.protocol.map", val("listener.security.protocol.map"),
                 "entry '" + entry + "' is not NAME:PROTOCOL", "write NAME:PROTOCOL pairs separated by commas", kKafkaConfig);
        continue;
      }
      std::string name = upper(trim(entry.substr(0, colon)));
      std::string proto = upper(trim(entry.substr(colon + 1)));
      if (!is_protocol(proto)) {
        s_.error("listeners.protocol-map-parse", "listener.security.protocol.map", val("listener.security.protocol.map"),
                 "invalid security protocol '" + proto + "' for listener " + name,
                 "use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", kKafkaConfig);
        continue;
      }
      protocol_map_[name] = proto;
    }
  }

  // Kafka's parse of a listener list: every item parses, names are unique and mapped to a
  // protocol, and (for `listeners`) ports are unique except for one IPv4 plus one IPv6 binding.
  std::vector<Endpoint> parse_listener_list(const std::string& key, const std::string& value, bool distinct_ports) {
    std::vector<Endpoint> out;
    const char* src = listener_source(v_);
    for (const auto& item : split_list(value)) {
      auto e = parse_endpoint(item);
      if (!e) {
        s_.error("listeners.parse", key, value, "'" + item + "' is not a listener of the form NAME://host:port",
                 "write each listener as NAME://host:port (IPv6 in brackets), e.g. PLAINTEXT://10.0.0.5:9092", src);
        continue;
      }
      if (e->port < 0 || e->port > 65535) {
        s_.error("listeners.parse", key, value, "port " + std::to_string(e->port) + " of " + item + " is not a TCP port",
                 "use a port from 0 to 65535", src);
        continue;
      }
      if (!effective_map_.count(e->name)) {
        s_.error("listeners.protocol-map", key, value,
                 "no security protocol is defined for listener " + e->name + " in listener.security.protocol.map",
                 "add " + e->name + ":PLAINTEXT (or SSL, SASL_PLAINTEXT, SASL_SSL) to listener.security.protocol.map", src);
      }
      out.push_back(*e);
    }
    std::set<std::string> names;
    for (const auto& e : out)
      if (!names.insert(e.name).second)
        s_.error("listeners.duplicate-name", key, value, "each listener must have a different name (" + e.name + " appears twice)",
                 "rename or remove the duplicate listener", src);
    if (distinct_ports) {
      std::map<long, std::vector<const Endpoint*>> by_port;
      for (const auto& e : out) by_port[e.port].push_back(&e);
      for (const auto& [port, eps] : by_port) {
        if (eps.size() < 2 || port == 0) continue;
        // KIP-797: the same port twice is allowed for exactly one IPv4 and one IPv6 address.
        bool v4v6 = eps.size() == 2 && ((eps[0]->host.find(':') == std::string::npos) != (eps[1]->host.find(':') == std::string::npos)) &&
                    !eps[0]->host.empty() && !eps[1]->host.empty();
        if (!v4v6)
          s_.error("listeners.duplicate-port", key, value, "each listener must have a different port (" + std::to_string(port) + " is used twice)",
                   "give each listener its own port (one IPv4 and one IPv6 address may share a port)", src);
      }
    }
    return out;
  }

  void check_listeners() {
    parse_protocol_map();
    // Kafka matches these names exactly against the normalised (upper-case) listener names, so
    // "controller" never names a CONTROLLER listener.
    for (const auto& n : split_list(val("controller.listener.names"))) controller_names_.push_back(n);
    effective_map_ = protocol_map_;
    std::string listeners_value = set("listeners") ? val("listeners") : "PLAINTEXT://:9092";
    // Without an explicit map, KRaft maps controller listeners to PLAINTEXT unless SSL or SASL is in use.
    if (kraft_ && !map_explicit_) {
      auto ssl_or_sasl = [](const std::string& n) { return n == "SSL" || n == "SASL_SSL" || n == "SASL_PLAINTEXT"; };
      bool secure = std::any_of(controller_names_.begin(), controller_names_.end(), ssl_or_sasl);
      for (const auto& item : split_list(listeners_value)) {
        auto sep = item.find("://");
        if (sep != std::string::npos && ssl_or_sasl(upper(trim(item.substr(0, sep))))) secure = true;
      }
      if (!secure)
        for (const auto& n : controller_names_) effective_map_.emplace(upper(n), "PLAINTEXT");
    }
    listeners_ = parse_listener_list("listeners", listeners_value, true);
    if (set("advertised.listeners"))
      advertised_ = parse_listener_list("advertised.listeners", val("advertised.listeners"), false);
  }

  bool is_controller_name(const std::string& n) const {
    return std::find(controller_names_.begin(), controller_names_.end(), n) != controller_names_.end();
  }

  void check_inter_broker() {
    const char* src = kKafkaConfig;
    if (set("inter.broker.listener.name") && set("security.inter.broker.protocol")) {
      s_.error("ibl.exclusive", "inter.broker.listener.name", val("inter.broker.listener.name"),
               "only one of inter.broker.listener.name and security.inter.broker.protocol may be set",
               "remove security.inter.broker.protocol and keep inter.broker.listener.name", src);
    }
    if (set("inter.broker.listener.name")) {
      ibl_ = upper(val("inter.broker.listener.name"));
      if (!effective_map_.count(ibl_))
        s_.error("ibl.protocol-map", "inter.broker.listener.name", val("inter.broker.listener.name"),
                 "the listener " + ibl_ + " is not in listener.security.protocol.map",
                 "add " + ibl_ + ":<PROTOCOL> to listener.security.protocol.map, or name an existing listener", src);
      else
        ibl_protocol_ = effective_map_.at(ibl_);
    } else {
      std::string proto = set("security.inter.broker.protocol") ? upper(val("security.inter.broker.protocol")) : "PLAINTEXT";
      if (!is_protocol(proto)) {
        s_.error("ibl.protocol-map", "security.inter.broker.protocol", val("security.inter.broker.protocol"),
                 "invalid security protocol", "use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", src);
        proto = "PLAINTEXT";
      }
      ibl_ = proto;
      ibl_protocol_ = proto;
    }
  }

  void parse_quorum() {
    const char* src = quorum_source(v_);
    // Kafka's list parse keeps empty items, which its validators refuse ("," is two bad entries).
    for (const auto& entry : schema::kafka_list(p_.get_or("controller.quorum.voters", ""))) {
      Voter voter;
      if (auto err = parse_voter(entry, voter)) {
        s_.error("kraft.quorum.voters-parse", "controller.quorum.voters", val("controller.quorum.voters"), *err,
                 "write the voters as id@host:port separated by commas, e.g. 1@10.0.1.11:9093,2@10.0.1.12:9093", src);
        voters_bad_ = true;
        continue;
      }
      if (voter.host == "0.0.0.0")
        s_.warning("kraft.quorum.voters-routable", "controller.quorum.voters", val("controller.quorum.voters"),
                 "host string (0.0.0.0) of voter " + std::to_string(voter.id) + " is not routable: Kafka starts, but no node can reach that voter",
                 "give each voter the address other nodes reach it on", src);
      for (const auto& other : voters_)
        if (other.id == voter.id)
          s_.warning("kraft.quorum.voters-duplicate", "controller.quorum.voters", val("controller.quorum.voters"),
                     "voter id " + std::to_string(voter.id) + " is listed twice; Kafka keeps only the last entry",
                     "list each controller once", src);
      voters_.push_back(voter);
    }
    if (!set("controller.quorum.bootstrap.servers")) return;
    if (!v_.at_least(3, 9)) {
      s_.warning("kraft.quorum.bootstrap-version", "controller.quorum.bootstrap.servers", val("controller.quorum.bootstrap.servers"),
                 "controller.quorum.bootstrap.servers is only used from Kafka 3.9 (KIP-853); " + v_.family() + " needs controller.quorum.voters",
                 "set controller.quorum.voters, or use Kafka 3.9 or later for a dynamic quorum", kKafkaConfig);
      return;
    }
    for (const auto& entry : schema::kafka_list(p_.get_or("controller.quorum.bootstrap.servers", ""))) {
      std::string host;
      long port = 0;
      if (!parse_host_port(entry, host, port)) {
        s_.error("kraft.quorum.bootstrap-parse", "controller.quorum.bootstrap.servers", val("controller.quorum.bootstrap.servers"),
                 "failed to parse host and port from " + entry + "; each entry should be in the form host:port",
                 "write the controllers as host:port separated by commas", kQuorumConfig);
        continue;
      }
      bootstrap_.push_back(entry);
    }
  }

  void require_quorum() {
    if (voters_bad_) return;  // already reported as unparseable
    if (v_.at_least(3, 9)) {
      if (voters_.empty() && bootstrap_.empty())
        s_.error("kraft.quorum.required", "controller.quorum.voters", "",
                 "in KRaft mode either controller.quorum.bootstrap.servers must list the bootstrap controllers or "
                 "controller.quorum.voters must contain a parseable set of controllers",
                 "set controller.quorum.bootstrap.servers=host:port,... (dynamic quorum) or controller.quorum.voters=id@host:port,... (static quorum)",
                 kKafkaConfig);
    } else if (voters_.empty()) {
      s_.error("kraft.quorum.required", "controller.quorum.voters", "",
               "in KRaft mode controller.quorum.voters must contain a parseable set of voters (Kafka " + v_.family() +
                   " has no dynamic quorum)",
               "set controller.quorum.voters=id@host:port,... listing every controller", kKafkaConfig);
    }
  }

  bool in_voters(int64_t id) const {
    return std::any_of(voters_.begin(), voters_.end(), [&](const Voter& x) { return x.id == id; });
  }

  std::vector<Endpoint> controller_listeners() const {
    std::vector<Endpoint> out;
    for (const auto& l : listeners_)
      if (is_controller_name(l.name)) out.push_back(l);
    return out;
  }

  // 3.9+: KafkaConfig.effectiveAdvertisedControllerListeners: per controller listener name, its
  // advertised.listeners entry, else its listeners entry with a 0.0.0.0 host dropped (from 3.9.1
  // and 4.0.0: 3.9.0 kept it, and then refused it as non-routable).
  std::vector<Endpoint> advertised_controller_listeners() const {
    std::vector<Endpoint> out;
    for (const auto& n : controller_names_) {
      const Endpoint* found = nullptr;
      if (advertised_)
        for (const auto& a : *advertised_)
          if (a.name == n) { found = &a; break; }
      if (!found)
        for (const auto& l : listeners_)
          if (l.name == n) { found = &l; break; }
      if (!found) continue;
      Endpoint e = *found;
      if (!advertised_has(n) && e.host == "0.0.0.0" && v_ != KafkaVersion{3, 9, 0}) e.host.clear();
      out.push_back(e);
    }
    return out;
  }
  bool advertised_has(const std::string& n) const {
    if (!advertised_) return false;
    return std::any_of(advertised_->begin(), advertised_->end(), [&](const Endpoint& e) { return e.name == n; });
  }

  // The broker's advertised listeners: 3.9+ always without controller listeners; before 3.9 the
  // controller listeners are dropped only when falling back to `listeners`.
  std::vector<Endpoint> advertised_broker_listeners() const {
    std::vector<Endpoint> src = advertised_ ? *advertised_ : listeners_;
    std::vector<Endpoint> out;
    for (const auto& e : src) {
      bool drop = is_controller_name(e.name) && (v_.at_least(3, 9) || !advertised_);
      if (!drop) out.push_back(e);
    }
    return out;
  }

  void check_kraft() {
    const char* src = kKafkaConfig;
    const bool v39 = v_.at_least(3, 9);
    parse_quorum();
    require_quorum();
    const std::string cln = val("controller.listener.names");
    const std::string id_str = node_id_ ? std::to_string(*node_id_) : "";

    if (!v_.kraft_only() && set("control.plane.listener.name"))
      s_.error("kraft.control-plane", "control.plane.listener.name", val("control.plane.listener.name"),
               "control.plane.listener.name is not supported in KRaft mode", "remove control.plane.listener.name", src);

    if (!v_.kraft_only() && flag("zookeeper.metadata.migration.enable", false) && !set("zookeeper.connect"))
      s_.error("kraft.migration.zk-connect", "zookeeper.connect", "",
               "with zookeeper.metadata.migration.enable=true in KRaft mode, zookeeper.connect must also be set",
               "set zookeeper.connect to the ensemble being migrated, or turn the migration off", src);

    check_kraft_controller(v39, id_str, cln);
    check_kraft_broker(v39, id_str, cln);
  }

  // The rules of a node with the controller role, then of a controller-only node.
  void check_kraft_controller(bool v39, const std::string& id_str, const std::string& cln) {
    const char* src = kKafkaConfig;
    if (controller_) {
      if (node_id_ && !voters_bad_) {
        bool must_list = !v39 || !voters_.empty();
        if (must_list && !in_voters(*node_id_))
          s_.error("kraft.controller.in-voters", "controller.quorum.voters", val("controller.quorum.voters"),
                   "a node with the controller role must be one of the voters: node id " + id_str + " is not in controller.quorum.voters",
                   "add " + id_str + "@<this host>:<controller port> to controller.quorum.voters, or fix node.id" +
                       std::string(v39 ? " (or remove the voters and use controller.quorum.bootstrap.servers)" : ""),
                   src);
      }
      auto ctrl = v39 ? advertised_controller_listeners() : controller_listeners();
      if (ctrl.empty())
        s_.error("kraft.controller.listener-present", "controller.listener.names", cln,
                 "controller.listener.names must contain at least one value appearing in listeners when running the controller role",
                 "name the controller listener in controller.listener.names and add it to listeners, e.g. CONTROLLER://:9093", src);
      std::set<std::string> listener_names;
      for (const auto& l : listeners_) listener_names.insert(l.name);
      for (const auto& n : controller_names_)
        if (!listener_names.count(n))
          s_.error("kraft.controller.names-in-listeners", "controller.listener.names", cln,
                   "controller listener " + n + " does not appear in listeners (a controller must listen on every controller listener)",
                   "add " + n + "://<host>:<port> to listeners, or remove " + n + " from controller.listener.names", src);
    }

    if (controller_ && !broker_) {
      if (!v39 && set("advertised.listeners"))
        s_.error("kraft.controller.advertised-listeners", "advertised.listeners", val("advertised.listeners"),
                 "advertised.listeners must be empty when process.roles=controller (allowed only from Kafka 3.9)",
                 "remove advertised.listeners from this controller", src);
      std::vector<std::string> extra;
      for (const auto& l : listeners_)
        if (!is_controller_name(l.name)) extra.push_back(l.name);
      if (!extra.empty())
        s_.error("kraft.controller.listeners-only-controller", "listeners", set("listeners") ? val("listeners") : "PLAINTEXT://:9092 (default)",
                 "listeners must only contain controller listeners from controller.listener.names when process.roles=controller (found " +
                     join(extra) + ")",
                 "remove " + join(extra) + " from listeners, or add the broker role", src);
      if (v_.kraft_only() && set("inter.broker.listener.name") && is_controller_name(upper(val("inter.broker.listener.name"))))
        s_.error("kraft.controller.ibl-not-controller", "inter.broker.listener.name", val("inter.broker.listener.name"),
                 "controller.listener.names must not contain an explicitly set inter.broker.listener.name when process.roles=controller",
                 "remove inter.broker.listener.name from this controller", src);
    }
  }

  // The rules of a node with the broker role, then of a broker-only node.
  void check_kraft_broker(bool v39, const std::string& id_str, const std::string& cln) {
    const char* src = kKafkaConfig;
    if (broker_ && !v39 && advertised_) {
      for (const auto& a : *advertised_)
        if (is_controller_name(a.name))
          s_.error("kraft.broker.advertised-no-controller", "advertised.listeners", val("advertised.listeners"),
                   "advertised.listeners must not contain the controller listener " + a.name +
                       " when process.roles contains broker (clients never send requests to controllers)",
                   "remove " + a.name + " from advertised.listeners", src);
    }

    if (broker_ && !controller_) {
      if (node_id_ && in_voters(*node_id_))
        s_.error("kraft.broker.not-in-voters", "node.id", id_str,
                 "a broker-only node must not be one of the voters: node id " + id_str + " is in controller.quorum.voters",
                 "give the broker a node.id that no controller uses", src);
      if (controller_names_.empty()) {
        s_.error("kraft.broker.controller-names", "controller.listener.names", "",
                 "controller.listener.names must contain at least one value when running KRaft with just the broker role",
                 "set controller.listener.names to the controllers' listener name, e.g. CONTROLLER", src);
      } else {
        for (const auto& l : controller_listeners())
          s_.error("kraft.broker.no-controller-listener", "listeners", val("listeners"),
                   "a broker-only node must not listen on the controller listener " + l.name,
                   "remove " + l.name + " from listeners (it names the controllers' listener)", src);
        for (const auto& n : controller_names_)
          if (!effective_map_.count(upper(n)))  // the map is looked up with normalised names
            s_.error("kraft.broker.controller-protocol", "listener.security.protocol.map", val("listener.security.protocol.map"),
                     "controller listener " + n + " is not in listener.security.protocol.map (an explicit mapping is needed when the map is set or SSL/SASL is used)",
                     "add " + n + ":<PROTOCOL> to listener.security.protocol.map", src);
        if (controller_names_.size() > 1)
          s_.warning("kraft.broker.controller-names-multiple", "controller.listener.names", cln,
                     "only the first controller listener is used when process.roles=broker", "list only the one the broker uses", src);
      }
      if (v_.at_least(4, 2) && flag("controller.quorum.auto.join.enable", false))
        s_.error("kraft.broker.auto-join", "controller.quorum.auto.join.enable", val("controller.quorum.auto.join.enable"),
                 "controller.quorum.auto.join.enable is only supported when process.roles contains controller",
                 "remove controller.quorum.auto.join.enable from this broker", src);
    }
  }

  void check_zookeeper_mode() {
    const char* src = kKafkaConfig;
    if (!set("zookeeper.connect"))
      s_.error("zk.connect.required", "zookeeper.connect", "",
               "a ZooKeeper-mode broker (no process.roles) needs zookeeper.connect",
               "set zookeeper.connect=host1:2181,host2:2181,host3:2181, or set process.roles for KRaft mode", src);
    else if (auto err = zk_connect_error(val("zookeeper.connect")))  // KafkaConfig accepts it; the ZooKeeper client does not
      s_.error("zk.connect.parse", "zookeeper.connect", val("zookeeper.connect"),
               "the ZooKeeper client cannot use zookeeper.connect when the broker starts: " + *err,
               "write host:port[,host:port...][/chroot], e.g. zk1:2181,zk2:2181,zk3:2181/kafka",
               "apache/zookeeper: zookeeper-server/src/main/java/org/apache/zookeeper/client/ConnectStringParser.java");
    if (node_id_) {
      bool gen = flag("broker.id.generation.enable", true);
      int64_t max_id = num("reserved.broker.max.id", 1000);
      if (gen && (*node_id_ < -1 || *node_id_ > max_id))
        s_.error("zk.broker-id.range", "broker.id", std::to_string(*node_id_),
                 "broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id (" + std::to_string(max_id) + ")",
                 "choose a broker.id from 0 to " + std::to_string(max_id) + ", or raise reserved.broker.max.id", src);
      if (!gen && *node_id_ < 0)
        s_.error("zk.broker-id.range", "broker.id", std::to_string(*node_id_),
                 "broker.id must be greater than or equal to 0 when broker.id.generation.enable=false",
                 "set broker.id to this broker's id", src);
    }
    // The quorum keys' validators run in ZooKeeper mode too (ConfigDef parses every key).
    parse_quorum();
    bool migration = flag("zookeeper.metadata.migration.enable", false);
    if (migration) {
      if (!voters_bad_ && voters_.empty() && (bootstrap_.empty() || !v_.at_least(3, 9)))
        s_.error("zk.migration.quorum", "controller.quorum.voters", "",
                 "with zookeeper.metadata.migration.enable=true the KRaft controller quorum must be configured",
                 "set controller.quorum.voters=id@host:port,... of the KRaft controllers", src);
      if (controller_names_.empty())
        s_.error("zk.migration.controller-names", "controller.listener.names", "",
                 "controller.listener.names must not be empty when running in ZooKeeper migration mode",
                 "set controller.listener.names to the controllers' listener name", src);
      if (set("inter.broker.protocol.version")) {
        std::string ibp = val("inter.broker.protocol.version");
        auto parsed = KafkaVersion::parse(ibp.substr(0, ibp.find('-')));
        if (parsed.ok() && !parsed->at_least(3, 4))
          s_.error("zk.migration.ibp", "inter.broker.protocol.version", ibp,
                   "cannot enable ZooKeeper migration without inter.broker.protocol.version 3.4 or higher",
                   "raise inter.broker.protocol.version to 3.4 or later first", src);
      }
    } else if (!controller_names_.empty()) {
      s_.error("zk.controller-names-empty", "controller.listener.names", val("controller.listener.names"),
               "controller.listener.names must be empty when not running in KRaft mode",
               "remove controller.listener.names, or set process.roles for KRaft mode", src);
    }
    if (set("control.plane.listener.name")) {
      std::string cp = upper(val("control.plane.listener.name"));
      auto adv = advertised_broker_listeners();
      bool found = std::any_of(adv.begin(), adv.end(), [&](const Endpoint& e) { return e.name == cp; });
      if (!found)
        s_.error("zk.control-plane", "control.plane.listener.name", val("control.plane.listener.name"),
                 "control.plane.listener.name must be a listener name defined in advertised.listeners",
                 "add the control-plane listener to listeners and advertised.listeners", src);
      else if (cp == ibl_)
        s_.error("zk.control-plane", "control.plane.listener.name", val("control.plane.listener.name"),
                 "control.plane.listener.name must differ from the inter-broker listener name",
                 "use a dedicated listener for the control plane", src);
    }
  }

  void check_broker_listeners() {
    const char* src = kKafkaConfig;
    auto adv = advertised_broker_listeners();
    std::set<std::string> adv_names, listener_names;
    for (const auto& e : adv) adv_names.insert(e.name);
    for (const auto& l : listeners_) listener_names.insert(l.name);
    if (adv.empty()) {
      s_.error("broker.advertised-nonempty", "advertised.listeners", val("advertised.listeners"),
               "there must be at least one broker advertised listener" +
                   std::string(kraft_ ? " (perhaps every listener is named in controller.listener.names?)" : ""),
               "add a broker listener to listeners and advertise it, e.g. PLAINTEXT://<this host>:9092", src);
      return;
    }
    if (!adv_names.count(ibl_))
      s_.error("broker.ibl-advertised", set("inter.broker.listener.name") ? "inter.broker.listener.name" : "security.inter.broker.protocol",
               ibl_, "the inter-broker listener " + ibl_ + " must be a listener name defined in advertised.listeners (found " +
                         join({adv_names.begin(), adv_names.end()}) + ")",
               "set inter.broker.listener.name to one of " + join({adv_names.begin(), adv_names.end()}) + ", or advertise " + ibl_, src);
    std::vector<std::string> missing;
    for (const auto& n : adv_names)
      if (!listener_names.count(n)) missing.push_back(n);
    if (!missing.empty())
      s_.error("broker.advertised-subset", "advertised.listeners", val("advertised.listeners"),
               "advertised.listeners names must be equal to or a subset of the names in listeners (" + join(missing) + " is not a listener)",
               "add " + join(missing) + " to listeners, or remove it from advertised.listeners", src);
  }

  void check_meta_address() {
    const char* src = kKafkaConfig;
    {  // every node, a controller-only one too (its advertised.listeners may name broker listeners)
      for (const auto& e : advertised_broker_listeners())
        if (e.host == "0.0.0.0")
          s_.error("listeners.advertised-meta-address", advertised_ ? "advertised.listeners" : "listeners",
                   advertised_ ? val("advertised.listeners") : val("listeners"),
                   "advertised listener " + e.name + " cannot use the non-routable meta-address 0.0.0.0" +
                       std::string(advertised_ ? "" : " (without advertised.listeners, listeners are advertised as they are)"),
                   "set advertised.listeners=" + e.name + "://<routable address of this host>:" + std::to_string(e.port), src);
    }
    // 3.9+: whatever the roles, the effective advertised controller listeners are checked too
    if (kraft_ && v_.at_least(3, 9)) {
      for (const auto& e : advertised_controller_listeners())
        if (e.host == "0.0.0.0")
          s_.error("listeners.advertised-meta-address", advertised_has(e.name) ? "advertised.listeners" : "listeners",
                   advertised_has(e.name) ? val("advertised.listeners") : val("listeners"),
                   "advertised controller listener " + e.name + " cannot use the non-routable meta-address 0.0.0.0" +
                       std::string(advertised_has(e.name) ? "" : " (Kafka 3.9.0 advertises a controller's listeners as they are)"),
                   "advertise the controller at a routable address of this host" +
                       std::string(advertised_has(e.name) ? "" : " in advertised.listeners, or use Kafka 3.9.1"),
                   src);
    }
  }

  // KafkaConfig.validateValues checks of single keys that ConfigDef does not express.
  void check_kafka_config_values() {
    const char* src = kKafkaConfig;
    // every early-start listener is one of this node's listeners: `new ListenerName(item)` is
    // compared with the normalised (upper-case) names, so "internal" never names INTERNAL; the
    // controller listeners Kafka also accepts are a subset of the listeners.
    std::set<std::string> names;
    for (const auto& l : listeners_) names.insert(l.name);
    for (const auto& n : split_list(val("early.start.listeners")))
      if (!names.count(n))
        s_.error("listeners.early-start", "early.start.listeners", val("early.start.listeners"),
                 "early.start.listeners contains listener " + n + ", but this is not contained in listeners or controller.listener.names",
                 "name only listeners of this node in early.start.listeners", src);
    check_group_coordinator();
    // 3.7+: the classic group protocol cannot be turned off
    if (v_.at_least(3, 7) && set("group.coordinator.rebalance.protocols")) {
      auto protos = split_list(val("group.coordinator.rebalance.protocols"));
      if (std::find(protos.begin(), protos.end(), "classic") == protos.end())
        s_.error("groups.classic-required", "group.coordinator.rebalance.protocols", val("group.coordinator.rebalance.protocols"),
                 "Disabling the 'classic' protocol is not supported.", "keep classic in group.coordinator.rebalance.protocols", src);
    }
    // max.connections.per.ip.overrides: host:count pairs (CoreUtils/Csv parseCsvMap, then Integer.parseInt)
    for (const auto& item : split_list(val("max.connections.per.ip.overrides"))) {
      auto colon = item.rfind(':');
      bool ok = colon != std::string::npos && parse_java_integer(item.substr(colon + 1), kIntMin, kIntMax).has_value();
      if (!ok) {
        s_.error("connections.ip-overrides", "max.connections.per.ip.overrides", val("max.connections.per.ip.overrides"),
                 "entry '" + item + "' is not host:count", "write host:count pairs separated by commas, e.g. 10.0.0.1:200", src);
        break;
      }
    }
    // 3.x KRaft: inter.broker.protocol.version must be a KRaft version
    if (kraft_ && !v_.kraft_only() && set("inter.broker.protocol.version")) {
      const auto* def = schema::find("inter.broker.protocol.version", v_);
      auto rank = def ? schema::metadata_version_rank(*def, val("inter.broker.protocol.version")) : std::nullopt;
      auto min = def ? schema::metadata_version_rank(*def, "3.0-IV1") : std::nullopt;
      if (rank && min && *rank < *min)
        s_.error("kraft.ibp-minimum", "inter.broker.protocol.version", val("inter.broker.protocol.version"),
                 "A non-KRaft version " + val("inter.broker.protocol.version") +
                     " given for inter.broker.protocol.version. The minimum version is 3.0-IV1",
                 "remove inter.broker.protocol.version (KRaft uses the metadata version) or set 3.0-IV1 or later", src);
    }
  }

  // A group coordinator setting of this release, set or by default; nullopt when the release
  // does not have the key.
  std::optional<int64_t> group_setting(const std::string& k) const {
    const auto* def = schema::find(k, v_);
    if (!def) return std::nullopt;
    auto n = parse_java_integer(def->default_text, kLongMin, kLongMax);
    return n ? std::optional<int64_t>(num(k, *n)) : std::nullopt;
  }

  // The group coordinators' cross-field rules (KafkaConfig until 3.8, then GroupCoordinatorConfig
  // and ShareGroupConfig; a release without a key skips its rule): min <= value <= max for
  // heartbeats and sessions (share groups from 3.9, streams from 4.1), share record locks (3.9;
  // counts 4.3), assignment intervals (4.3), streams task offsets (4.4); from 4.0 the heartbeat
  // below the session timeout; from 4.1 one share assignor, enough share sessions, standby (and
  // 4.4 warmup) replicas within their maximum; 4.4 distinct rack tags.
  void check_group_coordinator() {
    const char* src = kKafkaConfig;
    for (const std::string g : {"group.consumer", "group.share", "group.streams"}) {
      for (const std::string what : {"heartbeat.interval.ms", "session.timeout.ms", "assignment.interval.ms", "record.lock.duration.ms",
                                     "delivery.count.limit", "partition.max.record.locks", "task.offset.interval.ms"}) {
        std::string key = g + "." + what, min_key = g + ".min." + what, max_key = g + ".max." + what;
        auto value = group_setting(key), lo = group_setting(min_key), hi = group_setting(max_key);
        if (!hi && value && lo && *value < *lo)  // 4.4's task offset interval has a minimum only
          s_.error("groups.intervals", key, std::to_string(*value), key + " must be greater than or equal to " + min_key,
                   "keep " + key + " at or above " + min_key, src);
        if (!value || !lo || !hi) continue;
        auto bad = [&](const std::string& k, const std::string& rule) {
          s_.error("groups.intervals", k, val(k).empty() ? std::to_string(num(k, 0)) : val(k), rule,
                   "keep " + min_key + " <= " + key + " <= " + max_key, src);
        };
        if (*hi < *lo) bad(max_key, max_key + " must be greater than or equal to " + min_key);
        else if (*value < *lo) bad(key, key + " must be greater than or equal to " + min_key);
        else if (*value > *hi) bad(key, key + " must be less than or equal to " + max_key);
      }
      auto hb = group_setting(g + ".heartbeat.interval.ms"), session = group_setting(g + ".session.timeout.ms");
      if (v_.kraft_only() && hb && session && *hb >= *session)
        s_.error("groups.intervals", g + ".heartbeat.interval.ms", std::to_string(*hb),
                 g + ".heartbeat.interval.ms must be less than " + g + ".session.timeout.ms (" + std::to_string(*session) + ")",
                 "keep the heartbeat interval below the session timeout", src);
    }
    for (const std::string what : {"standby", "warmup"}) {  // warmup replicas from 4.4
      std::string key = "group.streams.num." + what + ".replicas", max_key = "group.streams.max." + what + ".replicas";
      auto n = group_setting(key), max = group_setting(max_key);
      if (n && max && *n > *max)
        s_.error("groups.streams-replicas", key, std::to_string(*n),
                 key + " must be less than or equal to " + max_key + " (" + std::to_string(*max) + ")",
                 "lower " + key + " or raise " + max_key, src);
    }
    // 4.1+ (ShareGroupConfig): a broker holds a share session for every member of a full group
    auto sessions = group_setting("group.share.max.share.sessions"), max_size = group_setting("group.share.max.size");
    if (sessions && max_size && *sessions < *max_size)
      s_.error("groups.intervals", "group.share.max.share.sessions", std::to_string(*sessions),
               "group.share.max.share.sessions must be greater than or equal to group.share.max.size (" + std::to_string(*max_size) + ")",
               "raise group.share.max.share.sessions or lower group.share.max.size", src);
    // 4.4: the rack tags as written (the originals, before duplicates are dropped) are distinct
    if (set("group.streams.rack.aware.assignment.tags") && schema::find("group.streams.rack.aware.assignment.tags", v_)) {
      auto tags = schema::kafka_list(val("group.streams.rack.aware.assignment.tags"));
      std::set<std::string> distinct(tags.begin(), tags.end());
      if (distinct.size() != tags.size())
        s_.error("groups.streams-rack-tags", "group.streams.rack.aware.assignment.tags", val("group.streams.rack.aware.assignment.tags"),
                 "group.streams.rack.aware.assignment.tags must not contain duplicate tag keys.", "name each tag key once", src);
    }
    if (set("group.share.assignors") && schema::find("group.share.assignors", v_)) {
      auto items = schema::kafka_list(val("group.share.assignors"));
      if (v_.at_least(4, 2)) {  // AbstractConfig drops duplicate items first
        std::vector<std::string> unique;
        for (const auto& i : items)
          if (std::find(unique.begin(), unique.end(), i) == unique.end()) unique.push_back(i);
        items = unique;
      }
      if (items.size() != 1)
        s_.error("groups.share-assignor", "group.share.assignors", val("group.share.assignors"),
                 "group.share.assignors must contain exactly one assignor, but found " + std::to_string(items.size()),
                 "name one assignor (the default is simple)", src);
    }
  }

  void check_numbers() {
    const char* src = kKafkaConfig;
    if (set("log.roll.ms") && num("log.roll.ms", 1) < 1)
      s_.error("log.roll", "log.roll.ms", val("log.roll.ms"), "log.roll.ms must be greater than or equal to 1", "use a positive number of milliseconds", src);
    // log.retention.ms, else .minutes, else .hours: the first one set decides (KafkaConfig.logRetentionTimeMillis).
    for (const char* k : {"log.retention.ms", "log.retention.minutes", "log.retention.hours"}) {
      if (!set(k)) continue;
      if (num(k, 1) == 0)
        s_.error("log.retention", k, val(k), "log retention must be unlimited (-1) or at least 1 ms",
                 "use -1 for unlimited retention or a positive value", src);
      break;
    }
    std::string dirs_key = set("log.dirs") ? "log.dirs" : "log.dir";
    if (set(dirs_key) && split_list(val(dirs_key)).empty())
      s_.error("log.dirs", dirs_key, "", "at least one log directory must be defined via log.dirs or log.dir",
               "set log.dirs=/var/lib/kafka/data", src);
    int64_t threads = num("log.cleaner.threads", 1);
    int64_t dedupe = num("log.cleaner.dedupe.buffer.size", 128LL * 1024 * 1024);
    if (threads <= 0 || dedupe / threads <= 1024 * 1024)
      s_.error("log.cleaner.dedupe", "log.cleaner.dedupe.buffer.size", std::to_string(dedupe),
               "log.cleaner.dedupe.buffer.size must be more than 1 MiB per cleaner thread (log.cleaner.threads=" + std::to_string(threads) + ")",
               "raise log.cleaner.dedupe.buffer.size or lower log.cleaner.threads (at least 1)", src);
    int64_t wait = num("replica.fetch.wait.max.ms", 500);
    if (wait > num("replica.socket.timeout.ms", 30000))
      s_.error("replica.fetch-wait", "replica.fetch.wait.max.ms", std::to_string(wait),
               "replica.socket.timeout.ms must be at least replica.fetch.wait.max.ms", "lower replica.fetch.wait.max.ms or raise replica.socket.timeout.ms", src);
    if (wait > num("replica.lag.time.max.ms", 30000))
      s_.error("replica.fetch-wait", "replica.fetch.wait.max.ms", std::to_string(wait),
               "replica.fetch.wait.max.ms must be less than or equal to replica.lag.time.max.ms", "lower replica.fetch.wait.max.ms", src);
    // KafkaConfig (3.6-3.8), then GroupCoordinatorConfig (3.9); the key is gone in 4.0
    if (!v_.kraft_only() && set("offsets.commit.required.acks")) {
      int64_t acks = num("offsets.commit.required.acks", -1);
      int64_t rf = num("offsets.topic.replication.factor", 3);
      if (acks < -1 || acks > rf)
        s_.error("offsets.commit-acks", "offsets.commit.required.acks", val("offsets.commit.required.acks"),
                 "offsets.commit.required.acks must be between -1 and offsets.topic.replication.factor (" + std::to_string(rf) + ")",
                 "remove offsets.commit.required.acks (the default -1 is right)", src);
    }
    int64_t queued = num("queued.max.request.bytes", -1);
    int64_t req = num("socket.request.max.bytes", 100LL * 1024 * 1024);
    if (queued > 0 && queued < req)
      s_.error("socket.queued-bytes", "queued.max.request.bytes", std::to_string(queued),
               "queued.max.request.bytes must be larger or equal to socket.request.max.bytes (" + std::to_string(req) + ")",
               "raise queued.max.request.bytes, or set it to -1 (no limit)", src);
    if (set("max.connections.per.ip") && num("max.connections.per.ip", 1) == 0 && val("max.connections.per.ip.overrides").empty())
      s_.error("socket.max-connections", "max.connections.per.ip", "0",
               "max.connections.per.ip can be zero only if max.connections.per.ip.overrides is set",
               "set max.connections.per.ip.overrides, or a positive max.connections.per.ip", src);
    int64_t idle = num("connections.max.idle.ms", 600000);
    int64_t delay = num("connection.failed.authentication.delay.ms", 100);
    if (idle >= 0 && delay >= idle)
      s_.error("socket.auth-delay", "connection.failed.authentication.delay.ms", std::to_string(delay),
               "connection.failed.authentication.delay.ms must be less than connections.max.idle.ms (" + std::to_string(idle) + ")",
               "lower connection.failed.authentication.delay.ms, or raise connections.max.idle.ms", src);
    if (broker_) check_cordoned_dirs();
    if (broker_ || !kraft_) {
      if (ibl_protocol_ == "SASL_PLAINTEXT" || ibl_protocol_ == "SASL_SSL") {
        std::string mech = set("sasl.mechanism.inter.broker.protocol") ? val("sasl.mechanism.inter.broker.protocol") : "GSSAPI";
        std::string prefixed = "listener.name." + std::string(lower(ibl_)) + ".sasl.enabled.mechanisms";
        std::string enabled = set(prefixed) ? val(prefixed) : set("sasl.enabled.mechanisms") ? val("sasl.enabled.mechanisms") : "GSSAPI";
        auto list = split_list(enabled);
        if (std::find(list.begin(), list.end(), mech) == list.end())
          s_.error("sasl.inter-broker-mechanism", "sasl.mechanism.inter.broker.protocol", mech,
                   "sasl.mechanism.inter.broker.protocol must be included in sasl.enabled.mechanisms (" + enabled + ") when SASL is used between brokers",
                   "add " + mech + " to sasl.enabled.mechanisms (or " + prefixed + ")", src);
      }
    }
    int64_t hb = num("broker.heartbeat.interval.ms", 2000);
    int64_t session = num("broker.session.timeout.ms", 9000);
    if (kraft_ && hb * 2 > session)
      s_.warning("kraft.heartbeat-session", "broker.heartbeat.interval.ms", std::to_string(hb),
                 "broker.heartbeat.interval.ms should be at most half of broker.session.timeout.ms (" + std::to_string(session) +
                     "), or brokers lose their lease",
                 "lower broker.heartbeat.interval.ms or raise broker.session.timeout.ms on the controllers", src);
  }

  // 4.3+ brokers (KafkaConfig.validateCordonedLogDirs): "*" alone, or entries of log.dirs (else
  // log.dir), compared as written. From 4.2 lists lose duplicate items before this.
  void check_cordoned_dirs() {
    if (!set("cordoned.log.dirs") || !schema::find("cordoned.log.dirs", v_)) return;
    auto dedup = [](std::vector<std::string> items) {
      std::vector<std::string> out;
      for (auto& i : items)
        if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(std::move(i));
      return out;
    };
    auto cordoned = dedup(schema::kafka_list(val("cordoned.log.dirs")));
    auto dirs = dedup(schema::kafka_list(val(set("log.dirs") ? "log.dirs" : "log.dir")));
    if (!set("log.dirs") && !set("log.dir")) dirs = {"/tmp/kafka-logs"};
    const char* src = kKafkaConfig;
    if (std::find(cordoned.begin(), cordoned.end(), "*") != cordoned.end()) {
      if (cordoned.size() != 1)
        s_.error("log.cordoned-dirs", "cordoned.log.dirs", val("cordoned.log.dirs"),
                 "When cordoned.log.dirs is set to *, it must not contain other values", "set cordoned.log.dirs=* alone, or list directories", src);
      return;
    }
    std::vector<std::string> missing;
    for (const auto& d : cordoned)
      if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) missing.push_back(d);
    if (!missing.empty())
      s_.error("log.cordoned-dirs", "cordoned.log.dirs", val("cordoned.log.dirs"),
               "All entries in cordoned.log.dirs must be present in log.dirs or log.dir. Missing entries : " + join(missing, ", "),
               "cordon only directories of this broker's log.dirs (as written there), or * for all", src);
  }

  static std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  void check_removed_keys() {
    if (!v_.kraft_only()) return;
    if (val("authorizer.class.name") == "kafka.security.authorizer.AclAuthorizer")
      s_.error("removed.acl-authorizer", "authorizer.class.name", val("authorizer.class.name"),
               "kafka.security.authorizer.AclAuthorizer (ZooKeeper-based) no longer exists in Kafka 4.x; the server fails to start",
               "use authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer", kKafkaConfig);
  }

  // Not refused by Kafka, but a cluster built this way misbehaves.
  void check_advice() {
    if (broker_ || !kraft_) {
      int64_t rf = num("default.replication.factor", 1);
      int64_t isr = num("min.insync.replicas", 1);
      if (isr > rf)
        s_.warning("advice.min-isr", "min.insync.replicas", std::to_string(isr),
                   "min.insync.replicas is larger than default.replication.factor (" + std::to_string(rf) + "): acks=all writes to new topics will fail",
                   "keep min.insync.replicas below default.replication.factor (e.g. 2 with 3)", kKafkaConfig);
      if (!set("log.dirs") && !set("log.dir"))
        s_.warning("advice.log-dirs", "log.dirs", "", "log.dirs is not set: Kafka stores data in /tmp/kafka-logs",
                   "set log.dirs=/var/lib/kafka/data", kKafkaConfig);
    }
  }

  const Properties& p_;
  const KafkaVersion& v_;
  Sink& s_;
  bool kraft_ = false, broker_ = false, controller_ = false;
  std::optional<int64_t> node_id_;
  std::map<std::string, std::string> protocol_map_, effective_map_;
  bool map_explicit_ = false;
  std::vector<std::string> controller_names_;
  std::vector<Endpoint> listeners_;
  std::optional<std::vector<Endpoint>> advertised_;
  std::string ibl_, ibl_protocol_;
  std::vector<Voter> voters_;
  bool voters_bad_ = false;
  std::vector<std::string> bootstrap_;


};

// kafka-storage.sh format: StorageTool.runFormatCommand and Formatter.
void check_format(const ServerCheck& c, const Properties& p, const KafkaVersion& v, const FormatOptions& f, Sink& s) {
  std::vector<std::string> flags;
  if (f.standalone) flags.push_back("--standalone");
  if (f.initial_controllers) flags.push_back("--initial-controllers");
  if (f.no_initial_controllers) flags.push_back("--no-initial-controllers");
  const std::string flag_list = join(flags, " ");
  if (!c.kraft()) {
    s.error("format.kraft-only", "process.roles", trim(p.get_or("process.roles", "")),
            "the configuration is for a ZooKeeper-mode (legacy) node; formatting is only supported in KRaft mode",
            "set process.roles, or do not format (a ZooKeeper-mode broker needs no formatting)", kStorageTool);
    return;
  }
  if (!flags.empty() && !v.at_least(3, 9)) {
    s.error("format.dynamic-flags-version", "", "", flag_list + ": kafka-storage.sh format of Kafka " + v.family() +
                                                       " has no dynamic-quorum options (KIP-853 arrived in 3.9)",
            "format without these flags and use controller.quorum.voters, or use Kafka 3.9 or later", kStorageTool);
    return;
  }
  if (flags.size() > 1) {
    s.error("format.flags-exclusive", "", "", flag_list + ": only one of --standalone, --initial-controllers and --no-initial-controllers may be given",
            "pick one", kStorageTool);
    return;
  }
  if (f.standalone && !c.controller())
    s.error("format.standalone-controller", "process.roles", trim(p.get_or("process.roles", "")),
            "--standalone can only be used on a controller", "format brokers with --no-initial-controllers (or no flag)", kStorageTool);
  if ((f.standalone || f.initial_controllers) && c.has_static_voters()) {
    std::string rule = "controller.quorum.voters cannot be combined with " + flag_list +
                       "; a dynamic quorum is described by controller.quorum.bootstrap.servers";
    std::string fix = "remove controller.quorum.voters and set controller.quorum.bootstrap.servers, or format without " + flag_list;
    if (v.at_least(4, 2))
      s.error("format.static-voters-dynamic-flag", "controller.quorum.voters", trim(p.get_or("controller.quorum.voters", "")), rule, fix, kStorageTool);
    else
      s.warning("format.static-voters-dynamic-flag", "controller.quorum.voters", trim(p.get_or("controller.quorum.voters", "")),
                rule + " (refused from Kafka 4.2)", fix, kStorageTool);
  }
  if (v.at_least(3, 9) && c.controller() && !c.has_static_voters() && flags.empty())
    s.error("format.dynamic-needs-flag", "controller.quorum.voters", "",
            "controller.quorum.voters is not set on this controller, so formatting needs one of --standalone, --initial-controllers or --no-initial-controllers",
            "format the first controller with --standalone (or all initial controllers with --initial-controllers) and later ones with --no-initial-controllers",
            kStorageTool);
}

}  // namespace

std::vector<Violation> validate_server_properties(const Properties& props, const KafkaVersion& version,
                                                  const std::optional<FormatOptions>& format) {
  Sink sink;
  if (!version.supported()) {
    sink.error("version.supported", "", version.str(), "Kafka " + version.str() + " is not supported: the rules are known for 3.6 to 4.x",
               "use a Kafka version from 3.6 to 4.x", kKafkaConfig);
    return sink.out;
  }
  ServerCheck check(props, version, sink);
  check.run();
  if (format) check_format(check, props, version, *format, sink);
  auto paths = validate_storage_paths(props);
  sink.out.insert(sink.out.end(), paths.begin(), paths.end());
  return sink.out;
}

std::vector<Violation> validate_storage_paths(const Properties& props) {
  Sink sink;
  for (const char* key : {"log.dirs", "log.dir", "metadata.log.dir"}) {
    auto value = props.get(key);
    if (!value) continue;
    // log.dirs/log.dir are lists (Kafka splits on commas and trims); metadata.log.dir is one path.
    auto dirs = std::string(key) == "metadata.log.dir" ? std::vector<std::string>{trim(*value)} : split_list(*value);
    for (const auto& d : dirs) {
      if (d.empty() || d.front() == '/') continue;
      sink.error("storage.absolute-paths", key, *value,
                 "'" + d + "' is a relative path: Kafka would resolve it against the working directory of its service, "
                 "and the storage checks could not see the directory it uses",
                 "write an absolute path, e.g. " + std::string(key) + "=/var/lib/kafka/" + (std::string(key) == "metadata.log.dir" ? "meta" : "data"),
                 kAppliance);
    }
  }
  return sink.out;
}

}  // namespace ka

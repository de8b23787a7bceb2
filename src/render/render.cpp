#include "render/render.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <set>
#include <sstream>

#include "core/templates.hpp"
#include "validate/validate.hpp"

namespace ka {

namespace mustache = kainjow::mustache;

namespace {

constexpr std::uint64_t kMiB = 1024ULL * 1024ULL;

std::uint64_t round_down(std::uint64_t v, std::uint64_t step) { return v / step * step; }

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

const std::set<std::string> kProtocolNames = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"};

// ---- listeners -------------------------------------------------------------------------------

struct ResolvedListeners {
  std::vector<Listener> listeners;
  std::vector<Listener> advertised;
  std::vector<std::pair<std::string, std::string>> protocol_map;
  std::string inter_broker;  // "" for controllers and ZooKeeper nodes
};

const Voter* own_voter(const NodeSpec& s) {
  for (const auto& v : s.voters)
    if (v.id == s.node_id) return &v;
  return nullptr;
}

const Listener* find_listener(const std::vector<Listener>& ls, const std::string& name) {
  for (const auto& l : ls)
    if (l.name == name) return &l;
  return nullptr;
}

std::vector<std::string> names_of(const std::vector<Listener>& ls) {
  std::vector<std::string> n;
  for (const auto& l : ls) n.push_back(l.name);
  return n;
}

// The listeners this node binds: the broker side (given, or from --advertise, or PLAINTEXT
// on 9092) and the controller listener (on the voter port), each on a port of its own.
// Returns the broker side.
Result<std::vector<Listener>> bind_listeners(const NodeSpec& s, ResolvedListeners& r) {
  const std::string& ctrl = s.controller_listener;
  const bool kraft = !s.zookeeper_mode();
  std::vector<Listener> broker_side;
  const Listener* given_ctrl = nullptr;
  for (const auto& l : s.listeners) {
    if (kraft && l.name == ctrl) given_ctrl = &l;
    else broker_side.push_back(l);
  }

  if (s.role == Role::controller && !broker_side.empty())
    return bad_input("--listener " + broker_side.front().str() + ": a controller-only node listens only on its controller listener (" + ctrl + ")")
        .note("use --role combined for a node that also serves clients, or --controller-listener to rename the controller listener");
  if (s.role == Role::broker && given_ctrl)
    return bad_input("--listener " + given_ctrl->str() + ": a broker does not listen on the controller listener " + ctrl)
        .note("controllers listen on " + ctrl + "; give the broker its own listener names, e.g. PLAINTEXT or INTERNAL");

  if (s.has_broker()) {
    if (broker_side.empty()) {
      // Listen on all interfaces under the names the operator advertises.
      for (const auto& a : s.advertised)
        if (!(kraft && a.name == ctrl)) broker_side.push_back(Listener{a.name, HostPort{"", a.endpoint.port}});
    }
    if (broker_side.empty()) broker_side.push_back(Listener{"PLAINTEXT", HostPort{"", 9092}});
  }

  std::optional<Listener> ctrl_listener;
  if (s.has_controller()) {
    if (given_ctrl) {
      ctrl_listener = *given_ctrl;
    } else {
      int port = 9093;
      if (const Voter* v = own_voter(s)) port = v->endpoint.port;
      else if (const Listener* a = find_listener(s.advertised, ctrl)) port = a->endpoint.port;
      ctrl_listener = Listener{ctrl, HostPort{"", port}};
    }
    if (const Voter* v = own_voter(s); v && v->endpoint.port != ctrl_listener->endpoint.port)
      return bad_input("--listener " + ctrl_listener->str() + " does not listen on this node's voter port (--controller " +
                       std::to_string(v->id) + "@" + v->endpoint.str() + ")")
          .note("the other nodes reach this controller at its voter address: use the same port in both");
  }
  r.listeners = broker_side;
  if (ctrl_listener) r.listeners.push_back(*ctrl_listener);

  std::set<int> ports;
  for (const auto& l : r.listeners)
    if (!ports.insert(l.endpoint.port).second)
      return bad_input("listener " + l.str() + " uses port " + std::to_string(l.endpoint.port) + ", which another listener uses too")
          .note("every listener needs a port of its own");

  return broker_side;
}

// advertised.listeners: what --advertise says, else the bound address, else an error.
Status advertise_listeners(const NodeSpec& s, ResolvedListeners& r) {
  const std::string& ctrl = s.controller_listener;
  const bool kraft = !s.zookeeper_mode();
  const std::string ver = "Kafka " + s.version.str();
  for (const auto& a : s.advertised) {
    if (!find_listener(r.listeners, a.name)) {
      if (kraft && a.name == ctrl && s.role == Role::broker)
        return bad_input("--advertise " + a.str() + ": a broker does not listen on the controller listener " + ctrl);
      return bad_input("--advertise " + a.str() + ": this node has no listener named " + a.name)
          .note("listeners: " + join(names_of(r.listeners), ", "));
    }
    if (kraft && a.name == ctrl && !s.version.at_least(3, 9))
      return bad_input("--advertise " + a.str() + ": " + ver + " refuses the controller listener in advertised.listeners")
          .note("controllers advertise their listener only from Kafka 3.9 (KIP-853); drop this --advertise, the voters list says where controllers are");
  }
  for (const auto& l : r.listeners) {
    if (kraft && l.name == ctrl) {
      if (!s.version.at_least(3, 9)) continue;
      if (const Listener* a = find_listener(s.advertised, ctrl)) {
        r.advertised.push_back(*a);
      } else if (const Voter* v = own_voter(s)) {
        r.advertised.push_back(Listener{ctrl, v->endpoint});
      } else {
        return bad_input("a controller of a dynamic quorum must advertise its controller listener")
            .note("pass --advertise " + ctrl + "://HOST:" + std::to_string(l.endpoint.port) + " with this node's address");
      }
      continue;
    }
    if (const Listener* a = find_listener(s.advertised, l.name)) {
      r.advertised.push_back(*a);
    } else if (!is_wildcard_host(l.endpoint.host)) {
      r.advertised.push_back(l);
    } else {
      return bad_input("listener " + l.str() + " binds every interface, so Kafka cannot tell clients where to connect")
          .note("pass --advertise " + l.name + "://HOST:" + std::to_string(l.endpoint.port) + " with this node's address or DNS name");
    }
  }

  return ok_status();
}

Status map_protocols(const NodeSpec& s, ResolvedListeners& r) {
  // listener.security.protocol.map: every listener this node uses or connects to, explicitly.
  std::vector<std::string> names = names_of(r.listeners);
  if (!s.zookeeper_mode() && s.role == Role::broker) names.push_back(s.controller_listener);
  for (const auto& [name, proto] : s.protocols)
    if (std::find(names.begin(), names.end(), name) == names.end())
      return bad_input("--protocol " + name + ":" + proto + ": this node has no listener named " + name)
          .note("listeners: " + join(names, ", "));
  for (const auto& n : names) {
    auto it = s.protocols.find(n);
    r.protocol_map.emplace_back(n, it != s.protocols.end() ? it->second : kProtocolNames.count(n) ? n : "PLAINTEXT");
  }

  return ok_status();
}

Status pick_inter_broker(const NodeSpec& s, const std::vector<Listener>& broker_side, ResolvedListeners& r) {
  if (s.has_broker()) {
    if (!s.inter_broker_listener.empty()) {
      bool ok = false;
      for (const auto& l : broker_side) ok = ok || l.name == s.inter_broker_listener;
      if (!ok)
        return bad_input("--inter-broker-listener " + s.inter_broker_listener + " is not one of this broker's listeners")
            .note("broker listeners: " + join(names_of(broker_side), ", "));
      r.inter_broker = s.inter_broker_listener;
    } else if (broker_side.size() == 1) {
      r.inter_broker = broker_side.front().name;
    } else {
      return bad_input("this broker has several listeners; say which one brokers replicate over")
          .note("pass --inter-broker-listener NAME");
    }
  } else if (!s.inter_broker_listener.empty() && s.role == Role::controller) {
    return bad_input("--inter-broker-listener does not apply to a controller-only node");
  }
  return ok_status();
}

Result<ResolvedListeners> resolve_listeners(const NodeSpec& s) {
  ResolvedListeners r;
  KA_TRY(auto broker_side, bind_listeners(s, r));
  KA_TRY_STATUS(advertise_listeners(s, r));
  KA_TRY_STATUS(map_protocols(s, r));
  KA_TRY_STATUS(pick_inter_broker(s, broker_side, r));
  return r;
}

// ---- properties ------------------------------------------------------------------------------

struct Section {
  std::vector<std::string> comment;
  Properties props;
};

// A section of fixed settings, written as a table.
Section fixed_section(std::vector<std::string> comment, const std::vector<std::pair<std::string, std::string>>& props) {
  Section out{std::move(comment), {}};
  for (const auto& [k, v] : props) out.props.set(k, v);
  return out;
}

std::string property_line(const std::string& k, const std::string& v) {
  Properties p;
  p.set(k, v);
  std::string s = p.serialize();
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

// --set wins: a key already rendered takes the new value in place, others go to a last section.
void apply_overrides(std::vector<Section>& sections, const std::vector<std::pair<std::string, std::string>>& overrides) {
  Section extra;
  extra.comment = {"Set with --set"};
  for (const auto& [k, v] : overrides) {
    bool done = false;
    for (auto& sec : sections)
      if (sec.props.has(k)) {
        sec.props.set(k, v);
        done = true;
      }
    if (!done) extra.props.set(k, v);
  }
  if (extra.props.size()) sections.push_back(std::move(extra));
}

mustache::data sections_data(const std::vector<Section>& sections) {
  mustache::data list{mustache::data::type::list};
  for (const auto& sec : sections) {
    if (!sec.props.size()) continue;
    mustache::data d;
    mustache::data comment{mustache::data::type::list};
    for (const auto& c : sec.comment) comment << mustache::data(c);
    d.set("comment", comment);
    mustache::data lines{mustache::data::type::list};
    for (const auto& [k, v] : sec.props.entries()) lines << mustache::data(property_line(k, v));
    d.set("lines", lines);
    list << d;
  }
  return list;
}

Result<std::string> render_template(const std::string& name, const NodeSpec& spec, const mustache::data& data) {
  KA_TRY(auto text, load_template(name, spec.templates_dir));
  mustache::mustache tmpl{text};
  if (!tmpl.is_valid()) return bad_input("template " + name + " is not valid mustache: " + tmpl.error_message()).note("check --templates");
  // Nothing here is HTML: values go out verbatim (properties values are escaped beforehand).
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) return bad_input("template " + name + " failed to render: " + tmpl.error_message()).note("check --templates");
  return out;
}

std::string node_name(const NodeSpec& s) { return "node " + std::to_string(s.node_id) + " (" + to_string(s.role) + ")"; }

mustache::data common_data(const NodeSpec& s) {
  mustache::data d;
  d.set("node_id", std::to_string(s.node_id));
  d.set("role", to_string(s.role));
  d.set("kafka_version", s.version.str());
  if (!s.cluster_id.empty()) d.set("cluster_id", s.cluster_id);  // absent, not "", so {{#cluster_id}} is false
  d.set("etc_dir", s.paths.etc_dir);
  d.set("log_dir", s.paths.log_dir);
  d.set("kafka_home", s.paths.kafka_home);
  d.set("java_home", s.paths.java_home);
  d.set("zk_data_dir", s.paths.zk_data_dir);
  d.set("zookeeper_mode", s.zookeeper_mode() ? mustache::data::type::bool_true : mustache::data::type::bool_false);
  d.set("log4j2", s.version.kraft_only() ? mustache::data::type::bool_true : mustache::data::type::bool_false);
  d.set("zookeeper_node", s.role == Role::zookeeper ? mustache::data::type::bool_true : mustache::data::type::bool_false);
  return d;
}

std::string endpoints(const std::vector<Listener>& ls) {
  std::vector<std::string> v;
  for (const auto& x : ls) v.push_back(x.str());
  return join(v, ",");
}

Section identity_section(const NodeSpec& s) {
  Section id;
  if (!s.zookeeper_mode()) {
    id.comment = {"This node's roles and its ID, unique in the cluster"};
    id.props.set("process.roles", s.role == Role::combined ? "broker,controller" : to_string(s.role));
    id.props.set("node.id", std::to_string(s.node_id));
  } else {
    id.comment = {"ZooKeeper mode: this broker's ID, unique in the cluster"};
    id.props.set("broker.id", std::to_string(s.node_id));
  }
  return id;
}

// Where the cluster's metadata is: the static voters, the dynamic quorum's bootstrap
// controllers, or the ZooKeeper ensemble.
Section quorum_section(const NodeSpec& s) {
  const bool kraft = !s.zookeeper_mode();
  Section quorum;
  std::vector<std::string> v;
  if (kraft && !s.dynamic_quorum()) {
    quorum.comment = {"Static controller quorum: the same voters on every node"};
    for (const auto& x : s.voters) v.push_back(std::to_string(x.id) + "@" + x.endpoint.str());
    quorum.props.set("controller.quorum.voters", join(v, ","));
  } else if (kraft) {
    quorum.comment = {"Dynamic controller quorum (KIP-853): voters are kept in the metadata log;",
                      "these controllers are where a node first asks for them"};
    for (const auto& x : s.controller_bootstrap) v.push_back(x.str());
    quorum.props.set("controller.quorum.bootstrap.servers", join(v, ","));
  } else {
    quorum.comment = {"The ZooKeeper ensemble that holds the cluster's metadata"};
    for (const auto& x : s.zookeeper_connect) v.push_back(x.str());
    quorum.props.set("zookeeper.connect", join(v, ","));
  }
  if (kraft) quorum.props.set("controller.listener.names", s.controller_listener);
  return quorum;
}

Section listener_section(const ResolvedListeners& l) {
  Section net;
  net.comment = {"Listeners: where this node accepts connections, and the addresses it gives out"};
  net.props.set("listeners", endpoints(l.listeners));
  if (!l.advertised.empty()) net.props.set("advertised.listeners", endpoints(l.advertised));
  if (!l.inter_broker.empty()) net.props.set("inter.broker.listener.name", l.inter_broker);
  std::vector<std::string> pm;
  for (const auto& [n, p] : l.protocol_map) pm.push_back(n + ":" + p);
  net.props.set("listener.security.protocol.map", join(pm, ","));
  return net;
}

Section storage_section(const NodeSpec& s) {
  const bool kraft = !s.zookeeper_mode();
  Section storage;
  if (s.has_broker() && kraft) {
    storage.comment = {"Partition data, and the metadata log on a directory of its own"};
    storage.props.set("log.dirs", join(s.paths.data_dirs, ","));
    storage.props.set("metadata.log.dir", s.paths.meta_dir);
  } else if (kraft) {
    storage.comment = {"The metadata log"};
    storage.props.set("log.dirs", s.paths.meta_dir);
    storage.props.set("metadata.log.dir", s.paths.meta_dir);
  } else {
    storage.comment = {"Partition data"};
    storage.props.set("log.dirs", join(s.paths.data_dirs, ","));
  }
  return storage;
}

Section topic_defaults_section(const NodeSpec& s) {
  auto rd = replication_defaults(known_brokers(s));
  Section topics;
  std::string why = rd.replication_factor >= 3
                        ? "every acknowledged write (acks=all) survives the loss of a broker"
                        : "fewer than 3 brokers: replicas on every broker there is";
  topics.comment = {"Defaults for new topics in a cluster of " + std::to_string(rd.brokers) + " broker" + (rd.brokers == 1 ? "" : "s") + ": " + why};
  if (s.role == Role::controller) topics.comment.push_back("(controllers create topics, so they need the defaults too)");
  topics.props.set("default.replication.factor", std::to_string(rd.replication_factor));
  topics.props.set("min.insync.replicas", std::to_string(rd.min_insync));
  topics.props.set("num.partitions", std::to_string(rd.partitions));
  if (s.has_broker()) {
    topics.props.set("offsets.topic.replication.factor", std::to_string(rd.replication_factor));
    topics.props.set("transaction.state.log.replication.factor", std::to_string(rd.replication_factor));
    topics.props.set("transaction.state.log.min.isr", std::to_string(rd.min_insync));
    if (s.version.kraft_only()) {
      topics.props.set("share.coordinator.state.topic.replication.factor", std::to_string(rd.replication_factor));
      topics.props.set("share.coordinator.state.topic.min.isr", std::to_string(rd.min_insync));
    }
  }
  return topics;
}

std::vector<Section> server_sections(const NodeSpec& s, const ResolvedListeners& l) {
  std::vector<Section> out{identity_section(s), quorum_section(s), listener_section(l), storage_section(s),
                           topic_defaults_section(s)};
  if (s.has_broker() && !s.rack.empty()) {
    Section rack;
    rack.comment = {"Rack (availability zone): replicas of a partition are spread over racks"};
    rack.props.set("broker.rack", s.rack);
    out.push_back(std::move(rack));
  }
  return out;
}

std::vector<Section> zookeeper_sections(const NodeSpec& s) {
  std::vector<Section> out{
      fixed_section({"Snapshots and transaction logs; ZooKeeper keeps all of them unless purged"},
                    {{"dataDir", s.paths.zk_data_dir}, {"autopurge.snapRetainCount", "3"}, {"autopurge.purgeInterval", "24"}}),
      fixed_section({"Clients (the Kafka brokers) and timing: a follower may lag 5 ticks (10 s)"},
                    {{"clientPort", "2181"}, {"tickTime", "2000"}, {"initLimit", "10"}, {"syncLimit", "5"}, {"maxClientCnxns", "60"}}),
      fixed_section({"Health checks need srvr, mntr and ruok; the embedded Jetty admin server is not needed"},
                    {{"4lw.commands.whitelist", "srvr,mntr,ruok"}, {"admin.enableServer", "false"}}),
  };

  Section ensemble;
  ensemble.comment = {"The ensemble: server.<myid>=host:peer-port:election-port, the same on every member"};
  for (const auto& z : s.zookeeper_servers) {
    bool v6 = z.host.find(':') != std::string::npos;
    ensemble.props.set("server." + std::to_string(z.id),
                       (v6 ? "[" + z.host + "]" : z.host) + ":" + std::to_string(z.peer_port) + ":" + std::to_string(z.election_port));
  }
  out.push_back(std::move(ensemble));
  return out;
}

std::string rw_paths(const NodeSpec& s) {
  std::vector<std::string> v;
  if (s.role == Role::zookeeper) {
    v = {s.paths.zk_data_dir, s.paths.log_dir};
  } else {
    v = {s.paths.data_root, s.paths.log_dir};
    if (s.role != Role::controller)
      for (const auto& d : s.paths.data_dirs)
      if (d.rfind(s.paths.data_root + "/", 0) != 0 && std::find(v.begin(), v.end(), d) == v.end()) v.push_back(d);
  }
  return join(v, " ");
}

}  // namespace

// ---- sizing ----------------------------------------------------------------------------------

Result<std::uint64_t> heap_mib(Role role, std::uint64_t memory_bytes) {
  std::uint64_t mib = memory_bytes / kMiB;
  // A "1 GiB" VM reports ~960-1000 MiB of MemTotal; below 768 MiB the JVM's non-heap memory
  // (metaspace, code cache, thread stacks, ~200 MiB) and the OS leave no room for a heap.
  if (mib < 768)
    return bad_input("memory " + std::to_string(mib) + " MiB is too little for a Kafka node")
        .note("give the machine at least 1 GiB of memory (or say --memory for the machine the node will run on)");
  std::uint64_t heap = 0;
  if (role == Role::broker || role == Role::combined) {
    // Brokers serve reads from the page cache: a quarter of memory for the heap, at most 6 GiB
    // (beyond that G1 pauses grow and the cache is worth more).
    heap = std::min<std::uint64_t>(round_down(mib / 4, 64), 6144);
  } else {
    // Controllers and ZooKeeper keep metadata on the heap and need little page cache.
    heap = std::min<std::uint64_t>(round_down(mib / 3, 64), 4096);
  }
  return std::max<std::uint64_t>(heap, 256);
}

ReplicationDefaults replication_defaults(int brokers) {
  ReplicationDefaults r;
  r.brokers = std::max(brokers, 1);
  r.replication_factor = std::min(r.brokers, 3);
  r.min_insync = r.replication_factor >= 3 ? 2 : 1;
  r.partitions = r.brokers >= 3 ? 3 : 1;
  return r;
}

int known_brokers(const NodeSpec& s) {
  if (s.broker_count) return *s.broker_count;
  if (!s.voters.empty()) return static_cast<int>(s.voters.size());
  if (!s.controller_bootstrap.empty()) return static_cast<int>(s.controller_bootstrap.size());
  if (!s.zookeeper_servers.empty()) return static_cast<int>(s.zookeeper_servers.size());
  return static_cast<int>(std::max<size_t>(s.zookeeper_connect.size(), 1));
}

Result<std::uint64_t> read_mem_total(const std::filesystem::path& meminfo) {
  std::ifstream in(meminfo);
  if (!in) return fail("cannot read " + meminfo.string() + " to size the JVM heap").note("pass --memory, e.g. --memory 4G");
  std::string key;
  std::uint64_t kb = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    if (ls >> key >> kb && key == "MemTotal:") return kb * 1024;
  }
  return fail("no MemTotal in " + meminfo.string()).note("pass --memory, e.g. --memory 4G");
}

// ---- plan ------------------------------------------------------------------------------------

Result<RenderPlan> plan_render(const NodeSpec& s) {
  RenderPlan plan;
  plan.node = node_name(s);
  if (!s.memory_bytes) return fail(plan.node + ": the machine's memory is not known").note("pass --memory, e.g. --memory 4G");
  KA_TRY(auto heap, heap_mib(s.role, *s.memory_bytes));
  const auto& p = s.paths;
  const bool zk_node = s.role == Role::zookeeper;

  std::vector<Section> sections;
  std::string config_name;
  if (zk_node) {
    sections = zookeeper_sections(s);
    config_name = "zookeeper.properties";
  } else {
    KA_TRY(auto l, resolve_listeners(s));
    sections = server_sections(s, l);
    config_name = "server.properties";
  }
  apply_overrides(sections, s.overrides);
  auto data = common_data(s);
  data.set("sections", sections_data(sections));
  KA_TRY(auto config_text, render_template(config_name + ".mustache", s, data));

  // Validate what Kafka will read: the rendered text, parsed back.
  std::string config_path = p.etc_dir + "/" + config_name;
  KA_TRY(plan.config, Properties::parse(config_text, config_path));
  std::vector<Violation> violations;
  if (zk_node) violations = validate_zookeeper_properties(plan.config, s.node_id);
  else violations = validate_server_properties(plan.config, s.version);
  if (has_errors(violations)) return violations_to_error(violations, plan.node + " " + config_path);
  for (const auto& v : violations)
    plan.warnings.push_back(plan.node + ": " + (v.key.empty() ? "" : v.key + "=" + v.value + ": ") + v.rule + (v.fix.empty() ? "" : "; " + v.fix));

  const std::string kafka = "kafka";
  plan.dirs.push_back(PlannedDir{p.etc_dir, 0750, "root", kafka});
  if (zk_node) {
    plan.dirs.push_back(PlannedDir{p.zk_data_dir, 0750, kafka, kafka});
  } else {
    plan.dirs.push_back(PlannedDir{p.data_root, 0750, kafka, kafka});
    if (s.role != Role::controller)
      for (const auto& d : p.data_dirs) plan.dirs.push_back(PlannedDir{d, 0750, kafka, kafka});
    if (!s.zookeeper_mode()) plan.dirs.push_back(PlannedDir{p.meta_dir, 0750, kafka, kafka});
  }
  plan.dirs.push_back(PlannedDir{p.log_dir, 0750, kafka, kafka});

  plan.files.push_back(PlannedFile{config_path, config_text, 0640, "root", kafka});
  if (zk_node) plan.files.push_back(PlannedFile{p.zk_data_dir + "/myid", std::to_string(s.node_id) + "\n", 0640, kafka, kafka});

  const bool log4j2 = s.version.kraft_only();
  std::string log_config = log4j2 ? "log4j2.yaml" : "log4j.properties";
  KA_TRY(auto log_text, render_template(log_config + ".mustache", s, data));
  plan.files.push_back(PlannedFile{p.etc_dir + "/" + log_config, log_text, 0640, "root", kafka});

  auto env = data;
  env.set("heap", std::to_string(heap) + "m");
  env.set("log4j_opts", log4j2 ? "-Dlog4j2.configurationFile=" + p.etc_dir + "/log4j2.yaml"
                               : "-Dlog4j.configuration=file:" + p.etc_dir + "/log4j.properties");
  env.set("memory_mib", std::to_string(*s.memory_bytes / kMiB));
  if (!zk_node && !s.class_archive.empty()) env.set("class_archive", s.class_archive);  // absent: {{#class_archive}} false
  KA_TRY(auto env_text, render_template("jvm.env.mustache", s, env));
  plan.files.push_back(PlannedFile{p.etc_dir + "/jvm.env", env_text, 0640, "root", kafka});

  auto unit = data;
  unit.set("rw_paths", rw_paths(s));
  unit.set("config_path", config_path);
  std::string unit_name = zk_node ? "zookeeper.service" : "kafka.service";
  KA_TRY(auto unit_text, render_template(unit_name + ".mustache", s, unit));
  plan.files.push_back(PlannedFile{p.unit_dir + "/" + unit_name, unit_text, 0644, "root", "root"});
  return plan;
}

// ---- apply -----------------------------------------------------------------------------------

namespace {

struct OwnerResolver {
  const RootFs& root;
  std::set<std::string> missing_users, missing_groups;

  Owner resolve(const std::string& user, const std::string& group) {
    Owner o;
    if (user != "root") {
      if (auto uid = lookup_uid(root.root(), user)) o.uid = *uid;
      else missing_users.insert(user);
    }
    if (group != "root") {
      if (auto gid = lookup_gid(root.root(), group)) o.gid = *gid;
      else missing_groups.insert(group);
    }
    return o;
  }
  std::vector<std::string> warnings() const {
    std::vector<std::string> out;
    auto say = [&](const std::string& what, const std::string& name) {
      out.push_back(what + " '" + name + "' " + (what.find(" and ") != std::string::npos ? "do" : "does") + " not exist under " +
                    root.root().string() + " yet: files and directories meant for it are owned by root for now " +
                    "('kafka-appliance install' creates it; render again afterwards)");
    };
    for (const auto& u : missing_users) say(missing_groups.count(u) ? "the user and group" : "the user", u);
    for (const auto& g : missing_groups)
      if (!missing_users.count(g)) say("the group", g);
    return out;
  }
};

}  // namespace

Result<ApplyReport> apply_plan(const RenderPlan& plan, const RootFs& root) {
  ApplyReport report;
  OwnerResolver owners{root, {}, {}};
  for (const auto& d : plan.dirs) {
    KA_TRY(auto c, root.ensure_dir(d.path, d.mode, owners.resolve(d.user, d.group)));
    report.changes.push_back({d.path, c});
  }
  for (const auto& f : plan.files) {
    KA_TRY(auto c, root.write_file(f.path, f.content, f.mode, owners.resolve(f.user, f.group)));
    report.changes.push_back({f.path, c});
  }
  report.warnings = owners.warnings();
  return report;
}

Result<std::vector<AppliedChange>> preview_plan(const RenderPlan& plan, const RootFs& root) {
  std::vector<AppliedChange> out;
  OwnerResolver owners{root, {}, {}};
  auto differs = [&](const struct stat& st, mode_t mode, const std::string& user, const std::string& group) {
    if ((st.st_mode & 07777) != mode) return true;
    if (geteuid() != 0) return false;  // unprivileged runs cannot chown, so owners are not compared
    Owner o = owners.resolve(user, group);
    return st.st_uid != o.uid || st.st_gid != o.gid;
  };
  for (const auto& d : plan.dirs) {
    struct stat st {};
    auto hp = root.host_path(d.path);
    if (::lstat(hp.c_str(), &st) != 0) out.push_back({d.path, Change::created});
    else out.push_back({d.path, differs(st, d.mode, d.user, d.group) ? Change::updated : Change::unchanged});
  }
  for (const auto& f : plan.files) {
    KA_TRY(auto existing, root.read_file(f.path));
    struct stat st {};
    auto hp = root.host_path(f.path);
    if (!existing || ::lstat(hp.c_str(), &st) != 0) out.push_back({f.path, Change::created});
    else out.push_back({f.path, (*existing != f.content || differs(st, f.mode, f.user, f.group)) ? Change::updated : Change::unchanged});
  }
  return out;
}

Result<NodeSpec> node_spec_for_this_machine(const NodeInput& in) {
  KA_TRY(auto spec, build_node_spec(in));
  if (spec.templates_dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(*spec.templates_dir, ec))
      return bad_input("--templates " + spec.templates_dir->string() + " is not a directory")
          .note("give a directory holding templates named like the built-in ones, e.g. server.properties.mustache");
  }
  if (!spec.memory_bytes) {
    KA_TRY(spec.memory_bytes, read_mem_total());
  }
  return spec;
}

}  // namespace ka

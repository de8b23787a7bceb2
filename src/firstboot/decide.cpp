#include "firstboot/decide.hpp"

#include <CLI/CLI.hpp>

#include <set>
#include <sstream>

#include "core/number.hpp"
#include "core/properties.hpp"

namespace ka::firstboot {

namespace {

const std::string kTag = cloud::kTagPrefix;
const std::set<std::string> kKnownTags = {kTag + "role", kTag + "node-id", kTag + "cluster-id", kTag + "controllers",
                                          kTag + "quorum"};

// Where a missing tag could have come from: tags are invisible without InstanceMetadataTags.
std::string where_to_set(const cloud::InstanceMetadata& md, const std::string& tag, const std::string& key,
                         const std::string& example) {
  if (!md.user_data_file.empty()) return "set `" + key + " = " + example + "` in the user-data file " + md.user_data_file;
  std::string s = "set the instance tag " + kTag + tag + " or `" + key + " = " + example + "` in the user-data";
  if (!md.tags_visible)
    s += " (no instance tag is visible in the metadata at " + md.source +
         ": launch with InstanceMetadataTags=enabled, metadata_options { instance_metadata_tags = \"enabled\" } in Terraform)";
  return s;
}

struct Sources {
  const cloud::InstanceMetadata& md;
  const UserData& ud;

  const std::vector<std::string>* user(const std::string& key) const {
    for (const auto& [k, v] : ud)
      if (k == key) return &v;
    return nullptr;
  }
  std::optional<std::string> tag(const std::string& name) const {
    auto it = md.tags.find(kTag + name);
    if (it == md.tags.end()) return std::nullopt;
    return trim(it->second);
  }
  // One value from user-data or a tag; both given and different is an error.
  Result<std::optional<std::string>> one(const std::string& key, const std::string& tag_name) const {
    std::optional<std::string> from_user;
    if (const auto* v = user(key)) {
      if (v->size() != 1) return bad_input("user-data: " + key + " takes one value, not " + std::to_string(v->size()));
      from_user = trim(v->front());
    }
    auto from_tag = tag(tag_name);
    if (from_user && from_tag && *from_user != *from_tag)
      return bad_input("user-data says " + key + " = " + *from_user + " but the tag " + kTag + tag_name + " says " + *from_tag)
          .note("set it in one place, or make them agree");
    if (from_user) return from_user;
    return from_tag;
  }
  // A list from user-data (array or comma-separated, as the config file takes it).
  std::vector<std::string> list(const std::string& key) const {
    std::vector<std::string> out;
    if (const auto* v = user(key))
      for (const auto& item : *v)
        for (auto& s : split_list(item)) out.push_back(s);
    return out;
  }
};

// user-data keys that are node settings (NodeInput) or first-boot settings; the rest goes on.
const std::set<std::string> kScalarNodeKeys = {"role", "node-id", "cluster-id", "kafka-version", "inter-broker-listener",
                                               "controller-listener", "memory", "broker-count", "rack", "templates",
                                               "node-id-from"};
const std::set<std::string> kListNodeKeys = {"controller", "controller-bootstrap", "zookeeper", "zookeeper-server",
                                             "listener", "advertise", "protocol", "set", "data-dir", "initial-controller"};

void apply_node_keys(const Sources& src, NodeInput& n) {
  auto scalar = [&](const std::string& key, std::string& into) {
    if (const auto* v = src.user(key); v && !v->empty()) into = trim(v->front());
  };
  scalar("kafka-version", n.kafka_version);
  scalar("inter-broker-listener", n.inter_broker_listener);
  scalar("controller-listener", n.controller_listener);
  scalar("memory", n.memory);
  scalar("broker-count", n.broker_count);
  scalar("templates", n.templates);
  n.zookeeper = src.list("zookeeper");
  n.zookeeper_servers = src.list("zookeeper-server");
  n.listeners = src.list("listener");
  n.advertise = src.list("advertise");
  n.protocols = src.list("protocol");
  n.data_dirs = src.list("data-dir");
  if (const auto* v = src.user("set")) n.sets = *v;  // KEY=VALUE may hold commas
}

bool is_ipv4(const std::string& s) {
  int parts = 0;
  for (const auto& p : split_list(s, '.')) {
    if (p.empty() || p.size() > 3 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) > 255) return false;
    ++parts;
  }
  return parts == 4 && s.find("..") == std::string::npos && s.front() != '.' && s.back() != '.';
}

}  // namespace

Result<std::optional<UserData>> parse_user_data(const std::string& text) {
  std::string head = text.substr(0, text.find('\n'));
  if (head.rfind("#!", 0) == 0 || head.rfind("#cloud-config", 0) == 0 || head.rfind("Content-Type:", 0) == 0)
    return std::optional<UserData>();
  // Lines the TOML reader would take silently (a bare word reads as a flag) are refused here.
  std::istringstream lines(text);
  std::string line;
  for (int no = 1; std::getline(lines, line); ++no) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == '[') continue;
    auto eq = t.find('=');
    if (eq == std::string::npos || trim(t.substr(0, eq)).empty())
      return bad_input("user-data line " + std::to_string(no) + " is not KEY = VALUE: " + t)
          .note("user-data is TOML with the keys of appliance.toml, e.g. role = \"broker\"");
  }
  UserData out;
  try {
    std::istringstream in(text);
    for (auto& item : CLI::ConfigTOML().from_config(in)) {
      if (item.name == "++" || item.name == "--") continue;  // section markers
      out.emplace_back(item.name, item.inputs);
    }
  } catch (const CLI::Error& e) {
    return bad_input(std::string("user-data is not valid TOML: ") + e.what())
        .note("user-data is TOML with the keys of appliance.toml, e.g. role = \"broker\"");
  }
  return std::optional<UserData>(std::move(out));
}

Result<int> node_id_from_ipv4(const std::string& ipv4) {
  if (!is_ipv4(ipv4))
    return bad_input("--node-id-from ip: the instance's local-ipv4 '" + ipv4 + "' is not an IPv4 address")
        .note("set node-id explicitly (tag kafka-appliance:node-id or node-id in the user-data)");
  auto o = split_list(ipv4, '.');
  return std::stoi(o[2]) * 256 + std::stoi(o[3]);
}

Result<std::optional<ExistingIdentity>> find_existing_identity(const RootFs& root, const std::vector<std::string>& dirs) {
  std::optional<ExistingIdentity> found;
  for (const auto& d : dirs) {
    std::string path = d + "/meta.properties";
    KA_TRY(auto text, root.read_file(path));
    if (!text) continue;
    KA_TRY(auto meta, parse_meta_properties(*text, path));
    if (!found) {
      found = ExistingIdentity{meta, path};
      continue;
    }
    if (meta.cluster_id != found->meta.cluster_id || meta.node_id != found->meta.node_id)
      return refuse("the data volume holds two identities: " + found->origin + " and " + path + " disagree on the cluster or node ID")
          .note("these directories were formatted for different nodes; attach the volume that belongs to this node");
  }
  return found;
}

namespace {

// What decide() works out, step by step; each step below reads what the earlier ones set.
struct Decision {
  Decision(const FirstbootInput& i, const Sources& s, FirstbootDecision& out) : in(i), src(s), d(out) {}
  const FirstbootInput& in;
  const Sources& src;
  FirstbootDecision& d;
  bool controller = false, zookeeper = false;
  std::vector<std::string> initial;  // a dynamic quorum's initial controllers
  std::vector<Voter> voters;         // the static voters, else the initial controllers
  int id = -1;
  std::string id_from;
};

// user-data as node settings; keys that are not node settings are handed on; unknown tags refused.
Result<UserData> read_user_data(const FirstbootInput& in, FirstbootDecision& d) {
  const auto& md = in.md;
  UserData ud;
  if (md.user_data) {
    KA_TRY(auto parsed, parse_user_data(*md.user_data));
    if (parsed) ud = std::move(*parsed);
    else d.notes.push_back("user-data is a script or cloud-config, not kafka-appliance settings: ignored");
  }
  for (const auto& [k, v] : ud)
    if (!kScalarNodeKeys.count(k) && !kListNodeKeys.count(k)) d.other_keys.emplace_back(k, v);
  for (const auto& [k, v] : md.tags)
    if (!kKnownTags.count(k))
      return bad_input("unknown instance tag " + k + " = " + v)
          .note("kafka-appliance reads the tags " + kTag + "role, :node-id, :cluster-id, :controllers and :quorum");
  return ud;
}

Status decide_role(Decision& x) {
  const auto& md = x.in.md;
  KA_TRY(auto role, x.src.one("role", "role"));
  if (!role && !x.in.image_role.empty()) {
    role = x.in.image_role;
    x.d.notes.push_back("role " + *role + " from the image");
  }
  if (!role)
    return bad_input("no role for this instance (" + md.instance_id + ")")
        .note(where_to_set(md, "role", "role", "\"broker\"") + "; roles: controller, broker, combined, zookeeper");
  x.d.node.role = *role;
  x.controller = *role == "controller" || *role == "combined";
  x.zookeeper = *role == "zookeeper";
  return ok_status();
}

// Static voters or a dynamic quorum's bootstrap servers, from the user-data or the :controllers tag.
Status decide_quorum(Decision& x) {
  const auto& md = x.in.md;
  NodeInput& n = x.d.node;
  n.controllers = x.src.list("controller");
  n.controller_bootstrap = x.src.list("controller-bootstrap");
  x.initial = x.src.list("initial-controller");
  KA_TRY(auto quorum, x.src.one("quorum", "quorum"));
  if (quorum && *quorum != "static" && *quorum != "dynamic")
    return bad_input("quorum '" + *quorum + "' is neither static nor dynamic").note("set the tag " + kTag + "quorum to static or dynamic");
  if (auto tagged = x.src.tag("controllers")) {
    if (!n.controllers.empty() || !n.controller_bootstrap.empty())
      return bad_input("the controllers are given twice: in the user-data and in the tag " + kTag + "controllers")
          .note("set them in one place");
    auto list = split_list(*tagged);
    if (quorum && *quorum == "dynamic") {
      x.initial = list;
      for (const auto& c : list) {
        KA_TRY(auto v, parse_voter(c));
        n.controller_bootstrap.push_back(v.endpoint.str());
      }
    } else {
      n.controllers = list;
    }
  }
  if (!x.zookeeper && n.controllers.empty() && n.controller_bootstrap.empty() && n.zookeeper.empty() && n.zookeeper_servers.empty())
    return bad_input("no controllers for this instance (" + md.instance_id + ")")
        .note(where_to_set(md, "controllers", "controller", "[\"1@10.0.1.11:9093\", ...]") +
              "; a dynamic quorum: tag " + kTag + "quorum = dynamic, or controller-bootstrap in the user-data");
  for (const auto& c : n.controllers.empty() ? x.initial : n.controllers) {
    KA_TRY(auto v, parse_voter(c));
    x.voters.push_back(v);
  }
  return ok_status();
}

// The data's cluster ID wins over the metadata's. ZooKeeper mode needs none: the first broker
// creates the cluster ID in ZooKeeper and every broker takes it from there.
Status decide_cluster_id(Decision& x) {
  const auto& md = x.in.md;
  const auto& existing = x.in.existing;
  KA_TRY(auto cluster, x.src.one("cluster-id", "cluster-id"));
  if (existing && !existing->meta.cluster_id.empty()) {
    const auto& kept = existing->meta.cluster_id;
    if (cluster && *cluster != kept)
      x.d.notes.push_back("kept cluster ID " + kept + " from " + existing->origin + " (the metadata says " + *cluster +
                          "): identity follows the data");
    cluster = kept;
  }
  const NodeInput& n = x.d.node;
  const bool zookeeper_mode = x.zookeeper || !n.zookeeper.empty() || !n.zookeeper_servers.empty();
  if (!cluster && !zookeeper_mode)
    return bad_input("no cluster ID for this instance (" + md.instance_id + ")")
        .note(where_to_set(md, "cluster-id", "cluster-id", "\"<22 characters from kafka-appliance cluster-id>\""));
  if (cluster) x.d.node.cluster_id = *cluster;
  return ok_status();
}

// The data's node ID wins, then an explicit one, then this instance's entry in the controllers list.
Status node_id_given_or_kept(Decision& x) {
  KA_TRY(auto given, x.src.one("node-id", "node-id"));
  if (given) {
    x.id_from = x.src.user("node-id") ? "user-data node-id" : "tag " + kTag + "node-id";
    KA_TRY(x.id, parse_node_id(*given, x.id_from));
  }
  if (const auto& e = x.in.existing; e && e->meta.node_id) {
    int kept = *e->meta.node_id;
    x.d.notes.push_back("kept node ID " + std::to_string(kept) + (e->meta.directory_id.empty() ? "" : ", directory ID " + e->meta.directory_id) +
                        " and cluster ID " + e->meta.cluster_id + " from " + e->origin +
                        (x.id >= 0 && x.id != kept ? " (" + x.id_from + " says " + std::to_string(x.id) + ")" : "") +
                        ": identity follows the data");
    x.id = kept;
    x.id_from = e->origin;
  }
  if (x.id < 0 && x.controller)
    for (const auto& v : x.voters)
      if (v.endpoint.host == x.in.md.local_ipv4) {
        x.id = v.id;
        x.id_from = "this instance's address " + x.in.md.local_ipv4 + " in the controllers list";
      }
  return ok_status();
}

// ... else derived from the address (--node-id-from ip, or node-id-from in the user-data).
Status decide_node_id(Decision& x) {
  const auto& md = x.in.md;
  KA_TRY_STATUS(node_id_given_or_kept(x));
  NodeIdFrom from = x.in.node_id_from;
  if (const auto* v = x.src.user("node-id-from")) {
    if (v->size() != 1 || (trim(v->front()) != "ip" && trim(v->front()) != "given"))
      return bad_input("user-data: node-id-from must be \"ip\" or \"given\"");
    from = trim(v->front()) == "ip" ? NodeIdFrom::ip : NodeIdFrom::given;
  }
  if (x.id < 0 && from == NodeIdFrom::ip) {
    KA_TRY(x.id, node_id_from_ipv4(md.local_ipv4));
    x.id_from = "--node-id-from ip (" + md.local_ipv4 + ")";
  }
  if (x.id < 0)
    return bad_input("no node ID for this instance (" + md.instance_id + ", " + md.local_ipv4 + ")")
        .note(where_to_set(md, "node-id", "node-id", "1") + ", or run firstboot with --node-id-from ip");
  x.d.node.node_id = std::to_string(x.id);
  x.d.node_id_source = "the tag " + kTag + "node-id or `node-id = <ID>` in the user-data (it came from " + x.id_from + ")";
  if (!x.in.existing) x.d.notes.push_back("node ID " + x.d.node.node_id + " from " + x.id_from);
  return ok_status();
}

// A node ID held by a controller at another address is taken (identity from the data excepted:
// it was checked when the data was formatted); a static quorum lists every controller.
Status check_node_id_in_list(const Decision& x) {
  const NodeInput& n = x.d.node;
  for (const auto& v : x.voters) {
    if (v.id != x.id || x.in.existing) continue;
    bool ours = v.endpoint.host == x.in.md.local_ipv4 || !is_ipv4(v.endpoint.host);
    if (!x.controller || !ours)
      return bad_input("node ID " + n.node_id + " (from " + x.id_from + ") is already taken by controller " + std::to_string(v.id) + "@" +
                       v.endpoint.str())
          .note(x.controller ? "a controller's node ID and address must match its entry in the controllers list"
                             : "give this " + n.role + " a node ID no controller uses");
  }
  if (x.controller && !x.voters.empty() && n.controller_bootstrap.empty()) {
    bool listed = false;
    for (const auto& v : x.voters) listed = listed || v.id == x.id;
    if (!listed)
      return bad_input("controller node ID " + n.node_id + " is not in the static controllers list")
          .note("a static quorum lists every controller; add " + n.node_id + "@" + x.in.md.local_ipv4 + ":9093 or use a dynamic quorum");
  }
  return ok_status();
}

// Dynamic quorum: the whole initial set formats with --initial-controllers; a later controller
// (which then joins: auto-join or add-controller, node/join.hpp) and every broker with
// --no-initial-controllers.
void decide_format(Decision& x) {
  if (x.d.node.controller_bootstrap.empty() || x.in.existing) return;
  bool initial_member = false;
  for (const auto& v : x.voters) initial_member = initial_member || v.id == x.id;
  if (x.controller && initial_member && !x.in.no_initial_controllers) {
    x.d.format = DynamicFormat::initial_controllers;
    x.d.initial_controllers = x.initial;
    x.d.notes.push_back("dynamic quorum: formats as one of the " + std::to_string(x.initial.size()) + " initial controllers");
  } else {
    x.d.format = DynamicFormat::no_initial_controllers;
    if (x.controller) x.d.notes.push_back("dynamic quorum: formats with --no-initial-controllers and joins the running quorum");
  }
}

// Rack from the zone; the advertised address from local-ipv4.
void decide_addresses(Decision& x) {
  const auto& md = x.in.md;
  NodeInput& n = x.d.node;
  if (const auto* r = x.src.user("rack"); r && !r->empty()) n.rack = trim(r->front());
  else if (!md.availability_zone.empty() && !x.zookeeper) n.rack = md.availability_zone;
  if (!n.advertise.empty() || !n.listeners.empty()) return;
  if (n.role == "broker" || n.role == "combined") n.advertise.push_back("PLAINTEXT://" + md.local_ipv4 + ":9092");
  // A dynamic quorum's controllers advertise their controller endpoint (KIP-853).
  if (x.controller && !n.controller_bootstrap.empty()) {
    int port = 9093;
    for (const auto& v : x.voters)
      if (v.id == x.id) port = v.endpoint.port;
    std::string name = n.controller_listener.empty() ? "CONTROLLER" : n.controller_listener;
    n.advertise.push_back(name + "://" + md.local_ipv4 + ":" + std::to_string(port));
  }
}

}  // namespace

Result<FirstbootDecision> decide(const FirstbootInput& in) {
  FirstbootDecision d;
  KA_TRY(auto ud, read_user_data(in, d));
  Sources src{in.md, ud};
  apply_node_keys(src, d.node);
  Decision x{in, src, d};
  KA_TRY_STATUS(decide_role(x));
  KA_TRY_STATUS(decide_quorum(x));
  KA_TRY_STATUS(decide_cluster_id(x));
  KA_TRY_STATUS(decide_node_id(x));
  KA_TRY_STATUS(check_node_id_in_list(x));
  decide_format(x);
  decide_addresses(x);
  return d;
}

}  // namespace ka::firstboot

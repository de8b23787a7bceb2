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

Result<FirstbootDecision> decide(const FirstbootInput& in) {
  const auto& md = in.md;
  FirstbootDecision d;
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
  Sources src{md, ud};
  NodeInput& n = d.node;
  apply_node_keys(src, n);

  // Role.
  KA_TRY(auto role, src.one("role", "role"));
  if (!role && !in.image_role.empty()) {
    role = in.image_role;
    d.notes.push_back("role " + *role + " from the image");
  }
  if (!role)
    return bad_input("no role for this instance (" + md.instance_id + ")")
        .note(where_to_set(md, "role", "role", "\"broker\"") + "; roles: controller, broker, combined, zookeeper");
  n.role = *role;
  const bool controller = n.role == "controller" || n.role == "combined";
  const bool zookeeper = n.role == "zookeeper";

  // Quorum.
  n.controllers = src.list("controller");
  n.controller_bootstrap = src.list("controller-bootstrap");
  std::vector<std::string> initial = src.list("initial-controller");
  KA_TRY(auto quorum, src.one("quorum", "quorum"));
  if (quorum && *quorum != "static" && *quorum != "dynamic")
    return bad_input("quorum '" + *quorum + "' is neither static nor dynamic").note("set the tag " + kTag + "quorum to static or dynamic");
  if (auto tagged = src.tag("controllers")) {
    auto list = split_list(*tagged);
    bool dynamic = quorum && *quorum == "dynamic";
    if (!n.controllers.empty() || !n.controller_bootstrap.empty()) {
      return bad_input("the controllers are given twice: in the user-data and in the tag " + kTag + "controllers")
          .note("set them in one place");
    }
    if (dynamic) {
      initial = list;
      for (const auto& c : list) {
        KA_TRY(auto v, parse_voter(c));
        n.controller_bootstrap.push_back(v.endpoint.str());
      }
    } else {
      n.controllers = list;
    }
  }
  if (!zookeeper && n.controllers.empty() && n.controller_bootstrap.empty() && n.zookeeper.empty() && n.zookeeper_servers.empty())
    return bad_input("no controllers for this instance (" + md.instance_id + ")")
        .note(where_to_set(md, "controllers", "controller", "[\"1@10.0.1.11:9093\", ...]") +
              "; a dynamic quorum: tag " + kTag + "quorum = dynamic, or controller-bootstrap in the user-data");
  std::vector<Voter> voters;
  for (const auto& c : n.controllers.empty() ? initial : n.controllers) {
    KA_TRY(auto v, parse_voter(c));
    voters.push_back(v);
  }

  // Cluster ID: the data's wins.
  KA_TRY(auto cluster, src.one("cluster-id", "cluster-id"));
  if (in.existing && !in.existing->meta.cluster_id.empty()) {
    const auto& kept = in.existing->meta.cluster_id;
    if (cluster && *cluster != kept)
      d.notes.push_back("kept cluster ID " + kept + " from " + in.existing->origin + " (the metadata says " + *cluster +
                        "): identity follows the data");
    cluster = kept;
  }
  if (!cluster && !zookeeper)
    return bad_input("no cluster ID for this instance (" + md.instance_id + ")")
        .note(where_to_set(md, "cluster-id", "cluster-id", "\"<22 characters from kafka-appliance cluster-id>\""));
  if (cluster) n.cluster_id = *cluster;

  // Node ID: the data's wins, then explicit, then the controllers list, then derived.
  KA_TRY(auto given, src.one("node-id", "node-id"));
  std::optional<int> id;
  std::string id_from;
  if (given) {
    id_from = src.user("node-id") ? "user-data node-id" : "tag " + kTag + "node-id";
    KA_TRY(int v, parse_node_id(*given, id_from));
    id = v;
  }
  if (in.existing && in.existing->meta.node_id) {
    int kept = *in.existing->meta.node_id;
    d.notes.push_back("kept node ID " + std::to_string(kept) + (in.existing->meta.directory_id.empty() ? "" : ", directory ID " + in.existing->meta.directory_id) +
                      " and cluster ID " + in.existing->meta.cluster_id + " from " + in.existing->origin +
                      (id && *id != kept ? " (" + id_from + " says " + std::to_string(*id) + ")" : "") + ": identity follows the data");
    id = kept;
    id_from = in.existing->origin;
  }
  if (!id && controller) {
    for (const auto& v : voters)
      if (v.endpoint.host == md.local_ipv4) {
        id = v.id;
        id_from = "this instance's address " + md.local_ipv4 + " in the controllers list";
      }
  }
  NodeIdFrom from = in.node_id_from;
  if (const auto* v = src.user("node-id-from")) {
    if (v->size() != 1 || (trim(v->front()) != "ip" && trim(v->front()) != "given"))
      return bad_input("user-data: node-id-from must be \"ip\" or \"given\"");
    from = trim(v->front()) == "ip" ? NodeIdFrom::ip : NodeIdFrom::given;
  }
  if (!id && from == NodeIdFrom::ip) {
    KA_TRY(int v, node_id_from_ipv4(md.local_ipv4));
    id = v;
    id_from = "--node-id-from ip (" + md.local_ipv4 + ")";
  }
  if (!id)
    return bad_input("no node ID for this instance (" + md.instance_id + ", " + md.local_ipv4 + ")")
        .note(where_to_set(md, "node-id", "node-id", "1") + ", or run firstboot with --node-id-from ip");
  n.node_id = std::to_string(*id);
  if (!in.existing) d.notes.push_back("node ID " + n.node_id + " from " + id_from);

  // A node ID held by a controller at another address is taken (identity from the data excepted:
  // it was checked when the data was formatted).
  for (const auto& v : voters) {
    if (v.id != *id || in.existing) continue;
    bool ours = v.endpoint.host == md.local_ipv4 || !is_ipv4(v.endpoint.host);
    if (!controller || !ours)
      return bad_input("node ID " + n.node_id + " (from " + id_from + ") is already taken by controller " + std::to_string(v.id) + "@" +
                       v.endpoint.str())
          .note(controller ? "a controller's node ID and address must match its entry in the controllers list"
                           : "give this " + n.role + " a node ID no controller uses");
  }
  if (controller && !voters.empty() && n.controller_bootstrap.empty()) {
    bool listed = false;
    for (const auto& v : voters) listed = listed || v.id == *id;
    if (!listed)
      return bad_input("controller node ID " + n.node_id + " is not in the static controllers list")
          .note("a static quorum lists every controller; add " + n.node_id + "@" + md.local_ipv4 + ":9093 or use a dynamic quorum");
  }

  // Dynamic quorum: the whole initial set formats with --initial-controllers; a later controller
  // and every broker with --no-initial-controllers.
  if (!n.controller_bootstrap.empty() && !in.existing) {
    bool initial_member = false;
    for (const auto& v : voters) initial_member = initial_member || v.id == *id;
    if (controller && initial_member && !in.no_initial_controllers) {
      d.format = DynamicFormat::initial_controllers;
      d.initial_controllers = initial;
      d.notes.push_back("dynamic quorum: formats as one of the " + std::to_string(initial.size()) + " initial controllers");
    } else {
      d.format = DynamicFormat::no_initial_controllers;
      if (controller) d.notes.push_back("dynamic quorum: formats with --no-initial-controllers and joins the running quorum");
    }
  }

  // Rack and advertised address.
  if (const auto* r = src.user("rack"); r && !r->empty()) n.rack = trim(r->front());
  else if (!md.availability_zone.empty() && !zookeeper) n.rack = md.availability_zone;
  if (n.advertise.empty() && n.listeners.empty()) {
    if (n.role == "broker" || n.role == "combined") n.advertise.push_back("PLAINTEXT://" + md.local_ipv4 + ":9092");
    // A dynamic quorum's controllers advertise their controller endpoint (KIP-853).
    if (controller && !n.controller_bootstrap.empty()) {
      int port = 9093;
      for (const auto& v : voters)
        if (v.id == *id) port = v.endpoint.port;
      std::string name = n.controller_listener.empty() ? "CONTROLLER" : n.controller_listener;
      n.advertise.push_back(name + "://" + md.local_ipv4 + ":" + std::to_string(port));
    }
  }
  return d;
}

}  // namespace ka::firstboot

#include "node_options.hpp"

#include <cstdlib>
#include <filesystem>

#include "render/render.hpp"

namespace ka::cli {

namespace {

CLI::Option* find_option(const CLI::App* app, const std::string& name) {
  for (const std::string& n : {name, [&] {
         std::string d = name;
         for (auto& c : d)
           if (c == '_') c = '-';
         return d;
       }()}) {
    for (CLI::Option* o : const_cast<CLI::App*>(app)->get_options()) {
      const auto& ln = o->get_lnames();
      if (std::find(ln.begin(), ln.end(), n) != ln.end()) return o;
    }
  }
  return nullptr;
}

class FlatConfig : public CLI::ConfigBase {
 public:
  explicit FlatConfig(CLI::App* root) : root_(root) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto items = CLI::ConfigBase::from_config(input);
    std::vector<CLI::ConfigItem> out;
    for (auto& item : items) {
      if (!item.parents.empty() || item.name == "++" || item.name == "--") {
        out.push_back(item);
        continue;
      }
      CLI::Option* opt = find_option(root_, item.name);
      if (!opt) {
        for (CLI::App* sub : root_->get_subcommands()) {  // the subcommand(s) chosen on the command line
          if ((opt = find_option(sub, item.name))) {
            item.parents = {sub->get_name()};
            break;
          }
        }
      }
      if (!opt) {
        bool elsewhere = false;
        for (CLI::App* sub : root_->get_subcommands({})) elsewhere = elsewhere || find_option(sub, item.name);
        if (elsewhere) continue;  // one appliance.toml serves every command
        throw CLI::ConfigError("unknown key '" + item.name + "' in the config file: it is not a flag of kafka-appliance" +
                               (root_->get_subcommands().empty() ? std::string() : " " + root_->get_subcommands().front()->get_name()) +
                               " (see --help; keys are the long flag names, e.g. role = \"broker\")");
      }
      item.name = opt->get_lnames().front();
      const std::string& env = opt->get_envname();
      if (!env.empty()) {
        const char* v = std::getenv(env.c_str());
        if (v && *v) continue;  // the environment overrides the file
      }
      out.push_back(item);
    }
    return out;
  }

 private:
  CLI::App* root_;
};

}  // namespace

void use_flat_config(CLI::App& root) {
  if (std::dynamic_pointer_cast<FlatConfig>(root.get_config_formatter())) return;
  root.config_formatter(std::make_shared<FlatConfig>(&root));
}

namespace {
// A repeatable option that also takes a comma-separated list (--controller 1@a:9093,2@b:9093).
template <class T>
void add_list(CLI::App* sub, const std::string& name, std::vector<T>& v, const std::string& help, const std::string& group) {
  sub->add_option(name, v, help)->delimiter(',')->group(group);
}
}  // namespace

void add_node_options(CLI::App* sub, NodeInput& in) {
  const char* node = "Node";
  const char* quorum = "Quorum (KRaft or ZooKeeper)";
  const char* net = "Listeners";
  const char* tuning = "Sizing and overrides";
  sub->add_option("--role", in.role, "controller, broker, combined (broker and controller in one process) or zookeeper (3.x ensemble member)")
      ->group(node);
  sub->add_option("--node-id", in.node_id, "Node ID, unique in the cluster (broker.id in ZooKeeper mode, myid for zookeeper)")->group(node);
  sub->add_option("--cluster-id", in.cluster_id, "Cluster ID (22 base64url characters; see 'kafka-appliance cluster-id')")->group(node);
  sub->add_option("--kafka-version", in.kafka_version, "Kafka version the node runs (3.6 to 4.x)")->capture_default_str()->group(node);
  add_list(sub, "--controller", in.controllers, "Static quorum voter ID@HOST:PORT (repeatable; every controller, same list on every node)", quorum);
  add_list(sub, "--controller-bootstrap", in.controller_bootstrap, "Dynamic quorum (KIP-853, 3.9+): a controller HOST:PORT to bootstrap from (repeatable)", quorum);
  add_list(sub, "--zookeeper", in.zookeeper, "ZooKeeper-mode broker (3.x): ensemble member HOST:PORT to connect to (repeatable)", quorum);
  add_list(sub, "--zookeeper-server", in.zookeeper_servers, "ZooKeeper ensemble member ID@HOST:PEER_PORT:ELECTION_PORT (repeatable; for zookeeper nodes, and brokers without --zookeeper)", quorum);
  add_list(sub, "--listener", in.listeners, "Listener NAME://HOST:PORT to bind (repeatable; empty host = every interface)", net);
  add_list(sub, "--advertise", in.advertise, "Address NAME://HOST:PORT given to clients for listener NAME (repeatable; never 0.0.0.0)", net);
  add_list(sub, "--protocol", in.protocols, "Security protocol of a listener NAME:PROTOCOL (repeatable; default PLAINTEXT)", net);
  sub->add_option("--inter-broker-listener", in.inter_broker_listener, "Listener brokers replicate over (needed when a broker has several)")
      ->group(net);
  sub->add_option("--controller-listener", in.controller_listener, "Name of the controller listener (default CONTROLLER)")->group(net);
  sub->add_option("--memory", in.memory, "Memory of the machine the node runs on, e.g. 4G (default: this machine's); sizes the heap")
      ->group(tuning);
  sub->add_option("--broker-count", in.broker_count, "Brokers the cluster will have (default: the number of voters); sets replication defaults")
      ->group(tuning);
  sub->add_option("--rack", in.rack, "broker.rack, e.g. the availability zone")->group(tuning);
  sub->add_option("--set", in.sets, "Any property KEY=VALUE of server.properties (zookeeper.properties); wins over the defaults (repeatable)")
      ->group(tuning);
  sub->add_option("--templates", in.templates, "Directory of templates that replace the built-in ones of the same name")->group(tuning);
  add_list(sub, "--data-dir", in.data_dirs, "Partition data directory (repeatable; default /var/lib/kafka/data)", tuning);
}


}  // namespace ka::cli

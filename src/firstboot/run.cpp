#include "firstboot/run.hpp"

#include <set>

#include "install/layout.hpp"
#include "install/state.hpp"
#include "node/appcds.hpp"
#include "node/systemd.hpp"

namespace ka::firstboot {

namespace {

std::optional<std::string> first_value(const UserData& items, const std::string& key) {
  for (const auto& [k, v] : items)
    if (k == key && !v.empty()) return v.front();
  return std::nullopt;
}

Error no_marker(Error e) {
  return std::move(e).note(std::string("no ") + kDoneMarker + " was written: the next boot runs the first boot again");
}

}  // namespace

Result<FirstbootReport> run_firstboot(const FirstbootOptions& opts, Deps& deps) {
  if (!deps.metadata) return fail("internal error: firstboot was given no instance metadata source");
  const RootFs& root = deps.root;
  FirstbootReport report;
  KA_TRY(auto marker, root.read_file(kDoneMarker));
  if (marker) {
    report.already_done = true;
    return report;
  }
  auto md = deps.metadata->read();
  if (!md.ok()) return no_marker(std::move(md).error());

  // What the image was baked with: its role and Kafka version are the defaults.
  UserData image;
  KA_TRY(auto image_text, root.read_file(kImageFile));
  if (image_text) {
    auto parsed = parse_user_data(*image_text);
    if (!parsed.ok()) return no_marker(std::move(parsed).error().note("in " + std::string(kImageFile)));
    if (*parsed) image = **parsed;
  }

  FirstbootInput in;
  in.md = *md;
  in.image_role = first_value(image, "role").value_or("");
  in.node_id_from = opts.node_id_from;
  in.no_initial_controllers = opts.no_initial_controllers;
  // The data directories may be set in the user-data: decide once to learn them, then look
  // for an identity there and decide again with it.
  auto first = decide(in);
  if (!first.ok()) return no_marker(std::move(first).error());
  NodePaths paths;
  std::vector<std::string> dirs = first->node.data_dirs.empty() ? paths.data_dirs : first->node.data_dirs;
  dirs.push_back(paths.meta_dir);
  auto existing = find_existing_identity(root, dirs);
  if (!existing.ok()) return no_marker(std::move(existing).error());
  in.existing = *existing;
  auto decision = decide(in);
  if (!decision.ok()) return no_marker(std::move(decision).error());
  if (!decision->other_keys.empty())
    return no_marker(bad_input("user-data key '" + decision->other_keys.front().first + "' is not a node setting")
                         .note("firstboot takes the node's keys from the user-data (role, node-id, controller, rack, set, ...); "
                               "give install settings to bake, or write them into /etc/kafka-appliance/appliance.toml"));
  report.decision = *decision;

  BootstrapOptions b = opts.bootstrap;
  b.node = decision->node;
  bool version_given = false;
  if (md->user_data)
    if (auto ud = parse_user_data(*md->user_data); ud.ok() && *ud) version_given = first_value(**ud, "kafka-version").has_value();
  if (auto v = first_value(image, "kafka-version"); v && !version_given) b.node.kafka_version = *v;
  if (image_text) b.skip_install = true;  // the release is in the image
  b.install.kafka_version = b.node.kafka_version;
  b.dynamic = decision->format;
  b.initial_controllers = decision->initial_controllers;
  if (!decision->node_id_source.empty()) b.node_id_source = decision->node_id_source;
  if (opts.dry_run) {
    auto plan = plan_bootstrap(b, deps);
    if (!plan.ok()) return no_marker(std::move(plan).error());
    report.plan = plan_text(*plan, false);
    return report;
  }
  auto boot = run_bootstrap(b, deps);
  if (!boot.ok()) return no_marker(std::move(boot).error());
  report.bootstrap = *boot;
  {
    std::string text = "instance-id=" + md->instance_id + "\nnode-id=" + decision->node.node_id + "\ncluster-id=" +
                       decision->node.cluster_id + "\n";
    // The state directory's own mode (0700, as install and the state file make it): another mode
    // here would be undone by the next bootstrap, which would then not be a converged re-run.
    KA_TRY(auto dir_change, root.ensure_dir(install::kStateDir, 0700, Owner{}));
    (void)dir_change;
    KA_TRY(auto c, root.write_file(kDoneMarker, text, 0644, Owner{}));
    (void)c;
  }
  return report;
}

std::string firstboot_text(const FirstbootReport& r) {
  if (r.already_done) return std::string("first boot already done (") + kDoneMarker + "): nothing to do\n";
  std::string s;
  for (const auto& n : r.decision.notes) s += "firstboot: " + n + "\n";
  s += "firstboot: " + r.decision.node.role + " node " + r.decision.node.node_id +
       (r.decision.node.cluster_id.empty() ? "" : " of cluster " + r.decision.node.cluster_id) + "\n";
  s += r.plan.empty() ? bootstrap_text(r.bootstrap) : r.plan;
  return s;
}

std::string firstboot_unit() {
  return R"([Unit]
Description=kafka-appliance first boot: identity and peers from the instance metadata, then bootstrap
Wants=network-online.target
After=network-online.target
# Not Before=kafka.service: this unit waits for Kafka to be healthy, and with that order
# systemd would hold every start and every Restart= of kafka.service until this unit ended
# (a broker that crashed once during its first boot stayed down until the wait ran out).
# Once per instance: the marker is written only after the node was bootstrapped.
ConditionPathExists=!/var/lib/kafka-appliance/firstboot.done

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/bin/kafka-appliance firstboot
StandardOutput=journal
StandardError=journal
# The metadata service may come up after the network; a bounded wait, then the next boot.
TimeoutStartSec=15min

[Install]
WantedBy=multi-user.target
)";
}

Result<BakeReport> run_bake(const BakeOptions& opts, Deps& deps) {
  static const std::set<std::string> roles = {"controller", "broker", "combined", "zookeeper"};
  if (!roles.count(opts.role))
    return bad_input("bake --role '" + opts.role + "' is not a role").note("one of controller, broker, combined, zookeeper");
  RootFs root(opts.install.root);
  BakeReport report;
  auto did = [&](const std::string& what, Change c) {
    if (c != Change::unchanged) report.changes.push_back(std::string(to_string(c)) + " " + what);
  };

  // Nothing instance-specific may be baked: a formatted directory is some node's identity.
  NodePaths paths;
  std::vector<std::string> dirs = paths.data_dirs;
  dirs.push_back(paths.meta_dir);
  KA_TRY(auto identity, find_existing_identity(root, dirs));
  if (identity)
    return refuse("the image holds a node's identity: " + identity->origin)
        .note("bake an image before any node was formatted in it; remove the data directory only if it is not a node's data");
  if (opts.dry_run) {
    report.changes = {"would install Kafka " + opts.install.kafka_version + " and Java " + opts.install.java,
                      "would install /usr/local/bin/kafka-appliance", std::string("would write ") + kImageFile,
                      std::string("would enable ") + kUnitName, "would empty /etc/machine-id"};
    if (opts.role != "zookeeper")
      report.changes.push_back(std::string("would make class-data archives of Kafka and its tools under ") + kClassArchiveDir +
                               " (training runs of kafka-storage format, a start of a scratch node on loopback, and "
                               "kafka-metadata-quorum)");
    return report;
  }

  if (!opts.skip_install) {
    KA_TRY(auto ir, install::run_install(opts.install, deps));
    for (const auto& c : ir.changes) report.changes.push_back(c);
  }
  KA_TRY(auto kafka, install::load_installed(root, "kafka"));
  if (!kafka)
    return fail("no Kafka release is installed in the image").note("run bake without --skip-install, or kafka-appliance install first");
  KA_TRY(auto java, install::load_installed(root, "java"));

  // Class-data archives of the JVMs every first boot runs (format, Kafka, the health probe):
  // made once here, they cut each of those starts (docs/appcds.md). A ZooKeeper image runs none.
  if (opts.role != "zookeeper") {
    KA_TRY(auto cds, make_class_archives(root, *deps.runner));
    for (const auto& c : cds.changes) report.changes.push_back(c);
    if (!cds.skipped.empty()) report.changes.push_back("no class-data archives: " + cds.skipped);
  }

  // This very binary, so that the instance runs the tool that baked it.
  KA_TRY(auto bytes, read_named_file(opts.self_exe, "this program, to install it into the image,"));
  KA_TRY(auto c1, root.write_file("/usr/local/bin/kafka-appliance", bytes, 0755, Owner{}));
  did("/usr/local/bin/kafka-appliance", c1);

  std::string image = "# What this image was baked with (kafka-appliance bake); firstboot reads role and kafka-version.\n";
  image += "role = \"" + opts.role + "\"\n";
  image += "kafka-version = \"" + kafka->version + "\"\n";
  image += "kafka-digest = \"" + kafka->artifact_digest + "\"\n";
  if (java) {
    image += "java-version = \"" + java->version + "\"\n";
    image += "java-digest = \"" + java->artifact_digest + "\"\n";
  }
  KA_TRY(auto c2, root.write_file(kImageFile, image, 0644, Owner{}));
  did(kImageFile, c2);

  // Enabled by its .wants/ link, as `systemctl enable` would: never a live systemd in an image build.
  std::string unit = std::string("/etc/systemd/system/") + kUnitName;
  KA_TRY(auto c3, root.write_file(unit, firstboot_unit(), 0644, Owner{}));
  did(unit, c3);
  KA_TRY(auto c5, enable_offline(root, kUnitName, "multi-user.target"));
  did(std::string("link multi-user.target.wants/") + kUnitName, c5);

  // Instance-specific leftovers: the machine ID (empty: systemd makes a new one at first boot,
  // as cloud images expect), a done-marker, the download cache.
  KA_TRY(auto mid, root.read_file("/etc/machine-id"));
  if (mid && !mid->empty()) {
    KA_TRY(auto c6, root.write_file("/etc/machine-id", "", 0444, Owner{}));
    did("/etc/machine-id (emptied)", c6);
  }
  std::error_code ec;
  if (fs::remove(root.host_path(kDoneMarker), ec)) report.changes.push_back(std::string("removed ") + kDoneMarker);
  fs::path cache = root.host_path(opts.install.cache_dir);
  if (fs::exists(cache, ec)) {
    for (const auto& e : fs::directory_iterator(cache, ec)) fs::remove_all(e.path(), ec);
    if (ec) return fail("cannot clean the download cache " + opts.install.cache_dir + ": " + ec.message());
    report.changes.push_back("cleaned " + opts.install.cache_dir);
  }
  return report;
}

}  // namespace ka::firstboot

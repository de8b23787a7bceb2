// `firstboot` and `bake`: the two halves of the image workflow (docs/images.md).
//
// bake (on the image builder, or in a chroot with --root): install Kafka and Java for the
// image's role, install this binary at /usr/local/bin/kafka-appliance, write image.toml (what
// was baked), write and enable kafka-appliance-firstboot.service through its .wants/ link (never
// a live systemd), and leave nothing instance-specific (/etc/machine-id emptied, no identity,
// no formatted storage, no download cache, no done-marker).
//
// firstboot (the oneshot unit, once per instance): read the instance's metadata, find the
// identity already on the data volume, decide the node (decide.hpp), bootstrap it, and only
// then write the done-marker. A failure writes no marker, so the next boot tries again; a run
// cut short runs again and converges (bootstrap is idempotent).
#pragma once
#include <string>

#include "cloud/metadata.hpp"
#include "core/process.hpp"
#include "firstboot/decide.hpp"
#include "install/install.hpp"
#include "node/bootstrap.hpp"
#include "node/plan.hpp"

namespace ka::firstboot {

inline constexpr const char* kDoneMarker = "/var/lib/kafka-appliance/firstboot.done";
inline constexpr const char* kImageFile = "/etc/kafka-appliance/image.toml";
inline constexpr const char* kUnitName = "kafka-appliance-firstboot.service";

struct FirstbootOptions {
  NodeIdFrom node_id_from = NodeIdFrom::given;
  bool no_initial_controllers = false;
  // install options, no_start, wait; the node and format mode come from decide().
  BootstrapOptions bootstrap;
  bool dry_run = false;  // decide and print bootstrap's plan; change nothing, write no marker
};

struct FirstbootReport {
  bool already_done = false;  // the marker was there: nothing was done
  FirstbootDecision decision;
  BootstrapReport bootstrap;
  std::string plan;  // with dry_run: the plan bootstrap would carry out
};

// The instance metadata comes from deps.metadata (required).
Result<FirstbootReport> run_firstboot(const FirstbootOptions& opts, Deps& deps);
std::string firstboot_text(const FirstbootReport& r);

struct BakeOptions {
  std::string role;  // controller, broker, combined, zookeeper
  install::InstallOptions install;  // root, versions, sources
  bool skip_install = false;        // Kafka and Java are already in the image
  std::string self_exe = "/proc/self/exe";
  bool dry_run = false;
};

struct BakeReport {
  std::vector<std::string> changes;
};

// Installs with deps.runner, deps.http and deps.progress.
Result<BakeReport> run_bake(const BakeOptions& opts, Deps& deps);

// The unit bake installs: oneshot, after the network is up, before Kafka or ZooKeeper, and run
// until it has succeeded once (the marker).
std::string firstboot_unit();

}  // namespace ka::firstboot

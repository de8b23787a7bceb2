// `firstboot` and `bake`: the image workflow (docs/images.md). Thin: flags into the options of
// src/firstboot/run.hpp; the metadata source is EC2's IMDSv2 (--imds-endpoint for tests).
#include <cstdio>

#include "app.hpp"
#include "cloud/imds.hpp"
#include "cloud/user_data_file.hpp"
#include "firstboot/run.hpp"
#include "bootstrap_options.hpp"

namespace ka::cli {

namespace {

// The instance metadata service, or the user-data file with the address given beside it.
Result<std::unique_ptr<cloud::MetadataSource>> metadata_source(const cloud::ImdsSettings& imds, const std::string& user_data_file,
                                                               const std::string& local_ipv4, const RootFs& root) {
  if (user_data_file.empty()) {
    if (!local_ipv4.empty())
      return bad_input("--local-ipv4 is for --user-data").note("with the instance metadata service the address is its local-ipv4");
    return cloud::make_imds_source(imds);
  }
  if (local_ipv4.empty())
    return bad_input("firstboot --user-data " + user_data_file + " needs --local-ipv4 ADDRESS")
        .note("the address this machine's peers reach it at: there is no instance metadata to read it from");
  KA_TRY(auto mid, root.read_file("/etc/machine-id"));
  return std::unique_ptr<cloud::MetadataSource>(
      std::make_unique<cloud::UserDataFileSource>(user_data_file, local_ipv4, trim(mid.value_or(""))));
}

}  // namespace

void register_firstboot(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("firstboot",
                                 "First boot of a baked image: identity and peers from the instance metadata, then bootstrap");
  sub->fallthrough();
  sub->footer(R"(Run once per instance by kafka-appliance-firstboot.service. Reads the kafka-appliance:*
instance tags (the launch template needs InstanceMetadataTags=enabled) and the user-data (the
keys of appliance.toml). A node whose data volume holds meta.properties keeps that identity.
On failure no marker is written and the next boot tries again.)");
  struct Flags {
    firstboot::FirstbootOptions opts;
    cloud::ImdsSettings imds;
    std::string user_data_file, local_ipv4;
    std::string node_id_from = "given";
    StartFlags start;
  };
  auto f = std::make_shared<Flags>();
  const char* id = "Identity";
  sub->add_option("--imds-endpoint", f->imds.endpoint, "Instance metadata service URL")->capture_default_str()->group(id);
  sub->add_flag("--imds-v1", f->imds.allow_v1, "Allow IMDSv1 (no token) when no IMDSv2 token can be had")->group(id);
  sub->add_option("--user-data", f->user_data_file,
                  "No instance metadata service (Vagrant, on premises): the user-data is this file, with every setting")
      ->check(CLI::ExistingFile)
      ->group(id);
  sub->add_option("--local-ipv4", f->local_ipv4, "With --user-data: the address this machine's peers reach it at")
      ->check(CLI::ValidIPV4)
      ->group(id);
  sub->add_option("--node-id-from", f->node_id_from, "given (tag or user-data) or ip (256 * third octet + fourth of local-ipv4)")
      ->check(CLI::IsMember({"given", "ip"}))
      ->capture_default_str()
      ->group(id);
  sub->add_flag("--no-initial-controllers", f->opts.no_initial_controllers,
                "Dynamic quorum: this controller joins a running quorum instead of forming the initial one")
      ->group(id);
  // The Kafka version is the image's or the user-data's: no --kafka-version here.
  add_release_options(sub, f->opts.bootstrap.install, f->opts.bootstrap.skip_install, /*with_kafka_version=*/false);
  add_start_options(sub, f->start, "Start");
  sub->callback([&ctx, f] {
    ctx.run = [&ctx, f]() -> Status {
      auto o = f->opts;
      const auto& g = ctx.global;
      o.node_id_from = f->node_id_from == "ip" ? firstboot::NodeIdFrom::ip : firstboot::NodeIdFrom::given;
      o.dry_run = g.dry_run;
      finish_start_options(f->start, o.bootstrap);
      install_options_from_globals(g, o.bootstrap.install);
      KA_TRY(auto source, metadata_source(f->imds, f->user_data_file, f->local_ipv4, ctx.deps.root));
      ctx.deps.metadata = source.get();
      KA_TRY(auto r, firstboot::run_firstboot(o, ctx.deps));
      if (!g.quiet) std::fputs(firstboot::firstboot_text(r).c_str(), stdout);
      return ok_status();
    };
  });
}

void register_bake(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("bake", "Build an appliance image: install Kafka and Java, enable the first-boot unit, no identity");
  sub->fallthrough();
  sub->footer(R"(Run by Packer on the image builder (packer/), or in a chroot with --root. Never starts or
enables anything through a live systemd; empties /etc/machine-id and cleans the download cache.)");
  auto o = std::make_shared<firstboot::BakeOptions>();
  sub->add_option("--role", o->role, "controller, broker, combined or zookeeper")->required();
  add_release_options(sub, o->install, o->skip_install, /*with_kafka_version=*/true);
  sub->callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Status {
      auto opts = *o;
      install_options_from_globals(ctx.global, opts.install);
      opts.dry_run = ctx.global.dry_run;
      KA_TRY(auto r, firstboot::run_bake(opts, ctx.deps));
      if (!ctx.global.quiet)
        for (const auto& c : r.changes) std::printf("bake: %s\n", c.c_str());
      return ok_status();
    };
  });
}

}  // namespace ka::cli

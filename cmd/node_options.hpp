// The flags that describe one node (role, IDs, quorum, listeners, sizing), shared by every
// command that renders a node: render now, plan and bootstrap later. Each flag is also a flat
// key of the TOML config file and a KAFKA_APPLIANCE_* environment variable.
#pragma once
#include <CLI/CLI.hpp>

#include "app.hpp"
#include "render/node_spec.hpp"

namespace ka::cli {

// Adds the node flags to a subcommand, bound to `in` (which must outlive parsing).
void add_node_options(CLI::App* sub, NodeInput& in);


// Makes the config file flat, as in k3s: a top-level key names a flag of the root app or of the
// chosen subcommand (`role = "broker"` works for render, plan and bootstrap alike), a key that
// belongs to another subcommand is ignored, and any other key is an error. `[render]` sections
// still work. An environment variable wins over the file (CLI11 alone lets the file win).
// Idempotent; called by every command that adds node options.
void use_flat_config(CLI::App& root);

}  // namespace ka::cli

// The built-in default of `bootstrap` with no node flags: a single-node combined Kafka on this
// machine (KRaft, node 1, its own one-voter quorum), advertised on the machine's primary
// address. The cluster ID is made once and kept in state.json, so a re-run converges.
#pragma once
#include <string>

#include "core/fs.hpp"
#include "core/result.hpp"
#include "render/node_spec.hpp"

namespace ka {

// True when no flag or config key says anything about the node's identity or quorum.
bool is_default_node(const NodeInput& in);

// Fills `in` for a single combined node; `address` is what clients are told (the primary IPv4
// address of this machine when empty).
Status apply_single_node_defaults(NodeInput& in, const RootFs& root, std::string address = "");

// The source address the kernel would use to reach the outside (no packet is sent), or
// 127.0.0.1 when the machine has no route.
std::string primary_ipv4();

}  // namespace ka

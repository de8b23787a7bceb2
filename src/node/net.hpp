// Network probes for health checks: TCP connect and ZooKeeper's four-letter words. Names are
// resolved with c-ares and /etc/hosts, never getaddrinfo (a static glibc binary must not load
// NSS modules).
#pragma once
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace ka {

// IPv4/IPv6 addresses of `host` (a literal, a name in /etc/hosts, or a DNS name via c-ares).
Result<std::vector<std::string>> resolve_host(const std::string& host, std::chrono::milliseconds timeout);

// "host:port" or "[v6]:port" -> (host, port); `what` names the input in the error.
Result<std::pair<std::string, int>> split_hp(const std::string& s, const std::string& what);

// A connected, blocking TCP socket to host:port (the first of its addresses that answers
// within `timeout`); the caller closes it.
Result<int> connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout);

// Connects to host:port and closes again: "is something listening?".
Status tcp_probe(const std::string& host, int port, std::chrono::milliseconds timeout);

// `n` distinct TCP ports of 127.0.0.1 that nothing listened on a moment ago (bound to port 0
// together, then released): for a scratch server that must not collide with this host's own.
Result<std::vector<int>> free_loopback_ports(int n);

// Sends a ZooKeeper four-letter word ("ruok", "srvr", "mntr") and returns the reply.
Result<std::string> zk_four_letter(const std::string& host, int port, const std::string& word,
                                   std::chrono::milliseconds timeout);

// "Mode: leader" -> "leader" from a `srvr` reply; empty when absent.
std::string zk_mode_from_srvr(const std::string& srvr);

}  // namespace ka

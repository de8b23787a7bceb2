#include "node/net.hpp"

#include "core/number.hpp"

#include <arpa/inet.h>
#include <ares.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/fs.hpp"

namespace ka {

namespace {

bool is_literal(const std::string& host) {
  in6_addr a6{};
  in_addr a4{};
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

std::vector<std::string> from_etc_hosts(const std::string& host) {
  std::vector<std::string> out;
  std::ifstream in("/etc/hosts");
  std::string line;
  while (std::getline(in, line)) {
    auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream ss(line);
    std::string addr, name;
    if (!(ss >> addr)) continue;
    while (ss >> name)
      if (name == host) out.push_back(addr);
  }
  return out;
}

struct AresResult {
  std::vector<std::string> addrs;
  int status = ARES_SUCCESS;
};

void on_addrinfo(void* arg, int status, int, ares_addrinfo* res) {
  auto* r = static_cast<AresResult*>(arg);
  r->status = status;
  if (status != ARES_SUCCESS || !res) return;
  for (auto* n = res->nodes; n; n = n->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (n->ai_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(n->ai_addr)->sin_addr, buf, sizeof buf);
    else if (n->ai_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(n->ai_addr)->sin6_addr, buf, sizeof buf);
    if (buf[0]) r->addrs.emplace_back(buf);
  }
  ares_freeaddrinfo(res);
}

}  // namespace

Result<int> connect_tcp(const std::string& host, int port, std::chrono::milliseconds timeout) {
  KA_TRY(auto addrs, resolve_host(host, timeout));
  std::string last = "no address";
  for (const auto& a : addrs) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    int family = AF_INET;
    if (inet_pton(AF_INET, a.c_str(), &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr) == 1) {
      auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
      s4->sin_family = AF_INET;
      s4->sin_port = htons(static_cast<uint16_t>(port));
      len = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, a.c_str(), &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr) == 1) {
      auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
      s6->sin6_family = AF_INET6;
      s6->sin6_port = htons(static_cast<uint16_t>(port));
      family = AF_INET6;
      len = sizeof(sockaddr_in6);
    } else {
      continue;
    }
    int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return fail("cannot create a socket: " + errno_text(errno));
    int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&ss), len);
    if (rc != 0 && errno != EINPROGRESS) {
      last = errno_text(errno);
      ::close(fd);
      continue;
    }
    if (rc != 0) {
      pollfd p{fd, POLLOUT, 0};
      rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
      if (rc <= 0) {
        last = rc == 0 ? "timed out" : errno_text(errno);
        ::close(fd);
        continue;
      }
      int err = 0;
      socklen_t el = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
      if (err != 0) {
        last = errno_text(err);
        ::close(fd);
        continue;
      }
    }
    int flags = ::fcntl(fd, F_GETFL);
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    return fd;
  }
  return fail(host + ":" + std::to_string(port) + ": " + last);
}


Result<std::vector<int>> free_loopback_ports(int n) {
  std::vector<int> fds, ports;
  auto close_all = [&] {
    for (int fd : fds) ::close(fd);
  };
  for (int i = 0; i < n; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      close_all();
      return fail("cannot create a socket: " + errno_text(errno));
    }
    fds.push_back(fd);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      int e = errno;
      close_all();
      return fail("cannot bind a port of 127.0.0.1: " + errno_text(e)).note("is the loopback interface up?");
    }
    ports.push_back(ntohs(a.sin_port));
  }
  close_all();
  return ports;
}

Result<std::vector<std::string>> resolve_host(const std::string& host, std::chrono::milliseconds timeout) {
  if (host.empty()) return bad_input("empty host name");
  if (is_literal(host)) return std::vector<std::string>{host};
  if (host == "localhost") return std::vector<std::string>{"127.0.0.1"};
  auto local = from_etc_hosts(host);
  if (!local.empty()) return local;
  static bool inited = ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
  if (!inited) return fail("cannot initialise the c-ares resolver");
  ares_channel ch = nullptr;
  if (ares_init(&ch) != ARES_SUCCESS) return fail("cannot initialise the c-ares resolver (read /etc/resolv.conf?)");
  AresResult r;
  ares_addrinfo_hints hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  ares_getaddrinfo(ch, host.c_str(), nullptr, &hints, on_addrinfo, &r);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    int n = ares_fds(ch, &rd, &wr);
    if (n == 0) break;
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ares_cancel(ch);
      break;
    }
    timeval tv{static_cast<time_t>(left.count() / 1000000), static_cast<suseconds_t>(left.count() % 1000000)};
    ::select(n, &rd, &wr, nullptr, &tv);
    ares_process(ch, &rd, &wr);
  }
  ares_destroy(ch);
  if (r.addrs.empty())
    return fail("cannot resolve host name '" + host + "': " + ares_strerror(r.status))
        .note("check the name, /etc/hosts and /etc/resolv.conf");
  return r.addrs;
}

Status tcp_probe(const std::string& host, int port, std::chrono::milliseconds timeout) {
  KA_TRY(int fd, connect_tcp(host, port, timeout));
  ::close(fd);
  return ok_status();
}

Result<std::string> zk_four_letter(const std::string& host, int port, const std::string& word,
                                   std::chrono::milliseconds timeout) {
  KA_TRY(int fd, connect_tcp(host, port, timeout));
  timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::send(fd, word.data(), word.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(word.size())) {
    ::close(fd);
    return fail("ZooKeeper at " + host + ":" + std::to_string(port) + ": cannot send '" + word + "'");
  }
  std::string reply;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      reply.append(buf, static_cast<size_t>(n));
      if (reply.size() > (1 << 20)) break;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  ::close(fd);
  if (reply.empty())
    return fail("ZooKeeper at " + host + ":" + std::to_string(port) + " sent no reply to '" + word + "'")
        .note("is '" + word + "' in 4lw.commands.whitelist?");
  return reply;
}

std::string zk_mode_from_srvr(const std::string& srvr) {
  std::istringstream in(srvr);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Mode:", 0) == 0) {
      auto v = line.substr(5);
      auto b = v.find_first_not_of(' ');
      auto e = v.find_last_not_of(" \r");
      return b == std::string::npos ? "" : v.substr(b, e - b + 1);
    }
  }
  return "";
}

Result<std::pair<std::string, int>> split_hp(const std::string& s, const std::string& what) {
  auto c = s.rfind(':');
  if (c == std::string::npos) return bad_input(what + ": '" + s + "' is not HOST:PORT");
  std::string h = s.substr(0, c);
  if (h.size() >= 2 && h.front() == '[') h = h.substr(1, h.size() - 2);
  KA_TRY(auto port, parse_number<uint16_t>(s.substr(c + 1), what + " (" + s + ")"));
  return std::pair<std::string, int>{h, port};
}

}  // namespace ka

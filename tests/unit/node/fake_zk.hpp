// A test double of a ZooKeeper server's four-letter-word port: a one-shot loopback listener
// that reads the 4-byte word and answers with a fixed reply (no ZooKeeper in unit tests; the
// integration and cluster tiers use the real ZooKeeper 3.8).
#pragma once
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace {
struct FakeZkSocket {
  int fd = -1;
  int port = 0;
  std::thread t;
  explicit FakeZkSocket(std::string reply) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t l = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
    port = ntohs(a.sin_port);
    ::listen(fd, 1);
    t = std::thread([this, reply] {
      int c = ::accept(fd, nullptr, nullptr);
      char buf[4];
      size_t got = 0;
      while (got < 4) {
        auto n = ::recv(c, buf + got, 4 - got, 0);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      (void)!::send(c, reply.data(), reply.size(), 0);
      ::close(c);
    });
  }
  ~FakeZkSocket() {
    t.join();
    ::close(fd);
  }
};
}  // namespace

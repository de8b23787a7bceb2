#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "node/net.hpp"

using namespace ka;
using namespace std::chrono_literals;

#include "fake_zk.hpp"

TEST_CASE("four-letter words get their reply; srvr gives the mode") {
  FakeZkSocket s("Zookeeper version: 3.8.0\nLatency min/avg/max: 0/0.0/0\nMode: follower\nNode count: 5\n");
  auto r = zk_four_letter("127.0.0.1", s.port, "srvr", 2000ms);
  REQUIRE(r.ok());
  CHECK(zk_mode_from_srvr(*r) == "follower");
}

TEST_CASE("a closed port is a clear failure naming host and port") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t l = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
  int port = ntohs(a.sin_port);
  ::close(fd);  // nobody listens there now
  auto st = tcp_probe("127.0.0.1", port, 500ms);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().message.find("127.0.0.1:" + std::to_string(port)) != std::string::npos);
}

TEST_CASE("literals and localhost resolve without DNS") {
  CHECK(resolve_host("10.0.0.1", 100ms).value() == std::vector<std::string>{"10.0.0.1"});
  CHECK(resolve_host("::1", 100ms).value() == std::vector<std::string>{"::1"});
  CHECK(resolve_host("localhost", 100ms).value() == std::vector<std::string>{"127.0.0.1"});
  CHECK_FALSE(resolve_host("", 100ms).ok());
}

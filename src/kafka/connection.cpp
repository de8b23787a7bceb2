#include "kafka/connection.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ka::kafka {

namespace {

class TcpTransport final : public Transport {
 public:
  TcpTransport(int fd, HostPort peer, Env env) : fd_(fd), peer_(std::move(peer)), env_(std::move(env)) {}
  ~TcpTransport() override { ::close(fd_); }
  TcpTransport(const TcpTransport&) = delete;
  TcpTransport& operator=(const TcpTransport&) = delete;

  Status write_all(const uint8_t* data, size_t n, Clock::time_point deadline) override {
    while (n > 0) {
      KA_TRY_STATUS(wait(POLLOUT, deadline, "sending to"));
      ssize_t w = ::send(fd_, data, n, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (w < 0) return fail(peer_.str() + ": send: " + std::strerror(errno));
      data += w;
      n -= static_cast<size_t>(w);
    }
    return ok_status();
  }

  Status read_exact(uint8_t* data, size_t n, Clock::time_point deadline) override {
    while (n > 0) {
      KA_TRY_STATUS(wait(POLLIN, deadline, "waiting for an answer from"));
      ssize_t r = ::recv(fd_, data, n, MSG_DONTWAIT);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (r < 0) return fail(peer_.str() + ": recv: " + std::strerror(errno));
      if (r == 0) return fail(peer_.str() + " closed the connection")
                      .note("a Kafka listener closes a connection on a request it cannot parse or an unauthenticated one (TLS or SASL listener?)");
      data += r;
      n -= static_cast<size_t>(r);
    }
    return ok_status();
  }

 private:
  Status wait(short events, Clock::time_point deadline, const char* doing) {
    auto ms = left(env_, deadline);
    pollfd p{fd_, events, 0};
    int rc = ::poll(&p, 1, static_cast<int>(ms.count()));
    if (rc == 0) return fail("timed out " + std::string(doing) + " " + peer_.str());
    if (rc < 0 && errno != EINTR) return fail(peer_.str() + ": poll: " + std::strerror(errno));
    return ok_status();
  }
  int fd_;
  HostPort peer_;
  Env env_;
};

}  // namespace

Result<std::unique_ptr<Transport>> tcp_connect(const HostPort& where, const Env& env, Clock::time_point deadline) {
  if (!env.connect) return fail("no TCP connector configured for the Kafka client");
  KA_TRY(int fd, env.connect(where.host, where.port, left(env, deadline)));
  return std::unique_ptr<Transport>(std::make_unique<TcpTransport>(fd, where, env));
}

Result<Connection> Connection::open(const HostPort& where, const Env& env, Clock::time_point deadline) {
  KA_TRY(auto t, tcp_connect(where, env, deadline));
  Connection c(std::move(t), where, env);
  int16_t v = kApiVersionsMax;
  for (int attempt = 0; attempt < 2; ++attempt) {
    KA_TRY(auto body, c.call(kApiVersions, v, encode_api_versions_request(v), deadline));
    KA_TRY(auto r, decode_api_versions_response(body, v));
    if (r.error_code == kUnsupportedVersion && r.apis.count(kApiVersions)) {
      v = std::min(v, r.apis[kApiVersions].max);  // answered in v0 with the versions it speaks
      continue;
    }
    if (r.error_code != kNone) return fail(where.str() + ": ApiVersions failed: " + error_name(r.error_code));
    c.versions_ = std::move(r);
    return c;
  }
  return fail(where.str() + ": no ApiVersions version in common");
}

Result<Bytes> Connection::call(int16_t api_key, int16_t version, const Bytes& body, Clock::time_point deadline) {
  int32_t id = next_id_++;
  auto req = frame_request(api_key, version, id, "kafka-appliance", body);
  KA_TRY_STATUS(t_->write_all(req.data(), req.size(), deadline));
  uint8_t len[4];
  KA_TRY_STATUS(t_->read_exact(len, 4, deadline));
  uint32_t n = (uint32_t{len[0]} << 24) | (uint32_t{len[1]} << 16) | (uint32_t{len[2]} << 8) | len[3];
  if (n > kMaxFrame) return fail(peer_.str() + " announced a response of " + std::to_string(n) + " bytes (limit " + std::to_string(kMaxFrame) + ")");
  Bytes frame(n);
  KA_TRY_STATUS(t_->read_exact(frame.data(), n, deadline));
  KA_TRY(size_t off, response_body_offset(frame, api_key, id));
  return Bytes(frame.begin() + static_cast<long>(off), frame.end());
}

}  // namespace ka::kafka

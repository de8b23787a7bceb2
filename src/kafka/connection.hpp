// One connection to a Kafka listener (a broker's or a controller's) speaking the native protocol:
// length-framed requests over a byte stream, an ApiVersions exchange first so that each request
// goes at the highest version both sides speak. The stream is a Transport, so TLS (OpenSSL) can
// replace plain TCP without touching the codecs.
#pragma once
#include <memory>

#include "kafka/env.hpp"
#include "kafka/messages.hpp"

namespace ka::kafka {

class Transport {
 public:
  virtual ~Transport() = default;
  virtual Status write_all(const uint8_t* data, size_t n, Clock::time_point deadline) = 0;
  virtual Status read_exact(uint8_t* data, size_t n, Clock::time_point deadline) = 0;
};

// Plain TCP (non-blocking, every wait bounded by the deadline).
Result<std::unique_ptr<Transport>> tcp_connect(const HostPort& where, const Env& env, Clock::time_point deadline);

class Connection {
 public:
  // Connects and asks ApiVersions (the highest version the peer takes, down to v0).
  static Result<Connection> open(const HostPort& where, const Env& env, Clock::time_point deadline);
  // Sends one request and returns its response body (header checked and stripped).
  Result<Bytes> call(int16_t api_key, int16_t version, const Bytes& body, Clock::time_point deadline);
  const ApiVersionsResponse& versions() const { return versions_; }
  const HostPort& peer() const { return peer_; }

 private:
  Connection(std::unique_ptr<Transport> t, HostPort peer, Env env) : t_(std::move(t)), peer_(std::move(peer)), env_(std::move(env)) {}
  std::unique_ptr<Transport> t_;
  HostPort peer_;
  Env env_;
  ApiVersionsResponse versions_;
  int32_t next_id_ = 1;
};

// Hard limit on a response frame: DescribeQuorum of thousands of observers stays far below.
inline constexpr uint32_t kMaxFrame = 64u << 20;

}  // namespace ka::kafka

// EC2 instance metadata over IMDSv2: PUT /latest/api/token with the TTL header, then every GET
// with the token. IMDSv1 (GETs without a token) only when the caller allows it. Short timeouts
// and a bounded number of tries, since a first boot must fail fast and say why rather than hang
// the boot: the unit runs again at the next boot.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cloud/metadata.hpp"

namespace ka::cloud {

// One HTTP exchange, as the client needs it (tests substitute a recording fake).
struct ImdsRequest {
  std::string method;  // PUT or GET
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
};
struct ImdsReply {
  long status = 0;            // 0: no answer
  std::string body;
  std::string transport_error;  // "Connection refused", "Operation timed out after 1000 ms"
  bool timed_out = false;
};
class ImdsTransport {
 public:
  virtual ~ImdsTransport() = default;
  virtual ImdsReply send(const ImdsRequest& req) = 0;
};

inline constexpr const char* kDefaultImdsEndpoint = "http://169.254.169.254";
inline constexpr const char* kTokenTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";
inline constexpr const char* kTokenHeader = "X-aws-ec2-metadata-token";

struct ImdsSettings {
  std::string endpoint = kDefaultImdsEndpoint;  // --imds-endpoint
  bool allow_v1 = false;                        // --imds-v1
  int token_ttl_seconds = 300;  // the token lives only as long as the first boot needs it
  long connect_timeout_ms = 1000;
  long timeout_ms = 2000;
  int attempts = 3;  // per request, for no answer and 5xx
  std::chrono::milliseconds backoff{250};  // doubled after each failed try
};

// libcurl, plain HTTP only (the link-local service has no TLS), never a proxy: the metadata
// service must be reached directly, whatever http_proxy says.
std::unique_ptr<ImdsTransport> make_curl_imds_transport(const ImdsSettings& s);

using SleepFn = std::function<void(std::chrono::milliseconds)>;

class ImdsClient {
 public:
  ImdsClient(ImdsSettings s, ImdsTransport& t, SleepFn sleep = {});

  // The value at `path` under /latest/ ("meta-data/local-ipv4"); nullopt when the service says
  // 404. Any other failure is an error naming the endpoint and the way out.
  Result<std::optional<std::string>> get(const std::string& path);

 private:
  Status ensure_token(bool renew);
  ImdsReply send_with_retries(const ImdsRequest& req);
  Error unreachable(const ImdsRequest& req, const ImdsReply& r) const;

  ImdsSettings s_;
  ImdsTransport& t_;
  SleepFn sleep_;
  std::string token_;
  bool v1_ = false;  // the token PUT failed and IMDSv1 is allowed: GET without a token
};

// Reads everything first boot needs: instance-id and local-ipv4 (required), the availability
// zone, the kafka-appliance:* tags and user-data (each may be absent).
Result<InstanceMetadata> read_instance_metadata(ImdsClient& client, const std::string& source);

// The production MetadataSource: IMDS over libcurl with the given settings.
std::unique_ptr<MetadataSource> make_imds_source(const ImdsSettings& s);

// "a, b\nc/\n" -> {"a, b", "c/"}: an IMDS listing, one entry a line.
std::vector<std::string> parse_listing(const std::string& body);

// A tag key as a path segment: tag keys hold letters, digits and "+ - = . , _ : @" (and spaces
// in EC2 in general); only what is not allowed bare in a URL path is percent-encoded.
std::string tag_path_segment(const std::string& key);

}  // namespace ka::cloud

// One GET at a time through a small interface, so the download logic (retries, resume, source
// order) is tested against a real local HTTPS server and the tool talks to the ASF with the
// same code. `file://` URLs (--artifacts-dir) go through the same interface.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace ka::fetch {

struct HttpGet {
  std::string url;
  uint64_t offset = 0;  // > 0: ask for the bytes from here on (Range: bytes=offset-)
};

struct HttpReply {
  long status = 0;             // the final HTTP status (after redirects); 0 = no answer
  bool transport_failed = false;
  bool transport_retryable = false;  // a timeout or a dropped connection, worth another try
  std::string transport_error;       // "connection refused", "operation timed out after ..."
  std::string retry_after;           // the Retry-After header of the final answer, if any
  // The body callback refused the bytes (disk full, a consumer's error) or no CA bundle: not
  // the network's fault, so neither retried nor tried elsewhere.
  std::optional<Error> fatal;
};

// Receives the body of a 2xx answer (never an error page), with the status so the caller can
// tell a 206 continuation from a 200 that restarted at byte 0.
using BodyFn = std::function<Status(long status, const unsigned char* data, size_t n)>;

class Http {
 public:
  virtual ~Http() = default;
  virtual HttpReply get(const HttpGet& req, const BodyFn& on_body) = 0;
};

struct HttpSettings {
  std::string cacert;             // empty: SSL_CERT_FILE, then the distributions' bundle paths
  long connect_timeout_s = 20;
  long stall_timeout_s = 30;      // abort when under 1 KiB/s for this long
  std::string user_agent = "kafka-appliance";
};

// The CA bundle to trust: `explicit_file` (--cacert), then $SSL_CERT_FILE, then the first
// that exists of Debian/Ubuntu, RHEL/Amazon Linux/Fedora and SUSE paths. Error when none.
Result<std::string> find_ca_bundle(const std::string& explicit_file);

// libcurl for http(s)://, plain file reads for file://. https_proxy/no_proxy are honoured
// (libcurl reads them from the environment); names resolve through c-ares, never getaddrinfo.
// The CA bundle is looked up at the first https:// request, so offline use needs none.
std::unique_ptr<Http> make_http(const HttpSettings& s);

}  // namespace ka::fetch

#include "fetch/http.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/fs.hpp"
#include "core/text.hpp"
#include "fetch/url.hpp"

namespace ka::fetch {

Result<std::string> find_ca_bundle(const std::string& explicit_file) {
  std::error_code ec;
  if (!explicit_file.empty()) {
    if (std::filesystem::is_regular_file(explicit_file, ec)) return explicit_file;
    return bad_input("--cacert " + explicit_file + ": no such file").note("name a PEM file of CA certificates");
  }
  if (const char* env = std::getenv("SSL_CERT_FILE"); env && *env) {
    if (std::filesystem::is_regular_file(env, ec)) return std::string(env);
    return bad_input(std::string("SSL_CERT_FILE=") + env + ": no such file").note("unset it or point it at a PEM bundle");
  }
  static const char* candidates[] = {
      "/etc/ssl/certs/ca-certificates.crt",                 // Debian, Ubuntu, Alpine
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // RHEL 8+, Amazon Linux 2023, Fedora
      "/etc/pki/tls/certs/ca-bundle.crt",                   // RHEL, CentOS, Amazon Linux 2
      "/etc/ssl/ca-bundle.pem",                             // SUSE
      "/etc/ssl/cert.pem",                                  // others
  };
  for (const char* c : candidates)
    if (std::filesystem::is_regular_file(c, ec)) return std::string(c);
  return fail("no CA certificate bundle found")
      .note("install ca-certificates, or pass --cacert FILE (or set SSL_CERT_FILE)");
}

namespace {

struct Transfer {
  CURL* curl = nullptr;
  const BodyFn* on_body = nullptr;
  HttpReply* reply = nullptr;
  bool https_only = false;   // the request was https://: every hop must stay https://
  std::string downgrade;     // the plain-http URL a redirect tried to take us to
};

bool is_https(const std::string& url) {
  if (url.size() < 8) return false;
  std::string scheme = url.substr(0, 8);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "https://";
}

// The explicit check behind CURLOPT_REDIR_PROTOCOLS_STR: the answer we are reading must come
// from an https:// URL when the request was one.
bool left_tls(Transfer* t) {
  if (!t->https_only) return false;
  char* eff = nullptr;
  curl_easy_getinfo(t->curl, CURLINFO_EFFECTIVE_URL, &eff);
  if (eff && !is_https(eff)) {
    t->downgrade = eff;
    return true;
  }
  return false;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  // A new status line starts a new answer (redirects, 100-continue): forget the old headers.
  if (line.rfind("HTTP/", 0) == 0) {
    t->reply->retry_after.clear();
    if (left_tls(t)) return 0;  // aborts the transfer
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "retry-after") t->reply->retry_after = trim(line.substr(colon + 1));
    // Stop at the Location itself: libcurl would refuse the hop too (REDIR_PROTOCOLS), but only
    // as "unsupported protocol", without saying a downgrade was attempted.
    long status = 0;
    if (name == "location" && t->https_only && curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
        status >= 300 && status <= 399) {
      std::string to = trim(line.substr(colon + 1)), scheme = to.substr(0, 7);
      for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (scheme == "http://") {
        t->downgrade = to;
        return 0;  // aborts the transfer
      }
    }
  }
  return size * n;
}

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) return size * n;  // an error page: not artifact bytes
  if (left_tls(t)) return CURL_WRITEFUNC_ERROR;
  Status st = (*t->on_body)(status, reinterpret_cast<const unsigned char*>(data), size * n);
  if (!st.ok()) {
    t->reply->fatal = st.error();
    return CURL_WRITEFUNC_ERROR;
  }
  return size * n;
}

bool retryable_curl(CURLcode c) {
  switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:  // includes a TLS session cut mid-handshake
      return true;
    default:
      return false;  // refused, unresolvable, certificate problems: another try will not help
  }
}

class CurlHttp final : public Http {
 public:
  explicit CurlHttp(HttpSettings s) : s_(std::move(s)) {}

  HttpReply get(const HttpGet& req, const BodyFn& on_body) override {
    if (req.url.rfind("file://", 0) == 0) return get_file(req, on_body);
    HttpReply reply;
    if (auto st = start(); !st.ok()) {
      reply.fatal = st.error();
      return reply;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
      reply.transport_failed = true;
      reply.transport_error = "libcurl could not start a transfer";
      return reply;
    }
    const bool https = is_https(req.url);
    Transfer t{curl.get(), &on_body, &reply, https, {}};
    char errbuf[CURL_ERROR_SIZE] = {0};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    // An https:// download never follows a redirect to plain http (a downgrade anyone on the
    // path could answer); an http:// one (a --mirror the user named) may move up to https.
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "https,http");
    curl_easy_setopt(c, CURLOPT_CAINFO, cacert_.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s_.connect_timeout_s);
    // A stalled server: under 1 KiB/s for stall_timeout_s seconds ends the try (then resume).
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, s_.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_USERAGENT, s_.user_agent.c_str());
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    // 512 KiB per write callback instead of 16 KiB: fewer hops through hashing, the .part
    // file and the extractor's queue for a 100 MB release.
    curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024L);
    // Compressed transfer would change the bytes we hash: ask for identity.
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, nullptr);
    // CURLOPT_RANGE rather than RESUME_FROM: a server that ignores Range and answers 200 must
    // not be an error; the caller skips the bytes it already has.
    std::string range;
    if (req.offset > 0) {
      range = std::to_string(req.offset) + "-";
      curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    reply.status = status;
    if (https && t.downgrade.empty() && rc == CURLE_UNSUPPORTED_PROTOCOL) {
      char* next = nullptr;
      curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &next);
      if (next && !is_https(next)) t.downgrade = next;
    }
    if (!t.downgrade.empty() && !reply.fatal) {
      reply.transport_failed = true;
      reply.transport_retryable = false;
      reply.transport_error = "refused a redirect from https to " + redact_url(t.downgrade) +
                              ": a download never leaves TLS";
      return reply;
    }
    if (rc != CURLE_OK && !reply.fatal) {
      reply.transport_failed = true;
      reply.transport_retryable = retryable_curl(rc);
      reply.transport_error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
      while (!reply.transport_error.empty() && reply.transport_error.back() == '\n') reply.transport_error.pop_back();
    }
    return reply;
  }

 private:
  // --artifacts-dir: the same contract as HTTP (206 for a continuation, 404 when missing).
  static HttpReply get_file(const HttpGet& req, const BodyFn& on_body) {
    HttpReply reply;
    std::string path = req.url.substr(7);
    std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!f) {
      reply.status = errno == ENOENT ? 404 : 403;
      if (errno != ENOENT) reply.transport_error = errno_text(errno);
      return reply;
    }
    long status = 200;
    if (req.offset > 0) {
      if (fseeko(f.get(), static_cast<off_t>(req.offset), SEEK_SET) != 0) {
        reply.status = 416;
        return reply;
      }
      status = 206;
    }
    std::vector<unsigned char> buf(1 << 16);
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
      Status st = on_body(status, buf.data(), n);
      if (!st.ok()) {
        reply.fatal = st.error();
        return reply;
      }
    }
    if (std::ferror(f.get())) {
      reply.transport_failed = true;
      reply.transport_error = "read error on " + path;
      return reply;
    }
    reply.status = status;
    return reply;
  }

  Status start() {
    static std::once_flag once;
    static CURLcode init_rc = CURLE_OK;
    std::call_once(once, [] { init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (init_rc != CURLE_OK) return fail(std::string("libcurl failed to start: ") + curl_easy_strerror(init_rc));
    if (cacert_.empty()) {
      KA_TRY(cacert_, find_ca_bundle(s_.cacert));
    }
    return ok_status();
  }

  HttpSettings s_;
  std::string cacert_;
};

}  // namespace

std::unique_ptr<Http> make_http(const HttpSettings& s) { return std::make_unique<CurlHttp>(s); }

}  // namespace ka::fetch

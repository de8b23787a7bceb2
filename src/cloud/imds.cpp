#include "cloud/imds.hpp"

#include <curl/curl.h>

#include <cctype>
#include <mutex>
#include <string_view>
#include <thread>

namespace ka::cloud {

namespace {

constexpr size_t kMaxBody = 1 << 20;  // user-data is at most 16 KiB; anything far larger is not IMDS

size_t on_write(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxBody) return CURL_WRITEFUNC_ERROR;
  body->append(data, size * n);
  return size * n;
}

class CurlImdsTransport final : public ImdsTransport {
 public:
  explicit CurlImdsTransport(ImdsSettings s) : s_(std::move(s)) {}

  ImdsReply send(const ImdsRequest& req) override {
    ImdsReply reply;
    static std::once_flag once;
    static CURLcode init_rc = CURLE_OK;
    std::call_once(once, [] { init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (init_rc != CURLE_OK) {
      reply.transport_error = std::string("libcurl failed to start: ") + curl_easy_strerror(init_rc);
      return reply;
    }
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
    if (!curl) {
      reply.transport_error = "libcurl could not start a transfer";
      return reply;
    }
    CURL* c = curl.get();
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = nullptr;
    for (const auto& [k, v] : req.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> hold(headers, &curl_slist_free_all);
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    // The link-local service is reached directly: a proxy from the environment would either
    // fail or, worse, answer for another machine.
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, s_.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, s_.timeout_ms);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "kafka-appliance");
    if (req.method != "GET") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      reply.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
      reply.transport_error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
      while (!reply.transport_error.empty() && reply.transport_error.back() == '\n') reply.transport_error.pop_back();
      reply.body.clear();
      return reply;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
  }

 private:
  ImdsSettings s_;
};

std::string trim_endpoint(std::string e) {
  while (!e.empty() && e.back() == '/') e.pop_back();
  return e;
}

std::string path_of(const std::string& url, const std::string& endpoint) {
  return url.rfind(endpoint, 0) == 0 ? url.substr(endpoint.size()) : url;
}

const char* kHopNote =
    "the token answer (PUT) is dropped after as many network hops as the instance's hop limit allows: "
    "from a container or another network namespace it needs 2 (aws ec2 modify-instance-metadata-options "
    "--http-put-response-hop-limit 2; AMIs registered with ImdsSupport=v2.0 get 2)";

}  // namespace

std::unique_ptr<ImdsTransport> make_curl_imds_transport(const ImdsSettings& s) {
  return std::make_unique<CurlImdsTransport>(s);
}

ImdsClient::ImdsClient(ImdsSettings s, ImdsTransport& t, SleepFn sleep)
    : s_(std::move(s)), t_(t), sleep_(std::move(sleep)) {
  s_.endpoint = trim_endpoint(s_.endpoint);
  if (s_.attempts < 1) s_.attempts = 1;
  if (!sleep_) sleep_ = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
}

ImdsReply ImdsClient::send_with_retries(const ImdsRequest& req) {
  ImdsReply r;
  auto delay = s_.backoff;
  for (int attempt = 1; attempt <= s_.attempts; ++attempt) {
    r = t_.send(req);
    if (r.status != 0 && r.status < 500) return r;  // an answer: 2xx, or an error another try will not change
    if (attempt < s_.attempts) {
      sleep_(delay);
      delay *= 2;
    }
  }
  return r;
}

Error ImdsClient::unreachable(const ImdsRequest& req, const ImdsReply& r) const {
  std::string what = req.method + " " + path_of(req.url, s_.endpoint);
  Error e = r.status == 0 ? fail("no answer from the instance metadata service at " + s_.endpoint + " (" + what + "): " +
                                 r.transport_error)
                          : fail("the instance metadata service at " + s_.endpoint + " answered " + std::to_string(r.status) +
                                 " to " + what);
  e.note("tried " + std::to_string(s_.attempts) + " times, " + std::to_string(s_.timeout_ms) + " ms each");
  if (req.method == "PUT" && r.timed_out) e.note(kHopNote);
  if (r.status == 0)
    e.note("on EC2 the service must be enabled (HttpEndpoint=enabled); elsewhere name it with --imds-endpoint URL");
  return e;
}

Status ImdsClient::ensure_token(bool renew) {
  if (v1_ || (!token_.empty() && !renew)) return ok_status();
  ImdsRequest req{"PUT", s_.endpoint + "/latest/api/token", {{kTokenTtlHeader, std::to_string(s_.token_ttl_seconds)}}};
  ImdsReply r = send_with_retries(req);
  if (r.status == 200 && !r.body.empty()) {
    token_ = r.body;
    return ok_status();
  }
  // No token to be had: IMDSv1 if the operator allowed it, as the AWS SDKs fall back.
  if (s_.allow_v1 && (r.status == 0 || r.status == 403 || r.status == 404 || r.status == 405)) {
    v1_ = true;
    return ok_status();
  }
  Error e = unreachable(req, r);
  if (r.status == 0 && !r.timed_out) e.note(kHopNote);
  if (r.status == 400) e.note("the token TTL " + std::to_string(s_.token_ttl_seconds) + " s is outside 1..21600");
  if (r.status == 403 || r.status == 404 || r.status == 405)
    e.note("this metadata service gives no IMDSv2 token; --imds-v1 allows requests without one");
  return e;
}

Result<std::optional<std::string>> ImdsClient::get(const std::string& path) {
  KA_TRY_STATUS(ensure_token(false));
  for (int round = 0; round < 2; ++round) {
    ImdsRequest req{"GET", s_.endpoint + "/latest/" + path, {}};
    if (!v1_) req.headers.emplace_back(kTokenHeader, token_);
    ImdsReply r = send_with_retries(req);
    if (r.status == 200) return std::optional<std::string>(std::move(r.body));
    if (r.status == 404) return std::optional<std::string>();
    if (r.status == 401 && !v1_ && round == 0) {
      KA_TRY_STATUS(ensure_token(true));  // the token expired (a slow boot): one new token, once
      continue;
    }
    Error e = unreachable(req, r);
    if (r.status == 401 && v1_)
      e.note("the instance requires IMDSv2 tokens (HttpTokens=required), but no token could be had: see the token request's failure above");
    return e;
  }
  return fail("unreachable");  // the loop returns on its second round
}

std::vector<std::string> parse_listing(const std::string& body) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= body.size()) {
    size_t nl = body.find('\n', start);
    std::string line = body.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

std::string tag_path_segment(const std::string& key) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : key) {
    if (std::isalnum(c) || std::string_view("-._~:@+=,").find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Result<InstanceMetadata> read_instance_metadata(ImdsClient& client, const std::string& source) {
  InstanceMetadata md;
  md.source = source;
  auto required = [&](const std::string& path, std::string& into) -> Status {
    KA_TRY(auto v, client.get(path));
    if (!v || v->empty())
      return fail("the instance metadata service at " + source + " has no " + path).note("is this an EC2 instance (or is --imds-endpoint the right URL)?");
    into = *v;
    return ok_status();
  };
  KA_TRY_STATUS(required("meta-data/instance-id", md.instance_id));
  KA_TRY_STATUS(required("meta-data/local-ipv4", md.local_ipv4));
  KA_TRY(auto az, client.get("meta-data/placement/availability-zone"));
  if (az) md.availability_zone = *az;
  KA_TRY(auto listing, client.get("meta-data/tags/instance"));
  md.tags_visible = listing.has_value();
  if (listing) {
    for (const std::string& key : parse_listing(*listing)) {
      if (key.rfind(kTagPrefix, 0) != 0) continue;
      KA_TRY(auto value, client.get("meta-data/tags/instance/" + tag_path_segment(key)));
      if (value) md.tags[key] = *value;  // a tag deleted since the listing: as if absent
    }
  }
  KA_TRY(md.user_data, client.get("user-data"));
  return md;
}

namespace {

class ImdsSource final : public MetadataSource {
 public:
  explicit ImdsSource(ImdsSettings s) : s_(std::move(s)), t_(make_curl_imds_transport(s_)) {}
  Result<InstanceMetadata> read() override {
    ImdsClient client(s_, *t_);
    return read_instance_metadata(client, trim_endpoint(s_.endpoint));
  }

 private:
  ImdsSettings s_;
  std::unique_ptr<ImdsTransport> t_;
};

}  // namespace

std::unique_ptr<MetadataSource> make_imds_source(const ImdsSettings& s) { return std::make_unique<ImdsSource>(s); }

}  // namespace ka::cloud

// download() and Fetcher with their side effects injected (DownloadEnv): a scripted HTTP
// server, a recorded sleeper and a fixed clock, so retry timing, resume, the cache and the
// verification tail are tested without a network or a real wait.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>

#include "fetch/download.hpp"
#include "scripted_http.hpp"
#include "fetch/fetch.hpp"
#include "verify/checksum.hpp"

using namespace ka;
using namespace ka::fetch;
using ka::test::Answer;
using ka::test::ScriptedHttp;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

class StringSink final : public ByteSink {
 public:
  Status write(const unsigned char* d, size_t n) override {
    s.append(reinterpret_cast<const char*>(d), n);
    return ok_status();
  }
  Status finish() override {
    finished = true;
    return ok_status();
  }
  std::string s;
  bool finished = false;
};

// A DownloadEnv that never waits: sleeps are recorded, jitter is 0, the clock stands still.
struct RecordingEnv {
  ScriptedHttp http;
  std::vector<Millis> slept;
  DownloadEnv env;
  RecordingEnv() {
    env.http = &http;
    env.sleep = [this](Millis d) { slept.push_back(d); };
    env.jitter = [] { return 0.0; };
    env.now = [] { return std::time_t(784111777); };  // Sun, 06 Nov 1994 08:49:37 GMT
  }
};

std::string sha512_hex(const std::string& s) {
  DigestSink d(DigestAlgo::sha512);
  REQUIRE(d.write(reinterpret_cast<const unsigned char*>(s.data()), s.size()).ok());
  return d.hex();
}

fs::path temp_root(const std::string& tag) {
  fs::path p = fs::temp_directory_path() / ("ka-fetcher-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

const std::string kAsf = "http://127.0.0.1:9/dist";
const std::string kArchive = "http://127.0.0.1:9/archive";
const std::string kTarballUrl = kAsf + "/kafka/9.9.9/kafka_2.13-9.9.9.tgz";

// An uncatalogued Kafka pinned by --sha512, from a scripted ASF.
FetchOptions pinned_options(const fs::path& root, const std::string& body) {
  FetchOptions o;
  o.root = root.string();
  o.cache_dir = "/cache";
  o.kafka_version = "9.9.9";
  o.sha512 = sha512_hex(body);
  o.asf_url = kAsf;
  o.archive_url = kArchive;
  o.java = "system";
  return o;
}

}  // namespace

TEST_CASE("download: retries a 503 after the server's Retry-After, then backs off, without waiting") {
  RecordingEnv e;
  const std::string url = "http://127.0.0.1:9/a";
  e.http.script[url] = {{503, "", "7"}, {503, "", "Sun, 06 Nov 1994 08:49:40 GMT"}, {500, "", ""}, {200, "hello", ""}};
  StringSink sink;
  auto got = download(DownloadJob{"a", {url}, {}, 0}, e.env, sink);
  REQUIRE(got.ok());
  CHECK(sink.s == "hello");
  CHECK(got->url == url);
  // Seconds, then an HTTP-date 3 s after the fixed clock, then the policy's backoff (jitter 0).
  REQUIRE(e.slept.size() == 3);
  CHECK(e.slept[0] == 7000ms);
  CHECK(e.slept[1] == 3000ms);
  CHECK(e.slept[2] == backoff_delay(e.env.policy, 3, 0.0));
}

TEST_CASE("download: a source that keeps failing is left after attempts_per_source, the next one serves") {
  RecordingEnv e;
  e.env.policy.attempts_per_source = 2;
  const std::string bad = "http://127.0.0.1:9/bad", good = "http://127.0.0.1:9/good";
  e.http.script[bad] = {{502, "", ""}};
  e.http.script[good] = {{200, "bytes", ""}};
  StringSink sink;
  auto got = download(DownloadJob{"x", {bad, good}, {}, 0}, e.env, sink);
  REQUIRE(got.ok());
  CHECK(e.http.count(bad) == 2);
  CHECK(e.slept.size() == 1);
  CHECK(got->url == good);
  REQUIRE(got->failures.size() == 1);
  CHECK(got->failures[0].find("HTTP 502 Bad Gateway (after 2 tries)") != std::string::npos);
}

TEST_CASE("download: a .part is replayed into the sink and resumed with Range; a 200 restart is skipped") {
  const std::string body = "0123456789abcdef";
  for (long status : {206L, 200L}) {
    RecordingEnv e;
    auto dir = temp_root("part");
    const fs::path part = dir / "x.part";
    std::ofstream(part) << body.substr(0, 6);
    const std::string url = "http://127.0.0.1:9/x";
    e.http.script[url] = {{status, body, ""}};
    StringSink sink;
    auto got = download(DownloadJob{"x", {url}, part, 0}, e.env, sink);
    REQUIRE(got.ok());
    CHECK(sink.s == body);  // every byte once, in order
    CHECK(got->replayed == 6);
    REQUIRE(e.http.requests.size() == 1);
    CHECK(e.http.requests[0].offset == 6);
    std::ifstream in(part);
    std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(on_disk == body);
    fs::remove_all(dir);
  }
}

TEST_CASE("download: every source missing is not_found, with no sleep") {
  RecordingEnv e;
  StringSink sink;
  auto got = download(DownloadJob{"x", {"http://127.0.0.1:9/a", "http://127.0.0.1:9/b"}, {}, 0}, e.env, sink);
  REQUIRE(got.ok());
  CHECK(got->not_found);
  CHECK(got->failures.size() == 2);
  CHECK(e.slept.empty());
}

TEST_CASE("fetcher: an injected env serves the download, the cache serves the second run") {
  auto root = temp_root("cache");
  const std::string body = "a kafka tarball, or bytes standing in for one";
  RecordingEnv e;
  e.http.script[kTarballUrl] = {{200, body, ""}};
  {
    Fetcher f(pinned_options(root, body), e.env);
    StringSink consumer;
    auto a = f.fetch_kafka(&consumer);
    REQUIRE(a.ok());
    CHECK(consumer.s == body);
    CHECK(consumer.finished);
    CHECK_FALSE(a->from_cache);
    CHECK(a->trust == "--sha512");
    CHECK(a->source == kTarballUrl);
    CHECK(a->digest == sha512_hex(body));
    CHECK(fs::is_regular_file(a->path));
    // No .asc anywhere: a warning, the pinned digest alone vouches.
    REQUIRE(a->warnings.size() == 1);
    CHECK(a->warnings[0].find("no kafka_2.13-9.9.9.tgz.asc found") != std::string::npos);
  }
  CHECK(e.http.count(kTarballUrl) == 1);
  {
    Fetcher f(pinned_options(root, body), e.env);
    StringSink consumer;
    auto a = f.fetch_kafka(&consumer);
    REQUIRE(a.ok());
    CHECK(a->from_cache);
    CHECK(a->source == "cache");
    CHECK(consumer.s == body);
    CHECK(consumer.finished);
  }
  CHECK(e.http.count(kTarballUrl) == 1);  // not asked again
  CHECK(e.slept.empty());
  fs::remove_all(root);
}

TEST_CASE("fetcher: a digest mismatch discards the download, caches nothing and never finishes the consumer") {
  auto root = temp_root("mismatch");
  RecordingEnv e;
  e.http.script[kTarballUrl] = {{200, "tampered bytes", ""}};
  Fetcher f(pinned_options(root, "the real bytes"), e.env);
  StringSink consumer;
  auto a = f.fetch_kafka(&consumer);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error().message.find("SHA-512 mismatch for kafka_2.13-9.9.9.tgz from " + kTarballUrl) != std::string::npos);
  CHECK_FALSE(consumer.finished);
  CHECK_FALSE(fs::exists(root / "cache" / "verified" / ("sha512-" + sha512_hex("the real bytes"))));
  CHECK_FALSE(fs::exists(root / "cache" / "partial" / ("sha512-" + sha512_hex("the real bytes") + ".part")));
  fs::remove_all(root);
}

TEST_CASE("fetcher: retries of the tarball wait on the injected sleeper") {
  auto root = temp_root("retry");
  const std::string body = "tarball bytes";
  RecordingEnv e;
  e.http.script[kTarballUrl] = {{429, "", "2"}, {200, body, ""}};
  Fetcher f(pinned_options(root, body), e.env);
  auto a = f.fetch_kafka(nullptr);
  REQUIRE(a.ok());
  REQUIRE(e.slept.size() == 1);
  CHECK(e.slept[0] == 2000ms);
  fs::remove_all(root);
}

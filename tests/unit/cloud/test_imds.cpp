// The IMDSv2 client against a recording fake transport: token first, the token on every GET,
// bounded retries with backoff, one token renewal on 401, IMDSv1 only when allowed, and errors
// that name the endpoint and the hop limit. The real libcurl path is tested against the IMDS
// emulator (tests/integration/test_imds_client.py).
#include <catch2/catch.hpp>

#include <deque>
#include <map>

#include "cloud/imds.hpp"

using namespace ka::cloud;

namespace {

struct FakeImds : ImdsTransport {
  // "PUT /latest/api/token" or "GET /latest/meta-data/x" -> replies in order (the last repeats)
  std::map<std::string, std::deque<ImdsReply>> replies;
  std::vector<ImdsRequest> seen;
  std::map<std::string, std::string> values;  // served with 200 for a GET with the right token
  std::string token = "tok-1";

  ImdsReply send(const ImdsRequest& req) override {
    seen.push_back(req);
    std::string path = req.url.substr(std::string("http://imds.test").size());
    auto it = replies.find(req.method + " " + path);
    if (it != replies.end() && !it->second.empty()) {
      ImdsReply r = it->second.front();
      if (it->second.size() > 1) it->second.pop_front();
      return r;
    }
    if (req.method == "PUT") return {200, token, "", false};
    std::string got;
    for (const auto& [k, v] : req.headers)
      if (k == kTokenHeader) got = v;
    if (got != token) return {401, "", "", false};
    auto v = values.find(path);
    if (v == values.end()) return {404, "", "", false};
    return {200, v->second, "", false};
  }

  std::string header(size_t i, const std::string& name) const {
    for (const auto& [k, v] : seen.at(i).headers)
      if (k == name) return v;
    return "<none>";
  }
};

ImdsSettings settings() {
  ImdsSettings s;
  s.endpoint = "http://imds.test/";
  s.attempts = 3;
  s.backoff = std::chrono::milliseconds(100);
  return s;
}

std::string all_text(const ka::Error& e) {
  std::string s = e.message;
  for (const auto& n : e.notes) s += "\n" + n;
  return s;
}

ImdsReply no_answer(bool timed_out) {
  return {0, "", timed_out ? "Operation timed out after 1000 milliseconds" : "Failed to connect: Connection refused", timed_out};
}

}  // namespace

TEST_CASE("the token comes first and rides on every GET", "[imds]") {
  FakeImds f;
  f.values["/latest/meta-data/local-ipv4"] = "10.0.1.11";
  std::vector<std::chrono::milliseconds> slept;
  ImdsClient c(settings(), f, [&](auto d) { slept.push_back(d); });
  auto v = c.get("meta-data/local-ipv4");
  REQUIRE(v.ok());
  CHECK(**v == "10.0.1.11");
  auto again = c.get("meta-data/local-ipv4");
  REQUIRE(again.ok());
  REQUIRE(f.seen.size() == 3);  // one PUT, two GETs: the token is reused
  CHECK(f.seen[0].method == "PUT");
  CHECK(f.seen[0].url == "http://imds.test/latest/api/token");
  CHECK(f.header(0, kTokenTtlHeader) == "300");
  CHECK(f.header(1, kTokenHeader) == "tok-1");
  CHECK(f.header(2, kTokenHeader) == "tok-1");
  CHECK(slept.empty());
}

TEST_CASE("404 is an absent value, not an error", "[imds]") {
  FakeImds f;
  ImdsClient c(settings(), f, [](auto) {});
  auto v = c.get("user-data");
  REQUIRE(v.ok());
  CHECK_FALSE(v->has_value());
}

TEST_CASE("no answer: a bounded number of tries with doubling backoff, then an error naming the endpoint and the hop limit",
          "[imds]") {
  FakeImds f;
  f.replies["PUT /latest/api/token"] = {no_answer(true)};
  std::vector<std::chrono::milliseconds> slept;
  ImdsClient c(settings(), f, [&](auto d) { slept.push_back(d); });
  auto v = c.get("meta-data/instance-id");
  REQUIRE_FALSE(v.ok());
  CHECK(f.seen.size() == 3);
  CHECK(slept == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(100), std::chrono::milliseconds(200)});
  std::string text = all_text(v.error());
  CHECK_THAT(v.error().message, Catch::Contains("http://imds.test") && Catch::Contains("PUT /latest/api/token") &&
                                    Catch::Contains("timed out"));
  CHECK_THAT(text, Catch::Contains("hop limit") && Catch::Contains("2"));
  CHECK(v.error().code == ka::Exit::failed);
}

TEST_CASE("a 5xx is retried, a 4xx is not", "[imds]") {
  FakeImds f;
  f.values["/latest/meta-data/instance-id"] = "i-1";
  f.replies["GET /latest/meta-data/instance-id"] = {{500, "", "", false}, {503, "", "", false}, {200, "i-1", "", false}};
  ImdsClient c(settings(), f, [](auto) {});
  auto v = c.get("meta-data/instance-id");
  REQUIRE(v.ok());
  CHECK(**v == "i-1");

  FakeImds g;
  g.replies["GET /latest/meta-data/instance-id"] = {{403, "", "", false}};
  ImdsClient c2(settings(), g, [](auto) {});
  auto w = c2.get("meta-data/instance-id");
  REQUIRE_FALSE(w.ok());
  CHECK(g.seen.size() == 2);  // PUT + one GET
  CHECK_THAT(w.error().message, Catch::Contains("answered 403") && Catch::Contains("GET /latest/meta-data/instance-id"));
}

TEST_CASE("500 on every try ends in an error after the bounded tries", "[imds]") {
  FakeImds f;
  f.replies["GET /latest/meta-data/instance-id"] = {{500, "", "", false}};
  ImdsClient c(settings(), f, [](auto) {});
  auto v = c.get("meta-data/instance-id");
  REQUIRE_FALSE(v.ok());
  CHECK(f.seen.size() == 4);
  CHECK_THAT(v.error().message, Catch::Contains("answered 500"));
}

TEST_CASE("an expired token is renewed once", "[imds]") {
  FakeImds f;
  f.values["/latest/meta-data/instance-id"] = "i-1";
  ImdsClient c(settings(), f, [](auto) {});
  REQUIRE(c.get("meta-data/instance-id").ok());
  f.token = "tok-2";  // the service forgot tok-1
  auto v = c.get("meta-data/instance-id");
  REQUIRE(v.ok());
  CHECK(f.seen.size() == 5);  // PUT GET | GET(401) PUT GET
  CHECK(f.header(4, kTokenHeader) == "tok-2");

  f.replies["GET /latest/meta-data/instance-id"] = {{401, "", "", false}};
  auto w = c.get("meta-data/instance-id");
  REQUIRE_FALSE(w.ok());  // a second 401 in a row: no loop
  CHECK_THAT(w.error().message, Catch::Contains("answered 401"));
}

TEST_CASE("IMDSv1 only when allowed", "[imds]") {
  SECTION("refused token, v1 not allowed: an error that names the flag") {
    FakeImds f;
    f.replies["PUT /latest/api/token"] = {{405, "", "", false}};
    ImdsClient c(settings(), f, [](auto) {});
    auto v = c.get("meta-data/instance-id");
    REQUIRE_FALSE(v.ok());
    CHECK_THAT(all_text(v.error()), Catch::Contains("--imds-v1"));
    CHECK(f.seen.size() == 1);
  }
  SECTION("refused token, v1 allowed: GETs without a token") {
    FakeImds f;
    f.replies["PUT /latest/api/token"] = {{405, "", "", false}};
    f.replies["GET /latest/meta-data/instance-id"] = {{200, "i-9", "", false}};
    auto s = settings();
    s.allow_v1 = true;
    ImdsClient c(s, f, [](auto) {});
    auto v = c.get("meta-data/instance-id");
    REQUIRE(v.ok());
    CHECK(**v == "i-9");
    CHECK(f.header(1, kTokenHeader) == "<none>");
  }
  SECTION("v1 allowed but the service requires tokens: the error says so") {
    FakeImds f;
    f.replies["PUT /latest/api/token"] = {no_answer(false)};
    auto s = settings();
    s.allow_v1 = true;
    ImdsClient c(s, f, [](auto) {});
    auto v = c.get("meta-data/instance-id");
    REQUIRE_FALSE(v.ok());
    CHECK_THAT(all_text(v.error()), Catch::Contains("HttpTokens=required"));
  }
}

TEST_CASE("read_instance_metadata reads the kafka-appliance tags and user-data", "[imds]") {
  FakeImds f;
  f.values["/latest/meta-data/instance-id"] = "i-0a1";
  f.values["/latest/meta-data/local-ipv4"] = "10.0.1.11";
  f.values["/latest/meta-data/placement/availability-zone"] = "us-east-1a";
  f.values["/latest/meta-data/tags/instance"] = "Name\nkafka-appliance:role\nkafka-appliance:node-id\nteam name\n";
  f.values["/latest/meta-data/tags/instance/kafka-appliance:role"] = "broker";
  f.values["/latest/meta-data/tags/instance/kafka-appliance:node-id"] = "101";
  f.values["/latest/user-data"] = "rack = \"r1\"\n";
  ImdsClient c(settings(), f, [](auto) {});
  auto md = read_instance_metadata(c, "http://imds.test");
  REQUIRE(md.ok());
  CHECK(md->instance_id == "i-0a1");
  CHECK(md->local_ipv4 == "10.0.1.11");
  CHECK(md->availability_zone == "us-east-1a");
  CHECK(md->tags_visible);
  CHECK(md->tags == std::map<std::string, std::string>{{"kafka-appliance:role", "broker"}, {"kafka-appliance:node-id", "101"}});
  REQUIRE(md->user_data);
  CHECK(*md->user_data == "rack = \"r1\"\n");
  for (const auto& r : f.seen) CHECK(r.url.find("Name") == std::string::npos);  // other tags are not read
}

TEST_CASE("read_instance_metadata: tags not visible, no user-data, no instance-id", "[imds]") {
  FakeImds f;
  f.values["/latest/meta-data/instance-id"] = "i-0a1";
  f.values["/latest/meta-data/local-ipv4"] = "10.0.1.11";
  ImdsClient c(settings(), f, [](auto) {});
  auto md = read_instance_metadata(c, "http://imds.test");
  REQUIRE(md.ok());
  CHECK_FALSE(md->tags_visible);
  CHECK(md->tags.empty());
  CHECK_FALSE(md->user_data);
  CHECK(md->availability_zone.empty());

  FakeImds g;
  ImdsClient c2(settings(), g, [](auto) {});
  auto bad = read_instance_metadata(c2, "http://imds.test");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Catch::Contains("no meta-data/instance-id") && Catch::Contains("http://imds.test"));
}

TEST_CASE("listings and tag path segments", "[imds]") {
  CHECK(parse_listing("a\nb/\r\n\nc") == std::vector<std::string>{"a", "b/", "c"});
  CHECK(parse_listing("").empty());
  CHECK(tag_path_segment("kafka-appliance:node-id") == "kafka-appliance:node-id");
  CHECK(tag_path_segment("a+b=c,d@e.f_g") == "a+b=c,d@e.f_g");
  CHECK(tag_path_segment("team name") == "team%20name");
  CHECK(tag_path_segment("x/y?#") == "x%2Fy%3F%23");
}

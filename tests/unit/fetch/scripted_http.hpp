// An HTTP server in a map, for the unit tests of the areas that fetch (fetch, install): each
// URL answers from a script, and every request is recorded.
#pragma once
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "fetch/http.hpp"

namespace ka::test {

struct Answer {
  long status = 200;
  std::string body;
  std::string retry_after;
};

// Answers each URL from a script (the last answer repeats), 404 for URLs it does not know,
// and records every request.
class ScriptedHttp final : public fetch::Http {
 public:
  std::map<std::string, std::deque<Answer>> script;
  std::vector<fetch::HttpGet> requests;

  fetch::HttpReply get(const fetch::HttpGet& req, const fetch::BodyFn& on_body) override {
    requests.push_back(req);
    fetch::HttpReply r;
    auto it = script.find(req.url);
    if (it == script.end()) {
      r.status = 404;
      return r;
    }
    Answer a = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    r.status = a.status;
    r.retry_after = a.retry_after;
    if (a.status >= 200 && a.status <= 299) {
      std::string body = a.status == 206 ? a.body.substr(req.offset) : a.body;
      auto st = on_body(a.status, reinterpret_cast<const unsigned char*>(body.data()), body.size());
      if (!st.ok()) r.fatal = st.error();
    }
    return r;
  }
  size_t count(const std::string& url) const {
    size_t n = 0;
    for (const auto& q : requests) n += q.url == url;
    return n;
  }
};

}  // namespace ka::test

// When to try again: which failures are worth a retry, how long to wait (capped exponential
// backoff with jitter), and what a server's Retry-After asks for.
#pragma once
#include <chrono>
#include <ctime>
#include <optional>
#include <string_view>

namespace ka::fetch {

using Millis = std::chrono::milliseconds;

struct RetryPolicy {
  int attempts_per_source = 4;  // tries of one URL before moving to the next source
  Millis base_delay{500};
  Millis max_delay{20000};
  // A server may ask for more than our own backoff, but not for an unbounded wait.
  Millis max_retry_after{60000};
};

// 408, 429 and 5xx: the server may answer differently later. 4xx otherwise: it will not.
bool retryable_status(long status);

// The wait before retry number `retry` (1 = first retry): base * 2^(retry-1), capped at
// max_delay, with "equal jitter": half fixed, half scaled by jitter01 in [0,1), so that many
// clients restarted together do not retry in lockstep.
Millis backoff_delay(const RetryPolicy& p, int retry, double jitter01);

// A Retry-After header value: delta-seconds ("120") or an HTTP-date (IMF-fixdate, RFC 850 or
// asctime). A date in the past means 0. nullopt when it cannot be parsed.
std::optional<Millis> parse_retry_after(std::string_view value, std::time_t now);

// The wait before the next try: Retry-After when given (capped), else the backoff.
Millis next_delay(const RetryPolicy& p, int retry, double jitter01, std::optional<Millis> retry_after);

}  // namespace ka::fetch

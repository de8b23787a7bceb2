#include "fetch/retry.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string>

#include "core/number.hpp"
#include "core/text.hpp"

namespace ka::fetch {

bool retryable_status(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

Millis backoff_delay(const RetryPolicy& p, int retry, double jitter01) {
  if (retry < 1) retry = 1;
  jitter01 = std::clamp(jitter01, 0.0, 1.0);
  // Shift by at most 30 so the multiplication cannot overflow; the cap applies long before.
  long long d = p.base_delay.count() << std::min(retry - 1, 30);
  d = std::min<long long>(d, p.max_delay.count());
  long long half = d / 2;
  return Millis(half + static_cast<long long>(static_cast<double>(d - half) * jitter01));
}

std::optional<Millis> parse_retry_after(std::string_view value, std::time_t now) {
  const std::string s = trim(value);
  if (s.empty()) return std::nullopt;
  if (std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    auto secs = parse_number<long long>(s, "Retry-After");
    // Absurd (over 9 digits), the caller caps it.
    return Millis(secs.ok() && s.size() <= 9 ? *secs * 1000 : 999999999LL * 1000);
  }
  // RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms; always GMT.
  static const char* formats[] = {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"};
  for (const char* f : formats) {
    std::tm tm{};
    const char* end = strptime(s.c_str(), f, &tm);
    if (!end || *end != '\0') continue;
    std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1)) continue;
    return Millis(t > now ? static_cast<long long>(t - now) * 1000 : 0);
  }
  return std::nullopt;
}

Millis next_delay(const RetryPolicy& p, int retry, double jitter01, std::optional<Millis> retry_after) {
  if (retry_after) return std::min(*retry_after, p.max_retry_after);
  return backoff_delay(p, retry, jitter01);
}

}  // namespace ka::fetch

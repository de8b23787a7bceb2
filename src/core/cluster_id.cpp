#include "core/cluster_id.hpp"

#include <openssl/rand.h>

#include <array>

namespace ka {

std::string base64url_nopad(const unsigned char* data, size_t n) {
  static const char* alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (unsigned(data[i]) << 16) | (unsigned(data[i + 1]) << 8) | data[i + 2];
    out += alpha[(v >> 18) & 63];
    out += alpha[(v >> 12) & 63];
    out += alpha[(v >> 6) & 63];
    out += alpha[v & 63];
  }
  if (n - i == 1) {
    unsigned v = unsigned(data[i]) << 16;
    out += alpha[(v >> 18) & 63];
    out += alpha[(v >> 12) & 63];
  } else if (n - i == 2) {
    unsigned v = (unsigned(data[i]) << 16) | (unsigned(data[i + 1]) << 8);
    out += alpha[(v >> 18) & 63];
    out += alpha[(v >> 12) & 63];
    out += alpha[(v >> 6) & 63];
  }
  return out;
}

Result<std::string> new_cluster_id() {
  for (;;) {
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return fail("cannot read random bytes from OpenSSL");
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // java.util.UUID.randomUUID: version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // and the IETF variant
    // Kafka reserves the all-zero UUID (ZERO_UUID) and 0..1 in the high/low longs (METADATA_TOPIC_ID).
    bool zero_hi = true;
    for (int i = 0; i < 8; ++i) zero_hi = zero_hi && b[static_cast<size_t>(i)] == 0;
    if (zero_hi) continue;
    auto id = base64url_nopad(b.data(), b.size());
    if (id[0] == '-') continue;
    return id;
  }
}

bool is_valid_cluster_id(const std::string& id) {
  if (id.size() != 22) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  // the last character carries 2 bits of data and 4 bits of padding: must be A,Q,g,w
  char last = id[21];
  return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
}

}  // namespace ka

// libFuzzer: .sha512 and .sha256.txt parsing; the first byte picks the expected name.
#include <cstddef>
#include <cstdint>
#include <string>

#include "verify/checksum.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string s(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::string name = (data[0] & 1) ? "kafka_2.13-4.0.0.tgz" : "";
  (void)ka::parse_sha512_file(s, name);
  (void)ka::parse_sha256_file(s, name);
  (void)ka::normalize_hex_digest(s, ka::DigestAlgo::sha512, "fuzz");
  return 0;
}

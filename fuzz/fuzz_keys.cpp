// libFuzzer: key files (armored or binary): key packets, subpackets, self-signature and subkey
// binding checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "verify/openpgp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto ring = ka::pgp::parse_keys(s, "fuzz KEYS");
  if (ring.ok())
    for (const auto& k : ring->keys) (void)ring->find(k.fingerprint);
  return 0;
}

// libFuzzer: binary packet framing and the signature parser, then a verification against a tiny
// ring so the checking code runs on whatever parsed.
#include <cstddef>
#include <cstdint>
#include <string>

#include "verify/openpgp.hpp"
#include "verify/pgp_detail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ka::pgp::detail::Bytes bytes(data, data + size);
  (void)ka::pgp::detail::split_packets(bytes, "fuzz");
  std::string s(reinterpret_cast<const char*>(data), size);
  auto sig = ka::pgp::parse_signature(s, "fuzz.sig");
  if (sig.ok()) {
    ka::pgp::SignatureCheck check(std::move(sig).value());
    (void)check.write(data, size);
    ka::pgp::KeyRing empty;
    (void)check.verify(empty, 0);
  }
  return 0;
}

// libFuzzer: ASCII armor (base64, CRC24, BEGIN/END matching) on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "verify/pgp_detail.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto blocks = ka::pgp::detail::dearmor_all(text, "fuzz");
  if (blocks.ok())
    for (const auto& b : *blocks) (void)ka::pgp::detail::split_packets(b.data, "fuzz");
  return 0;
}

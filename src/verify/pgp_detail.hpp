// The layers under openpgp.hpp, exposed for the unit tests and the fuzz targets: ASCII armor and
// the packet framing. Not for other areas: use parse_keys / parse_signature.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/text.hpp"

namespace ka::pgp::detail {

using Bytes = std::vector<unsigned char>;

uint32_t crc24(const unsigned char* data, size_t n);

struct ArmorBlock {
  std::string label;  // "PGP SIGNATURE", "PGP PUBLIC KEY BLOCK", ...
  Bytes data;
};

// Every armored block in `text`; text around the blocks (a KEYS file's `pub ...` listings) is
// ignored. The CRC24 line is checked when present (RFC 9580 made it optional).
Result<std::vector<ArmorBlock>> dearmor_all(std::string_view text, const std::string& origin);

// Armored input starts with (optional white space and) "-----BEGIN PGP"; anything else whose
// first byte has bit 7 set is taken as binary packets.
bool looks_armored(std::string_view data);

struct Packet {
  int tag = 0;
  bool partial = false;  // body was sent in partial-length chunks (joined here)
  size_t offset = 0;     // of the header in the input, for error messages
  Bytes body;
};

// Splits binary OpenPGP data into packets: old and new headers, every length encoding, partial
// lengths joined (only legal for data packets: callers reject them elsewhere).
Result<std::vector<Packet>> split_packets(const Bytes& data, const std::string& origin);

}  // namespace ka::pgp::detail

// ASCII armor and packet framing (RFC 9580 §6, §4.2). Every read is bounds-checked: this code sees
// bytes from the network and is fuzzed (fuzz/fuzz_armor.cpp, fuzz/fuzz_packets.cpp).
#include <cstdio>

#include "verify/pgp_detail.hpp"

namespace ka::pgp::detail {

uint32_t crc24(const unsigned char* data, size_t n) {
  uint32_t crc = 0xB704CEu;
  for (size_t i = 0; i < n; ++i) {
    crc ^= static_cast<uint32_t>(data[i]) << 16;
    for (int b = 0; b < 8; ++b) {
      crc <<= 1;
      if (crc & 0x1000000u) crc ^= 0x1864CFBu;
    }
  }
  return crc & 0xFFFFFFu;
}

namespace {

int b64_value(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Strict base64: the alphabet, '=' only as final padding, whole quanta.
Result<Bytes> b64_decode(const std::string& s, const std::string& what) {
  if (s.size() % 4 != 0)
    return bad_input("truncated armor in " + what + ": the base64 text is cut off (" + std::to_string(s.size()) +
                     " characters, not a multiple of 4)")
        .note("download the file again");
  Bytes out;
  out.reserve(s.size() / 4 * 3);
  for (size_t i = 0; i < s.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      unsigned char c = static_cast<unsigned char>(s[i + k]);
      if (c == '=' && i + 4 == s.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad) return bad_input("malformed armor in " + what + ": data after base64 padding");
      v[k] = b64_value(c);
      if (v[k] < 0) return bad_input("malformed armor in " + what + ": '" + std::string(1, static_cast<char>(c)) + "' is not base64");
    }
    if (pad == 1 && v[2] == 0 && s[i + 2] == '=') return bad_input("malformed armor in " + what + ": bad base64 padding");
    uint32_t q = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                 (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<unsigned char>(q >> 16));
    if (pad < 2) out.push_back(static_cast<unsigned char>(q >> 8));
    if (pad < 1) out.push_back(static_cast<unsigned char>(q));
  }
  return out;
}

std::string_view rstrip(std::string_view l) {
  while (!l.empty() && (l.back() == '\r' || l.back() == ' ' || l.back() == '\t')) l.remove_suffix(1);
  return l;
}

std::string hex6(uint32_t v) {
  char b[8];
  std::snprintf(b, sizeof b, "%06X", v & 0xFFFFFFu);
  return b;
}

}  // namespace

bool looks_armored(std::string_view data) {
  size_t i = 0;
  while (i < data.size() && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')) ++i;
  return data.substr(i).rfind("-----BEGIN PGP", 0) == 0 || data.find("\n-----BEGIN PGP") != std::string_view::npos;
}

Result<std::vector<ArmorBlock>> dearmor_all(std::string_view text, const std::string& origin) {
  std::vector<ArmorBlock> blocks;
  enum class St { outside, headers, body, after_crc } st = St::outside;
  std::string label, b64, crc_text;
  size_t begin_line = 0, lineno = 0, pos = 0;
  auto where = [&](size_t ln) { return origin + ":" + std::to_string(ln); };
  auto close_block = [&](std::string_view line) -> Status {
    if (line != "-----END " + label + "-----")
      return bad_input("malformed armor in " + where(lineno) + ": '" + std::string(line) + "' does not close '-----BEGIN " +
                       label + "-----' of line " + std::to_string(begin_line));
    KA_TRY(Bytes data, b64_decode(b64, where(begin_line)));
    if (!crc_text.empty()) {
      KA_TRY(Bytes crc, b64_decode(crc_text, where(lineno) + " (checksum line)"));
      if (crc.size() != 3) return bad_input("malformed armor checksum line before " + where(lineno));
      uint32_t want = (uint32_t{crc[0]} << 16) | (uint32_t{crc[1]} << 8) | crc[2];
      uint32_t got = crc24(data.data(), data.size());
      if (want != got)
        return bad_input("CRC24 mismatch in the armor of " + where(begin_line) + ": the checksum line says " + hex6(want) +
                         ", the data gives " + hex6(got))
            .note("the file was altered or damaged in transit: download it again");
    }
    blocks.push_back(ArmorBlock{label, std::move(data)});
    st = St::outside;
    return ok_status();
  };
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = rstrip(text.substr(pos, nl - pos));
    pos = nl + 1;
    ++lineno;
    switch (st) {
      case St::outside:
        if (line.rfind("-----BEGIN PGP ", 0) == 0) {
          if (line.size() < 20 || line.substr(line.size() - 5) != "-----")
            return bad_input("malformed armor header line in " + where(lineno));
          label = std::string(line.substr(11, line.size() - 16));
          b64.clear();
          crc_text.clear();
          begin_line = lineno;
          st = St::headers;
        }
        break;
      case St::headers:
        if (line.empty()) {
          st = St::body;
          break;
        }
        // "Version: ...", "Comment: ..."; a block without the blank line after its headers goes
        // straight to base64 (seen in hand-edited KEYS files).
        if (line.find(": ") != std::string_view::npos) break;
        st = St::body;
        [[fallthrough]];
      case St::body:
        if (line.rfind("-----END PGP ", 0) == 0) {
          KA_TRY_STATUS(close_block(line));
        } else if (!line.empty() && line[0] == '=') {
          crc_text = std::string(line.substr(1));
          st = St::after_crc;
        } else {
          for (char c : line)
            if (c != ' ' && c != '\t') b64.push_back(c);
        }
        break;
      case St::after_crc:
        if (line.empty()) break;
        if (line.rfind("-----END PGP ", 0) != 0)
          return bad_input("malformed armor in " + where(lineno) + ": expected the END line after the checksum line");
        KA_TRY_STATUS(close_block(line));
        break;
    }
  }
  if (st != St::outside)
    return bad_input("truncated armor: " + origin + " ends before the '-----END " + label + "-----' line (block starts at line " +
                     std::to_string(begin_line) + ")")
        .note("the download was cut off: fetch the file again");
  return blocks;
}

Result<std::vector<Packet>> split_packets(const Bytes& data, const std::string& origin) {
  std::vector<Packet> out;
  const size_t n = data.size();
  size_t pos = 0;
  auto at = [&](size_t off) { return origin + " at byte " + std::to_string(off); };
  auto truncated = [&](size_t off, const std::string& what) {
    return bad_input("truncated OpenPGP packet in " + at(off) + ": " + what).note("the file is cut off or damaged: fetch it again");
  };
  while (pos < n) {
    const size_t start = pos;
    const unsigned char b = data[pos++];
    if (!(b & 0x80))
      return bad_input("not OpenPGP data: " + at(start) + " has no packet tag (byte 0x" +
                       hex_encode(&b, 1, true) + ")");
    Packet p;
    p.offset = start;
    if (b & 0x40) {
      p.tag = b & 0x3F;
      for (;;) {
        if (pos >= n) return truncated(start, "no length");
        const unsigned o1 = data[pos++];
        size_t len;
        bool partial = false;
        if (o1 < 192) {
          len = o1;
        } else if (o1 < 224) {
          if (pos >= n) return truncated(start, "two-octet length cut off");
          len = ((o1 - 192) << 8) + data[pos++] + 192;
        } else if (o1 == 255) {
          if (n - pos < 4) return truncated(start, "five-octet length cut off");
          len = (size_t{data[pos]} << 24) | (size_t{data[pos + 1]} << 16) | (size_t{data[pos + 2]} << 8) | data[pos + 3];
          pos += 4;
        } else {
          len = size_t{1} << (o1 & 0x1F);
          partial = true;
          p.partial = true;
        }
        if (len > n - pos)
          return truncated(start, "tag " + std::to_string(p.tag) + " claims " + std::to_string(len) + " bytes, " +
                                      std::to_string(n - pos) + " are left");
        p.body.insert(p.body.end(), data.begin() + static_cast<std::ptrdiff_t>(pos),
                      data.begin() + static_cast<std::ptrdiff_t>(pos + len));
        pos += len;
        if (!partial) break;
      }
    } else {
      p.tag = (b >> 2) & 0x0F;
      size_t len = 0;
      switch (b & 3) {
        case 0:
          if (pos >= n) return truncated(start, "no length");
          len = data[pos++];
          break;
        case 1:
          if (n - pos < 2) return truncated(start, "length cut off");
          len = (size_t{data[pos]} << 8) | data[pos + 1];
          pos += 2;
          break;
        case 2:
          if (n - pos < 4) return truncated(start, "length cut off");
          len = (size_t{data[pos]} << 24) | (size_t{data[pos + 1]} << 16) | (size_t{data[pos + 2]} << 8) | data[pos + 3];
          pos += 4;
          break;
        default:  // indeterminate: the packet runs to the end of the data
          len = n - pos;
      }
      if (len > n - pos)
        return truncated(start, "tag " + std::to_string(p.tag) + " claims " + std::to_string(len) + " bytes, " +
                                    std::to_string(n - pos) + " are left");
      p.body.assign(data.begin() + static_cast<std::ptrdiff_t>(pos), data.begin() + static_cast<std::ptrdiff_t>(pos + len));
      pos += len;
    }
    if (p.tag == 0) return bad_input("malformed OpenPGP data: " + at(start) + " uses the reserved packet tag 0");
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace ka::pgp::detail

#include "kafka/wire.hpp"

namespace ka::kafka {

void Writer::uvarint(uint32_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<uint8_t>(v));
}

void Writer::string16(const std::optional<std::string>& s) {
  if (!s) return i16(-1);
  i16(static_cast<int16_t>(s->size()));
  out_.insert(out_.end(), s->begin(), s->end());
}

void Writer::compact_string(const std::optional<std::string>& s) {
  if (!s) return uvarint(0);
  uvarint(static_cast<uint32_t>(s->size() + 1));
  out_.insert(out_.end(), s->begin(), s->end());
}

void Reader::fail(const std::string& why) {
  if (error_.empty()) error_ = why;
  p_ = end_;
}

bool Reader::need(size_t n, const char* field) {
  if (!ok()) return false;
  if (left() < n) {
    fail(std::string(field) + ": truncated (" + std::to_string(n) + " bytes needed, " + std::to_string(left()) + " left)");
    return false;
  }
  return true;
}

uint64_t Reader::be(int n, const char* field) {
  if (!need(static_cast<size_t>(n), field)) return 0;
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | *p_++;
  return v;
}

uint32_t Reader::uvarint(const char* field) {
  uint32_t v = 0;
  for (int shift = 0; shift <= 28; shift += 7) {
    if (!need(1, field)) return 0;
    uint8_t b = *p_++;
    v |= static_cast<uint32_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
  fail(std::string(field) + ": varint longer than 5 bytes");
  return 0;
}

Uuid Reader::uuid(const char* field) {
  Uuid u{};
  if (!need(16, field)) return u;
  for (auto& b : u) b = *p_++;
  return u;
}

std::optional<std::string> Reader::compact_nullable_string(const char* field) {
  uint32_t n = uvarint(field);
  if (!ok() || n == 0) return std::nullopt;
  if (!need(n - 1, field)) return std::nullopt;
  std::string s(reinterpret_cast<const char*>(p_), n - 1);
  p_ += n - 1;
  return s;
}

size_t Reader::compact_array(const char* field) {
  uint32_t n = uvarint(field);
  if (!ok() || n == 0) return 0;
  // every element takes at least one byte
  if (n - 1 > left()) {
    fail(std::string(field) + ": array of " + std::to_string(n - 1) + " elements in " + std::to_string(left()) + " bytes");
    return 0;
  }
  return n - 1;
}

std::vector<int32_t> Reader::compact_int32_array(const char* field) {
  std::vector<int32_t> out;
  size_t n = compact_array(field);
  for (size_t i = 0; i < n && ok(); ++i) out.push_back(i32(field));
  return out;
}

Status Reader::status() const {
  if (ok()) return ok_status();
  return ka::fail("unreadable " + what_ + ": " + error_);
}

Status Reader::finish() {
  if (ok() && left() != 0) fail(std::to_string(left()) + " unread bytes at the end");
  return status();
}

std::string uuid_base64(const Uuid& u) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : u) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += tbl[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += tbl[(acc << (6 - bits)) & 0x3f];
  return out;
}

}  // namespace ka::kafka

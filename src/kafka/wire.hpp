// Kafka's wire format (the protocol guide's primitive types): big-endian integers, unsigned
// varints, compact (flexible-version) strings and arrays, tagged fields. Pure: the codecs of
// kafka/messages.hpp are built on it and unit-tested on bytes captured from real Kafka.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ka::kafka {

using Bytes = std::vector<uint8_t>;
using Uuid = std::array<uint8_t, 16>;

class Writer {
 public:
  void i8(int8_t v) { out_.push_back(static_cast<uint8_t>(v)); }
  void i16(int16_t v) { be(static_cast<uint16_t>(v), 2); }
  void u16(uint16_t v) { be(v, 2); }
  void i32(int32_t v) { be(static_cast<uint32_t>(v), 4); }
  void i64(int64_t v) { be(static_cast<uint64_t>(v), 8); }
  void uvarint(uint32_t v);
  void string16(const std::optional<std::string>& s);  // non-flexible, nullable (request header client_id)
  void compact_string(const std::optional<std::string>& s);
  void compact_array_len(std::optional<size_t> n) { uvarint(n ? static_cast<uint32_t>(*n + 1) : 0); }
  void no_tags() { uvarint(0); }
  const Bytes& bytes() const { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void be(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

// Reads one response body; every read checks the bounds, and the first failure sticks: a
// truncated or hostile answer becomes an error naming the field, never a crash.
class Reader {
 public:
  Reader(const uint8_t* data, size_t size, std::string what) : p_(data), end_(data + size), what_(std::move(what)) {}
  explicit Reader(const Bytes& b, std::string what) : Reader(b.data(), b.size(), std::move(what)) {}
  int8_t i8(const char* field) { return static_cast<int8_t>(be(1, field)); }
  int16_t i16(const char* field) { return static_cast<int16_t>(be(2, field)); }
  uint16_t u16(const char* field) { return static_cast<uint16_t>(be(2, field)); }
  int32_t i32(const char* field) { return static_cast<int32_t>(be(4, field)); }
  int64_t i64(const char* field) { return static_cast<int64_t>(be(8, field)); }
  bool boolean(const char* field) { return be(1, field) != 0; }
  uint32_t uvarint(const char* field);
  Uuid uuid(const char* field);
  std::optional<std::string> compact_nullable_string(const char* field);
  std::string compact_string(const char* field) { return compact_nullable_string(field).value_or(""); }
  // The element count of a compact array (0 for null); bounded by the bytes left, so a hostile
  // length cannot make the caller reserve gigabytes.
  size_t compact_array(const char* field);
  std::vector<int32_t> compact_int32_array(const char* field);
  // Skips every tagged field; `on_tag(tag, reader)` may read a known one (it must consume
  // exactly its size bytes, checked).
  template <class F>
  void tags(const char* field, F&& on_tag);
  void skip_tags(const char* field) {
    tags(field, [](uint32_t, Reader&) { return false; });
  }
  bool ok() const { return error_.empty(); }
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why);
  // ok, or the first error as a value naming what was being read.
  Status status() const;
  // Also fails when bytes are left over: a response we did not read whole is misread.
  Status finish();

 private:
  uint64_t be(int n, const char* field);
  bool need(size_t n, const char* field);
  const uint8_t* p_;
  const uint8_t* end_;
  std::string what_;
  std::string error_;
};

template <class F>
void Reader::tags(const char* field, F&& on_tag) {
  uint32_t n = uvarint(field);
  for (uint32_t i = 0; i < n && ok(); ++i) {
    uint32_t tag = uvarint(field);
    uint32_t size = uvarint(field);
    if (!ok() || !need(size, field)) return;
    Reader sub(p_, size, what_);
    bool known = on_tag(tag, sub);
    if (known && !sub.finish().ok()) return fail(sub.error().empty() ? std::string(field) + ": tagged field " + std::to_string(tag) + " has extra bytes" : sub.error());
    p_ += size;
  }
}

std::string uuid_base64(const Uuid& u);  // Kafka's printed form (URL-safe base64, no padding)

}  // namespace ka::kafka

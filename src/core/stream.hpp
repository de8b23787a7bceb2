// Streams of bytes, so that download, hashing and unpacking overlap in one pass (DESIGN.md §3):
// a download pushes each chunk into a ByteSink; a Tee fans it out to a hasher, the cache's
// .part file and the extractor.
#pragma once
#include <cstddef>
#include <vector>

#include "core/result.hpp"

namespace ka {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Bytes in order. A resumed download continues where the last chunk ended, so a sink never
  // sees a byte twice.
  virtual Status write(const unsigned char* data, size_t n) = 0;
  // The stream ended (all bytes delivered).
  virtual Status finish() { return ok_status(); }
};

class TeeSink final : public ByteSink {
 public:
  explicit TeeSink(std::vector<ByteSink*> sinks) : sinks_(std::move(sinks)) {}
  Status write(const unsigned char* data, size_t n) override {
    for (auto* s : sinks_) KA_TRY_STATUS(s->write(data, n));
    return ok_status();
  }
  Status finish() override {
    for (auto* s : sinks_) KA_TRY_STATUS(s->finish());
    return ok_status();
  }

 private:
  std::vector<ByteSink*> sinks_;
};

}  // namespace ka

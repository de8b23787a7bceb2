// Digests and the checksum files that come beside release artifacts.
#pragma once
#include <memory>
#include <string>

#include "core/result.hpp"
#include "core/stream.hpp"

namespace ka {

enum class DigestAlgo { sha256, sha512 };

// A ByteSink that hashes what passes through it (OpenSSL EVP).
class DigestSink final : public ByteSink {
 public:
  explicit DigestSink(DigestAlgo algo);
  ~DigestSink() override;
  DigestSink(const DigestSink&) = delete;
  DigestSink& operator=(const DigestSink&) = delete;
  Status write(const unsigned char* data, size_t n) override;
  // Lower-case hex of the digest of everything written so far.
  std::string hex() const;
  DigestAlgo algo() const { return algo_; }
  // The running OpenSSL context (an EVP_MD_CTX*), so a SignatureCheck over the same bytes with
  // the same hash can reuse this pass instead of hashing everything a second time.
  const void* evp_ctx() const;

 private:
  DigestAlgo algo_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// An ASF `.sha512` file (`gpg --print-md SHA512` layout: "name: HEX HEX ...", upper case,
// groups of 8, continuation lines), or the sha512sum layout ("hex  name"). Returns the
// lower-case hex digest; `expected_name` must match the file name in it when one is given.
Result<std::string> parse_sha512_file(const std::string& text, const std::string& expected_name);
// A Temurin `.sha256.txt` file: sha256sum layout "<hex>  <name>".
Result<std::string> parse_sha256_file(const std::string& text, const std::string& expected_name);
// Lower-case hex, checked for length and alphabet: for --sha512 HEX.
Result<std::string> normalize_hex_digest(const std::string& hex, DigestAlgo algo, const std::string& what);

}  // namespace ka

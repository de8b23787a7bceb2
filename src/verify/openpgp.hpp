// Native OpenPGP verification of detached signatures (RFC 4880/9580, v4 only) on OpenSSL:
// no gpg on the target. Narrow on purpose: ASCII armor (CRC24), old and new packet headers,
// public-key packets (RSA, Ed25519), signature packets (RSA PKCS#1 v1.5 with SHA-256/384/512,
// EdDSA), hashed subpackets (issuer fingerprint, creation time, key expiry).
// Self-signatures, subkey bindings (with the subkey's back-signature) and revocations are checked
// cryptographically: a key served by a key server cannot carry a forged subkey or expiry.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/stream.hpp"
#include "verify/checksum.hpp"

namespace ka::pgp {

// The strings and lists carry {} so that a designated initializer may leave them out.
struct PublicKey {
  std::string fingerprint;  // upper-case hex, 40 chars (v4)
  std::string user_id{};    // first User ID packet, may be empty
  std::string algorithm;    // "rsa4096", "ed25519"
  int64_t created = 0;      // unix time
  int64_t expires = 0;      // unix time, 0 = never
  std::vector<std::string> subkey_fingerprints{};  // signing subkeys, each also a PublicKey of the ring
  std::shared_ptr<void> evp;  // EVP_PKEY*, owned (primary key; subkeys are separate PublicKeys)
  std::string primary_fingerprint{};  // set on a subkey: the primary key that bound it
  bool revoked = false;             // a valid revocation signature was found
  bool can_sign = true;             // false when the self-signature's key flags exclude signing
  int pubkey_algo = 0;              // OpenPGP algorithm ID: 1 RSA, 22 EdDSA (legacy), 27 Ed25519
  std::string key_id() const { return fingerprint.size() >= 16 ? fingerprint.substr(fingerprint.size() - 16) : fingerprint; }
};

struct SkippedKey {
  std::string fingerprint_or_id;  // what could be read of it
  std::string reason;             // "v3 key", "DSA (algorithm 17) not supported", ...
};

struct KeyRing {
  std::vector<PublicKey> keys;  // usable v4 RSA/EdDSA keys and subkeys
  std::vector<SkippedKey> skipped;
  std::string origin;  // where the keys came from ("the pinned Apache Kafka KEYS"), for messages
  void add(const KeyRing& other);
  // Full fingerprint (40 hex) or key ID (16 hex), any case, spaces and "0x" ignored.
  const PublicKey* find(const std::string& fingerprint_or_keyid) const;
};

// A KEYS file or a single armored/binary key block; many keys in one input. A key that cannot be
// used is skipped with a reason, not an error; malformed armor or packets are an error.
Result<KeyRing> parse_keys(const std::string& data, const std::string& origin);

struct Signature {
  int version = 4;
  int sig_type = 0;
  int pubkey_algo = 0;
  int hash_algo = 0;
  int64_t created = 0;
  int64_t expires = 0;  // unix time, 0 = never (signature expiration time subpacket)
  std::string origin;   // the file it came from, for messages
  std::string issuer_fingerprint;  // from the hashed issuer-fingerprint subpacket, upper hex, may be empty
  std::string issuer_key_id;       // 16 hex chars, from either subpacket area
  std::vector<unsigned char> hashed_trailer;  // the bytes appended to the data when hashing
  std::vector<unsigned char> hash_prefix;     // left 16 bits of the hash
  std::vector<unsigned char> sig_material;    // RSA: m^d mod n big-endian; EdDSA: R||S (64 bytes)
};

// An armored (.asc) or binary (.sig) detached signature over binary data (type 0x00) with
// SHA-256, SHA-384 or SHA-512; exactly one signature packet.
Result<Signature> parse_signature(const std::string& data, const std::string& origin);

struct Verified {
  std::string fingerprint;  // of the key that made the signature
  std::string user_id;
  int64_t created = 0;
};

// Hashes the signed data as it streams past (one pass with download and unpacking), then
// checks the signature against the keys of `ring`.
class SignatureCheck final : public ByteSink {
 public:
  explicit SignatureCheck(Signature sig);
  ~SignatureCheck() override;
  Status write(const unsigned char* data, size_t n) override;
  // When `d` sees the same bytes with the signature's hash algorithm, the check reuses its
  // pass (write() then does nothing): one SHA-512 over a release instead of two. `d` must
  // outlive verify(). Returns whether the digest is shared.
  bool share_digest(const DigestSink& d);
  // `now` for key-expiry checks. Errors name the signing key and what is wrong.
  Result<Verified> verify(const KeyRing& ring, int64_t now) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ka::pgp

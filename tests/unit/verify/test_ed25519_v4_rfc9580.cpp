// Algorithm 27 (Ed25519 of RFC 9580) in v4 packets: GnuPG 2.2 cannot make these, so the key, its
// self-signature and a data signature are built here byte by byte and signed with OpenSSL.
#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <ctime>

#include "verify/openpgp.hpp"

using namespace ka;
using namespace ka::pgp;
using Bytes = std::vector<unsigned char>;

namespace {

// Appending byte by byte: GCC 12's -Warray-bounds misfires on vector::insert after an
// initializer-list construction, a known GCC 12 false positive.
void app(Bytes& b, std::initializer_list<int> l) {
  for (int x : l) b.push_back(static_cast<unsigned char>(x));
}
void app(Bytes& b, const Bytes& x) {
  for (unsigned char c : x) b.push_back(c);
}

void u32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(v >> s));
}

Bytes packet(int tag, const Bytes& body) {
  Bytes p;
  REQUIRE(body.size() < 192);
  app(p, {0xC0 | tag, static_cast<int>(body.size())});
  app(p, body);
  return p;
}

Bytes digest(const EVP_MD* md, const Bytes& a, const Bytes& b) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  REQUIRE(EVP_DigestInit_ex(c, md, nullptr) == 1);
  REQUIRE(EVP_DigestUpdate(c, a.data(), a.size()) == 1);
  REQUIRE(EVP_DigestUpdate(c, b.data(), b.size()) == 1);
  REQUIRE(EVP_DigestFinal_ex(c, out.data(), &n) == 1);
  EVP_MD_CTX_free(c);
  out.resize(n);
  return out;
}

struct Signer {
  EVP_PKEY* key = nullptr;
  Bytes pub;
  Signer() {
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    REQUIRE(EVP_PKEY_keygen_init(c) == 1);
    REQUIRE(EVP_PKEY_keygen(c, &key) == 1);
    EVP_PKEY_CTX_free(c);
    pub.resize(32);
    size_t n = 32;
    REQUIRE(EVP_PKEY_get_raw_public_key(key, pub.data(), &n) == 1);
  }
  ~Signer() { EVP_PKEY_free(key); }
  Bytes sign(const Bytes& msg) const {
    Bytes sig(64);
    size_t n = 64;
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    REQUIRE(EVP_DigestSignInit(c, nullptr, nullptr, nullptr, key) == 1);
    REQUIRE(EVP_DigestSign(c, sig.data(), &n, msg.data(), msg.size()) == 1);
    EVP_MD_CTX_free(c);
    return sig;
  }
};

// A v4 signature packet body: SHA-256, creation time and issuer fingerprint hashed.
Bytes sig_body(const Signer& s, int type, uint32_t created, const Bytes& fpr, const Bytes& hashed_prefix) {
  Bytes hashed;
  app(hashed, {5, 2});
  u32(hashed, created);
  app(hashed, {22, 33, 4});
  app(hashed, fpr);
  Bytes body;
  app(body, {4, type, 27, 8, 0, static_cast<int>(hashed.size())});
  app(body, hashed);
  Bytes trailer = body;
  app(trailer, {0x04, 0xFF});
  u32(trailer, static_cast<uint32_t>(body.size()));
  Bytes h = digest(EVP_sha256(), hashed_prefix, trailer);
  app(body, {0, 0});  // no unhashed subpackets
  app(body, {h[0], h[1]});
  app(body, s.sign(h));
  return body;
}

}  // namespace

TEST_CASE("RFC 9580 Ed25519 (algorithm 27) in a v4 key and signature verifies") {
  Signer s;
  const uint32_t created = static_cast<uint32_t>(std::time(nullptr)) - 3600;
  Bytes key;
  app(key, {4});
  u32(key, created);
  app(key, {27});
  app(key, s.pub);
  Bytes kpre;
  app(kpre, {0x99, 0, static_cast<int>(key.size())});
  app(kpre, key);
  Bytes fpr = digest(EVP_sha1(), kpre, {});
  const std::string uid = "RFC 9580 <new@example.test>";
  Bytes upre = kpre;
  upre.push_back(0xB4);
  u32(upre, static_cast<uint32_t>(uid.size()));
  app(upre, Bytes(uid.begin(), uid.end()));
  Bytes keyfile = packet(6, key);
  Bytes uidp = packet(13, Bytes(uid.begin(), uid.end()));
  app(keyfile, uidp);
  Bytes self = packet(2, sig_body(s, 0x13, created, fpr, upre));
  app(keyfile, self);

  auto ring = parse_keys(std::string(keyfile.begin(), keyfile.end()), "rfc9580.key");
  REQUIRE(ring.ok());
  REQUIRE(ring->keys.size() == 1);
  CHECK(ring->keys[0].pubkey_algo == 27);
  CHECK(ring->keys[0].user_id == uid);

  const std::string data = "payload signed with algorithm 27";
  Bytes sig = packet(2, sig_body(s, 0x00, created + 60, fpr, Bytes(data.begin(), data.end())));
  auto parsed = parse_signature(std::string(sig.begin(), sig.end()), "data.sig");
  REQUIRE(parsed.ok());
  SignatureCheck good(parsed.value());
  REQUIRE(good.write(reinterpret_cast<const unsigned char*>(data.data()), data.size()).ok());
  auto v = good.verify(*ring, created + 120);
  REQUIRE(v.ok());
  CHECK(v->user_id == uid);
  SignatureCheck bad(parsed.value());
  REQUIRE(bad.write(reinterpret_cast<const unsigned char*>(data.data()), data.size() - 1).ok());
  CHECK_FALSE(bad.verify(*ring, created + 120).ok());

  // Without a valid self-signature the key is skipped, with the reason.
  keyfile.back() ^= 1;
  auto broken = parse_keys(std::string(keyfile.begin(), keyfile.end()), "rfc9580.key");
  REQUIRE(broken.ok());
  CHECK(broken->keys.empty());
  REQUIRE(broken->skipped.size() == 1);
  CHECK(broken->skipped[0].reason.find("no valid self-signature") != std::string::npos);
}

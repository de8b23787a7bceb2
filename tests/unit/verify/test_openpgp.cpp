#include <catch2/catch.hpp>

#include <ctime>

#include "fixtures.hpp"
#include "verify/openpgp.hpp"
#include "verify/pinned.hpp"

using namespace ka;
using namespace ka::pgp;
using verify_test::fixtures;

namespace {

const int64_t kNow = static_cast<int64_t>(std::time(nullptr));

KeyRing test_ring() {
  auto r = parse_keys(fixtures().file("KEYS"), "test KEYS");
  REQUIRE(r.ok());
  return std::move(r).value();
}

Result<Verified> check(const std::string& sig_file, const std::string& data, const KeyRing& ring, int64_t now = kNow) {
  auto sig = parse_signature(fixtures().file(sig_file), sig_file);
  if (!sig.ok()) return std::move(sig).error();
  SignatureCheck c(std::move(sig).value());
  // In uneven chunks, as a download delivers them.
  size_t pos = 0, step = 1;
  while (pos < data.size()) {
    size_t n = std::min(step, data.size() - pos);
    REQUIRE(c.write(reinterpret_cast<const unsigned char*>(data.data()) + pos, n).ok());
    pos += n;
    step = step * 3 + 1;
  }
  return c.verify(ring, now);
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("gpg-made test KEYS: every key found with its fingerprint and user ID") {
  auto ring = test_ring();
  const auto& f = fixtures();
  const PublicKey* rsa = ring.find(f.fpr("rsa"));
  REQUIRE(rsa);
  CHECK(rsa->algorithm == "rsa4096");
  CHECK(rsa->user_id == "Test RSA <rsa@example.test>");
  CHECK(rsa->expires == 0);
  const PublicKey* ed = ring.find(f.fpr("ed"));
  REQUIRE(ed);
  CHECK(ed->algorithm == "ed25519");
  CHECK(ed->pubkey_algo == 22);
  const PublicKey* exp = ring.find(f.fpr("exp"));
  REQUIRE(exp);
  CHECK(exp->expires > exp->created);
  CHECK(exp->expires - exp->created <= 2 * 86400);
  // Key ID lookup, lower case and with spaces.
  std::string id = f.fpr("ed").substr(24);
  for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(ring.find("0x" + id.substr(0, 8) + " " + id.substr(8)) == ed);
  // The signing subkey is bound to its primary; the ring holds both.
  const PublicKey* sub = ring.find(f.fpr("sub.sub"));
  REQUIRE(sub);
  CHECK(sub->primary_fingerprint == f.fpr("sub"));
  const PublicKey* subp = ring.find(f.fpr("sub"));
  REQUIRE(subp);
  CHECK_FALSE(subp->can_sign);  // certify-only primary
  CHECK(subp->subkey_fingerprints == std::vector<std::string>{f.fpr("sub.sub")});
  CHECK(ring.find(f.fpr("other")) == nullptr);
}

TEST_CASE("good signatures by real GnuPG verify: RSA SHA-256, RSA SHA-512, Ed25519, subkey, binary .sig") {
  auto ring = test_ring();
  const auto& f = fixtures();
  for (auto [file, key] : {std::pair{"rsa256.asc", "rsa"}, {"rsa512.asc", "rsa"}, {"ed.asc", "ed"}, {"sub.asc", "sub.sub"},
                           {"rsabin.sig", "rsa"}}) {
    INFO(file);
    auto v = check(file, f.data, ring);
    REQUIRE(v.ok());
    CHECK(v->fingerprint == f.fpr(key));
    CHECK(v->created > 0);
  }
  auto s256 = parse_signature(f.file("rsa256.asc"), "x");
  REQUIRE(s256.ok());
  CHECK(s256->hash_algo == 8);
  CHECK(s256->issuer_fingerprint == f.fpr("rsa"));
  auto s512 = parse_signature(f.file("rsa512.asc"), "x");
  REQUIRE(s512.ok());
  CHECK(s512->hash_algo == 10);
}

TEST_CASE("a flipped data byte is a bad signature naming the key") {
  auto ring = test_ring();
  const auto& f = fixtures();
  for (const char* file : {"rsa512.asc", "ed.asc"}) {
    std::string data = f.data;
    data[1234] ^= 0x01;
    auto v = check(file, data, ring);
    REQUIRE_FALSE(v.ok());
    CHECK(contains(v.error().message, "bad signature"));
    CHECK(contains(v.error().message, file));
  }
  // Same 16-bit prefix is not enough: a truncated payload fails too.
  auto v = check("rsa256.asc", f.data.substr(0, f.data.size() - 1), ring);
  REQUIRE_FALSE(v.ok());
  CHECK(contains(v.error().message, "bad signature"));
}

TEST_CASE("a signature by a key not in the ring is refused, naming the key") {
  auto ring = test_ring();
  auto v = check("other.asc", fixtures().data, ring);
  REQUIRE_FALSE(v.ok());
  CHECK(contains(v.error().message, "signature by key " + fixtures().fpr("other") + " which is not in test KEYS"));
  // The same signature is good once its key is accepted by fingerprint.
  auto other = accept_key_with_fingerprint(fixtures().file("other.pub"), fixtures().fpr("other"), "other.pub");
  REQUIRE(other.ok());
  CHECK(check("other.asc", fixtures().data, *other).ok());
}

TEST_CASE("an expired key is refused") {
  auto ring = test_ring();
  CHECK(check("exp.asc", fixtures().data, ring).ok());
  auto v = check("exp.asc", fixtures().data, ring, kNow + 3 * 86400);
  REQUIRE_FALSE(v.ok());
  CHECK(contains(v.error().message, "expired"));
  CHECK(contains(v.error().message, fixtures().fpr("exp")));
}

TEST_CASE("truncated armor and CRC24 mismatch are errors that say so") {
  std::string asc = fixtures().file("rsa512.asc");
  SECTION("cut before the END line") {
    auto r = parse_signature(asc.substr(0, asc.size() / 2), "kafka.tgz.asc");
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "truncated armor"));
    CHECK(contains(r.error().message, "kafka.tgz.asc"));
  }
  SECTION("a base64 line cut short, END line kept") {
    auto end = asc.find("\n=");
    REQUIRE(end != std::string::npos);
    std::string cut = asc.substr(0, end - 3) + asc.substr(end);
    auto r = parse_signature(cut, "kafka.tgz.asc");
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "kafka.tgz.asc"));
  }
  SECTION("one base64 character changed") {
    auto body = asc.find("\n\n") + 2;
    std::string bad = asc;
    bad[body + 10] = bad[body + 10] == 'A' ? 'B' : 'A';
    auto r = parse_signature(bad, "kafka.tgz.asc");
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "CRC24 mismatch"));
  }
  SECTION("an empty file and an HTML error page") {
    CHECK_FALSE(parse_signature("", "a.asc").ok());
    auto r = parse_signature("<html>404</html>", "a.asc");
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "no OpenPGP data in a.asc"));
  }
}

TEST_CASE("truncated binary signature is an error") {
  std::string sig = fixtures().file("rsabin.sig");
  for (size_t cut : {size_t{1}, size_t{3}, sig.size() / 2, sig.size() - 1}) {
    auto r = parse_signature(sig.substr(0, cut), "x.sig");
    REQUIRE_FALSE(r.ok());
    CHECK(contains(r.error().message, "x.sig"));
  }
}

TEST_CASE("SHA-1 data signatures are refused") {
  auto r = parse_signature(fixtures().file("rsasha1.asc"), "old.asc");
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.error().message, "SHA-1"));
}

TEST_CASE("a key block is not a signature and a signature is not a key") {
  auto r = parse_signature(fixtures().file("KEYS"), "KEYS");
  REQUIRE_FALSE(r.ok());
  CHECK(contains(r.error().message, "PGP PUBLIC KEY BLOCK"));
  auto k = parse_keys(fixtures().file("rsa512.asc"), "sig.asc");
  REQUIRE_FALSE(k.ok());
}

TEST_CASE("accept_key_with_fingerprint keeps the pinned key and refuses a substitute") {
  const auto& f = fixtures();
  auto ok = accept_key_with_fingerprint(f.file("KEYS"), f.fpr("sub"), "KEYS");
  REQUIRE(ok.ok());
  CHECK(ok->keys.size() == 2);  // primary and its signing subkey
  CHECK(check("sub.asc", f.data, *ok).ok());
  CHECK_FALSE(check("rsa512.asc", f.data, *ok).ok());
  auto wrong = accept_key_with_fingerprint(f.file("other.pub"), pinned_adoptium_fingerprint(), "adoptium.asc");
  REQUIRE_FALSE(wrong.ok());
  CHECK(contains(wrong.error().message, "does not hold key 3B04D753C9050D9A5D343F39843C48A565F8F04B"));
  CHECK_FALSE(accept_key_with_fingerprint(f.file("other.pub"), "1234", "x").ok());
}

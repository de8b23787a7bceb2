#include <catch2/catch.hpp>

#include <set>

#include "fixtures.hpp"
#include "core/text.hpp"
#include "verify/openpgp.hpp"
#include "verify/pinned.hpp"

using namespace ka;
using namespace ka::pgp;

namespace {

struct Expected {
  std::string fpr, date, uid;
};

std::vector<Expected> expected_keys() {
  std::vector<Expected> out;
  std::istringstream in(verify_test::slurp(std::string(KA_FIXTURES_DIR) + "/kafka-KEYS-fingerprints.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    out.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return out;
}

std::string date_of(int64_t t) { return format_utc(t, "%Y-%m-%d"); }

void check_matches_tsv(const KeyRing& ring) {
  auto expected = expected_keys();
  REQUIRE(expected.size() == 39);
  std::set<std::string> want, got;
  for (const auto& e : expected) want.insert(e.fpr);
  for (const auto& k : ring.keys)
    if (k.primary_fingerprint.empty()) got.insert(k.fingerprint);
  CHECK(got == want);
  for (const auto& e : expected) {
    INFO(e.fpr);
    const PublicKey* k = ring.find(e.fpr);
    REQUIRE(k);
    CHECK(date_of(k->created) == e.date);
    CHECK(k->user_id == e.uid);
    CHECK((k->algorithm.rfind("rsa", 0) == 0 || k->algorithm == "ed25519"));
  }
  // Nothing else in the file is a usable primary key, and what was left out says why.
  for (const auto& s : ring.skipped) {
    INFO(s.fingerprint_or_id);
    CHECK_FALSE(s.reason.empty());
    CHECK(want.count(s.fingerprint_or_id) == 0);
  }
}

}  // namespace

TEST_CASE("the real Apache Kafka KEYS parses to exactly the fingerprints gpg lists") {
  auto ring = parse_keys(verify_test::slurp(std::string(KA_FIXTURES_DIR) + "/kafka-KEYS"), "kafka-KEYS");
  REQUIRE(ring.ok());
  check_matches_tsv(*ring);
  // Facts gpg reports for some of them.
  const PublicKey* douglas = ring->find("8DC50142588C3C2044B9983B68255A3053038328");
  REQUIRE(douglas);
  CHECK(douglas->revoked);  // its first block is a revocation certificate
  const PublicKey* shapira = ring->find("DBF57259F7B0DF66D3F6FB2073855CE2D0A67B5A");
  REQUIRE(shapira);
  CHECK(shapira->expires == 1568050411);
  const PublicKey* kozlovski = ring->find("7C38C2F6E7DF40E527C7C996DE0D9D12FB1360DA");
  REQUIRE(kozlovski);
  CHECK(kozlovski->algorithm == "ed25519");
  // Matthias J. Sax signs with a subkey (gpg: "sub rsa4096 ... [S]").
  const PublicKey* sax_sub = ring->find("638DD2A63F3A0F00");
  REQUIRE(sax_sub);
  CHECK(sax_sub->primary_fingerprint == "926D5A8B7D1ADA5B5F7A1F4D48307CB31DCC852D");
  CHECK(sax_sub->user_id == "Matthias J. Sax <mjsax@apache.org>");
  // 39 primaries and that one signing subkey; the encryption subkeys are not signing keys.
  CHECK(ring->keys.size() == 40);
}

TEST_CASE("the KEYS pinned in the binary is the real Apache Kafka KEYS") {
  const KeyRing& ring = pinned_kafka_keys();
  CHECK(ring.origin == "the pinned Apache Kafka KEYS");
  check_matches_tsv(ring);
  CHECK(pinned_adoptium_fingerprint() == "3B04D753C9050D9A5D343F39843C48A565F8F04B");
}

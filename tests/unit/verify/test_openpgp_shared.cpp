// SignatureCheck reusing a DigestSink's pass gives the same verdicts as hashing on its own.
#include <catch2/catch.hpp>

#include <ctime>

#include "fixtures.hpp"
#include "verify/checksum.hpp"
#include "verify/openpgp.hpp"

using namespace ka;
using namespace ka::pgp;
using verify_test::fixtures;

namespace {
Result<Verified> check_shared(const std::string& sig_file, const std::string& data, DigestAlgo algo, bool expect_shared) {
  auto ring = parse_keys(fixtures().file("KEYS"), "test KEYS");
  REQUIRE(ring.ok());
  auto sig = parse_signature(fixtures().file(sig_file), sig_file);
  REQUIRE(sig.ok());
  DigestSink digest(algo);
  SignatureCheck c(std::move(sig).value());
  CHECK(c.share_digest(digest) == expect_shared);
  TeeSink tee({&digest, &c});
  REQUIRE(tee.write(reinterpret_cast<const unsigned char*>(data.data()), data.size()).ok());
  return c.verify(*ring, static_cast<int64_t>(std::time(nullptr)));
}
}  // namespace

TEST_CASE("a signature check shares the digest pass when the hash is the same") {
  const auto& f = fixtures();
  CHECK(check_shared("rsa512.asc", f.data, DigestAlgo::sha512, true).ok());
  CHECK(check_shared("rsa256.asc", f.data, DigestAlgo::sha256, true).ok());
  // different hashes: the check hashes on its own and still verifies
  CHECK(check_shared("rsa256.asc", f.data, DigestAlgo::sha512, false).ok());
  std::string bad = f.data;
  bad[10] ^= 1;
  auto v = check_shared("rsa512.asc", bad, DigestAlgo::sha512, true);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message.find("bad signature") != std::string::npos);
}

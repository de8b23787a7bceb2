#include <catch2/catch.hpp>

#include "verify/checksum.hpp"

using namespace ka;

namespace {
// The real kafka_2.13-4.0.0.tgz.sha512 (gpg --print-md SHA512 layout).
const char* kReal400 =
    "kafka_2.13-4.0.0.tgz: 00722AB0 A6B954E0 006994B8 D589DCD8 F26E1827 C47F70B6\n"
    "                      E820FB45 AA35945C 19163B0F 188CAF0C AF976C11 F7AB005F\n"
    "                      D368C54E 5851E899 D2DE687A 804A5EB9\n";
const std::string kReal400Hex =
    "00722ab0a6b954e0006994b8d589dcd8f26e1827c47f70b6e820fb45aa35945c19163b0f188caf0caf976c11f7ab005f"
    "d368c54e5851e899d2de687a804a5eb9";

std::string hash_of(DigestAlgo a, const std::string& s) {
  DigestSink d(a);
  REQUIRE(d.write(reinterpret_cast<const unsigned char*>(s.data()), s.size()).ok());
  return d.hex();
}
}  // namespace

TEST_CASE("DigestSink: SHA-256 and SHA-512 of known inputs, streamed in pieces") {
  CHECK(hash_of(DigestAlgo::sha256, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hash_of(DigestAlgo::sha512, "") ==
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
  DigestSink d(DigestAlgo::sha256);
  const unsigned char a = 'a', bc[] = {'b', 'c'};
  REQUIRE(d.write(&a, 1).ok());
  CHECK(d.hex() == "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");  // mid-stream
  REQUIRE(d.write(bc, 2).ok());
  CHECK(d.hex() == hash_of(DigestAlgo::sha256, "abc"));
}

TEST_CASE(".sha512 in the gpg --print-md layout (the real 4.0.0 file)") {
  auto r = parse_sha512_file(kReal400, "kafka_2.13-4.0.0.tgz");
  REQUIRE(r.ok());
  CHECK(*r == kReal400Hex);
  // Older gpg: lower-case groups on one line, CRLF.
  std::string one_line = "kafka_2.13-4.0.0.tgz: ";
  for (size_t i = 0; i < kReal400Hex.size(); i += 8) one_line += kReal400Hex.substr(i, 8) + " ";
  CHECK(parse_sha512_file(one_line + "\r\n", "kafka_2.13-4.0.0.tgz").value() == kReal400Hex);
  // Without an expected name the name is not checked.
  CHECK(parse_sha512_file(kReal400, "").value() == kReal400Hex);
}

TEST_CASE(".sha512 in the sha512sum and BSD layouts") {
  CHECK(parse_sha512_file(kReal400Hex + "  kafka_2.13-4.0.0.tgz\n", "kafka_2.13-4.0.0.tgz").value() == kReal400Hex);
  CHECK(parse_sha512_file(kReal400Hex + " *kafka_2.13-4.0.0.tgz\n", "kafka_2.13-4.0.0.tgz").value() == kReal400Hex);
  CHECK(parse_sha512_file(kReal400Hex + "\n", "kafka_2.13-4.0.0.tgz").value() == kReal400Hex);
  CHECK(parse_sha512_file("SHA512 (kafka_2.13-4.0.0.tgz) = " + kReal400Hex + "\n", "kafka_2.13-4.0.0.tgz").value() == kReal400Hex);
}

TEST_CASE(".sha512 for another file is refused, naming both names") {
  auto r = parse_sha512_file(kReal400, "kafka_2.13-3.9.0.tgz");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == Exit::usage);
  CHECK(r.error().message.find("kafka_2.13-4.0.0.tgz") != std::string::npos);
  CHECK(r.error().message.find("kafka_2.13-3.9.0.tgz") != std::string::npos);
  CHECK_FALSE(parse_sha512_file(kReal400Hex + "  other.tgz\n", "kafka_2.13-4.0.0.tgz").ok());
}

TEST_CASE(".sha512 with bad hex or the wrong length is refused") {
  std::string bad = kReal400;
  bad[30] = 'G';
  auto r = parse_sha512_file(bad, "kafka_2.13-4.0.0.tgz");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("'G' is not a hex digit") != std::string::npos);
  auto shortr = parse_sha512_file("kafka_2.13-4.0.0.tgz: 00722AB0 A6B954E0\n", "kafka_2.13-4.0.0.tgz");
  REQUIRE_FALSE(shortr.ok());
  CHECK(shortr.error().message.find("128 hex digits") != std::string::npos);
  CHECK_FALSE(parse_sha512_file("", "x").ok());
  CHECK_FALSE(parse_sha512_file("<html><body>Not Found</body></html>", "x").ok());
  // A SHA-256 where a SHA-512 belongs.
  CHECK_FALSE(parse_sha512_file(std::string(64, 'a') + "  x\n", "x").ok());
}

TEST_CASE("Temurin .sha256.txt") {
  const std::string hex = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
  const std::string name = "OpenJDK21U-jdk_x64_linux_hotspot_21.0.5_11.tar.gz";
  CHECK(parse_sha256_file(hex + "  " + name + "\n", name).value() == hex);
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(parse_sha256_file(upper + "  " + name, name).value() == hex);
  CHECK_FALSE(parse_sha256_file(hex + "  other.tar.gz\n", name).ok());
  CHECK_FALSE(parse_sha256_file(hex.substr(1) + "  " + name + "\n", name).ok());
  CHECK_FALSE(parse_sha256_file("", name).ok());
}

TEST_CASE("normalize_hex_digest for --sha512") {
  CHECK(normalize_hex_digest(" " + kReal400Hex + "\n", DigestAlgo::sha512, "--sha512").value() == kReal400Hex);
  auto r = normalize_hex_digest("xyz", DigestAlgo::sha512, "--sha512");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.rfind("--sha512", 0) == 0);
}

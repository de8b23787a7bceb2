#include <catch2/catch.hpp>

#include "fixtures.hpp"
#include "verify/openpgp.hpp"
#include "verify/pgp_detail.hpp"

using namespace ka;
using namespace ka::pgp::detail;

TEST_CASE("crc24 matches RFC 9580's reference values") {
  CHECK(crc24(nullptr, 0) == 0xB704CE);
  const unsigned char abc[] = {'a', 'b', 'c'};
  CHECK(crc24(abc, 3) == 0xBA1C7B);
}

TEST_CASE("packet headers: every old and new length encoding") {
  Bytes body(300, 0x5A);
  auto one = [&](Bytes hdr, size_t len) {
    hdr.insert(hdr.end(), body.begin(), body.begin() + static_cast<std::ptrdiff_t>(len));
    auto r = split_packets(hdr, "t");
    REQUIRE(r.ok());
    REQUIRE(r->size() == 1);
    CHECK(r->front().body.size() == len);
    return r->front();
  };
  CHECK(one({0x88, 5}, 5).tag == 2);                       // old, 1-octet length
  CHECK(one({0x89, 0x01, 0x2C}, 300).tag == 2);            // old, 2-octet
  CHECK(one({0x8A, 0, 0, 0x01, 0x2C}, 300).tag == 2);      // old, 4-octet
  CHECK(one({0x8B}, 300).tag == 2);                        // old, indeterminate: to the end
  CHECK(one({0xC2, 100}, 100).tag == 2);                   // new, 1-octet
  CHECK(one({0xC2, 0xC0, 0x6C}, 300).tag == 2);            // new, 2-octet: (0<<8)+108+192
  CHECK(one({0xC2, 0xFF, 0, 0, 0x01, 0x2C}, 300).tag == 2);  // new, 5-octet
  // new, partial: 256 (0xE8) + 32 (0xE5) + final 12.
  Bytes p = {0xCB, 0xE8};
  p.insert(p.end(), 256, 1);
  p.push_back(0xE5);
  p.insert(p.end(), 32, 2);
  p.push_back(12);
  p.insert(p.end(), 12, 3);
  auto r = split_packets(p, "t");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK(r->front().tag == 11);
  CHECK(r->front().partial);
  CHECK(r->front().body.size() == 300);
  CHECK(r->front().body[299] == 3);
}

TEST_CASE("packet headers: truncation, a missing tag bit and tag 0 are errors") {
  CHECK_FALSE(split_packets({0x88}, "t").ok());
  CHECK_FALSE(split_packets({0x88, 5, 1, 2}, "t").ok());
  CHECK_FALSE(split_packets({0xC2, 0xFF, 0, 0}, "t").ok());
  CHECK_FALSE(split_packets({0xC2, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, "t").ok());
  CHECK_FALSE(split_packets({0xCB, 0xE8, 1, 2}, "t").ok());
  auto r = split_packets({0x42, 0}, "file.sig");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("file.sig at byte 0") != std::string::npos);
  CHECK_FALSE(split_packets({0xC0, 0}, "t").ok());
}

TEST_CASE("a signature in partial-length chunks is refused (only data packets may use them)") {
  auto sig = ka::pgp::parse_signature(verify_test::fixtures().file("rsabin.sig"), "x");
  REQUIRE(sig.ok());
  // Re-frame the real signature packet body with a partial first chunk.
  const std::string raw = verify_test::fixtures().file("rsabin.sig");
  auto packets = split_packets(Bytes(raw.begin(), raw.end()), "x");
  REQUIRE(packets.ok());
  const Bytes& body = packets->front().body;
  REQUIRE(body.size() > 256);
  Bytes p(2 + body.size() + 2);
  p.resize(2);
  p[0] = 0xC2;  // new header, tag 2 (signature)
  p[1] = 0xE8;  // partial: 256 bytes follow
  p.insert(p.end(), body.begin(), body.begin() + 256);
  size_t rest = body.size() - 256;
  REQUIRE(rest >= 192);
  REQUIRE(rest < 8384);
  p.push_back(static_cast<unsigned char>(((rest - 192) >> 8) + 192));  // two-octet final length
  p.push_back(static_cast<unsigned char>((rest - 192) & 0xFF));
  p.insert(p.end(), body.begin() + 256, body.end());
  // The framing itself is fine: the same bytes split into one packet with the whole body.
  auto reframed = split_packets(p, "y");
  REQUIRE(reframed.ok());
  CHECK(reframed->front().body == body);
  auto r = ka::pgp::parse_signature(std::string(p.begin(), p.end()), "partial.sig");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("partial") != std::string::npos);
}

TEST_CASE("armor: headers, CRLF, missing CRC line, several blocks with text around") {
  const std::string asc = verify_test::fixtures().file("rsa256.asc");
  auto plain = dearmor_all(asc, "a");
  REQUIRE(plain.ok());
  REQUIRE(plain->size() == 1);
  CHECK(plain->front().label == "PGP SIGNATURE");
  // CRLF line ends and a Comment header.
  std::string crlf;
  for (char c : asc) {
    if (c == '\n') crlf += "\r";
    crlf += c;
  }
  crlf.insert(crlf.find("\r\n") + 2, "Comment: made by a test\r\n");
  auto r2 = dearmor_all(crlf, "b");
  REQUIRE(r2.ok());
  CHECK(r2->front().data == plain->front().data);
  // RFC 9580 makes the CRC line optional.
  std::string nocrc = asc;
  auto eq = nocrc.find("\n=");
  nocrc.erase(eq + 1, nocrc.find('\n', eq + 1) - eq);
  auto r3 = dearmor_all(nocrc, "c");
  REQUIRE(r3.ok());
  CHECK(r3->front().data == plain->front().data);
  auto r4 = dearmor_all("text\n" + asc + "more text\n" + asc, "d");
  REQUIRE(r4.ok());
  CHECK(r4->size() == 2);
  // Mismatched END label.
  std::string bad = asc;
  bad.replace(bad.find("END PGP SIGNATURE"), 17, "END PGP MESSAGE");
  CHECK_FALSE(dearmor_all(bad, "e").ok());
}

// OpenPGP keys and detached signatures (RFC 9580; v4 only), verified with OpenSSL 3.
//
// What is trusted: the key material whose fingerprint the caller pinned (the KEYS file compiled
// into the binary, or a fingerprint). Everything else attached to a key (user IDs, expiry,
// subkeys, revocations) counts only when its signature by that key verifies, so a key from a
// key server cannot gain a forged signing subkey or lose its expiry.
#include "verify/openpgp.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <optional>

#include "verify/pgp_detail.hpp"

namespace ka::pgp {

using detail::Bytes;

namespace {

// ---- small helpers --------------------------------------------------------------------------

std::string hex_upper(const unsigned char* p, size_t n) { return hex_encode(p, n, true); }

std::string utc_date(int64_t t) { return format_utc(t, "%Y-%m-%d %H:%M:%S UTC"); }

// Reads big-endian fields; a read past the end yields zeros and clears ok, so parsers check once.
struct Reader {
  const unsigned char* p;
  size_t n;
  size_t pos = 0;
  bool ok = true;
  explicit Reader(const Bytes& b) : p(b.data()), n(b.size()) {}
  Reader(const unsigned char* d, size_t len) : p(d), n(len) {}
  bool need(size_t k) {
    if (!ok || k > n - pos) ok = false;
    return ok;
  }
  unsigned u8() { return need(1) ? p[pos++] : 0; }
  unsigned u16() {
    if (!need(2)) return 0;
    unsigned v = (unsigned{p[pos]} << 8) | p[pos + 1];
    pos += 2;
    return v;
  }
  uint32_t u32() {
    if (!need(4)) return 0;
    uint32_t v = (uint32_t{p[pos]} << 24) | (uint32_t{p[pos + 1]} << 16) | (uint32_t{p[pos + 2]} << 8) | p[pos + 3];
    pos += 4;
    return v;
  }
  Bytes take(size_t k) {
    if (!need(k)) return {};
    Bytes b(p + pos, p + pos + k);
    pos += k;
    return b;
  }
  // A multiprecision integer: bit count, then the bytes; leading zero bytes dropped.
  Bytes mpi() {
    unsigned bits = u16();
    Bytes b = take((bits + 7) / 8);
    size_t z = 0;
    while (z < b.size() && b[z] == 0) ++z;
    b.erase(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(z));
    return b;
  }
  size_t left() const { return ok ? n - pos : 0; }
};

void put_u32(Bytes& b, uint32_t v) {
  b.push_back(static_cast<unsigned char>(v >> 24));
  b.push_back(static_cast<unsigned char>(v >> 16));
  b.push_back(static_cast<unsigned char>(v >> 8));
  b.push_back(static_cast<unsigned char>(v));
}

using EvpPtr = std::shared_ptr<void>;
EvpPtr own(EVP_PKEY* k) {
  return EvpPtr(k, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
}

const EVP_MD* md_for(int hash_algo) {
  switch (hash_algo) {
    case 1: return EVP_md5();  // only ever used to honour a revocation (hash_ok_for_revocation)
    case 2: return EVP_sha1();
    case 8: return EVP_sha256();
    case 9: return EVP_sha384();
    case 10: return EVP_sha512();
    case 11: return EVP_sha224();
    default: return nullptr;
  }
}

std::string hash_name(int h) {
  switch (h) {
    case 1: return "MD5";
    case 2: return "SHA-1";
    case 3: return "RIPEMD-160";
    case 8: return "SHA-256";
    case 9: return "SHA-384";
    case 10: return "SHA-512";
    case 11: return "SHA-224";
    case 12: return "SHA3-256";
    case 14: return "SHA3-512";
    default: return "hash algorithm " + std::to_string(h);
  }
}

// SHA-1 is accepted only on self-signatures made before it was widely retired for them
// (2023-02-01, the cut-off Sequoia's standard policy uses), because the older keys in the Apache
// KEYS were certified with it. Data signatures need SHA-256 or better.
constexpr int64_t kSha1CertCutoff = 1675209600;

bool hash_ok_for_data(int h) { return h == 8 || h == 9 || h == 10; }
bool hash_ok_for_cert(int h, int64_t created) { return h == 8 || h == 9 || h == 10 || h == 11 || (h == 2 && created < kSha1CertCutoff); }
// A revocation only takes trust away: a forged one can do no more than refuse a good key, so it
// counts whatever hash it was made with, as long as we can compute that hash (GnuPG does the same).
bool hash_ok_for_revocation(int h) { return md_for(h) != nullptr; }

// ---- keys -----------------------------------------------------------------------------------

const unsigned char kEd25519Oid[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01};

struct KeyMaterial {
  int version = 0;
  int algo = 0;
  int64_t created = 0;
  Bytes body;               // the packet body: hashed for fingerprints and key signatures
  std::string fingerprint;  // v4 only
  std::string id;           // fingerprint, or the key ID for a v3 key, or a description
  std::string algorithm;    // "rsa4096", "ed25519"
  EvpPtr evp;               // set when usable for signature checks
  std::string unusable;     // why not, else empty
};

EvpPtr rsa_key(const Bytes& n, const Bytes& e) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* bn_n = BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM* params = nullptr;
  EVP_PKEY_CTX* ctx = nullptr;
  EVP_PKEY* key = nullptr;
  if (bld && bn_n && bn_e && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
      OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1 && (params = OSSL_PARAM_BLD_to_param(bld)) &&
      (ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr)) && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  BN_free(bn_n);
  BN_free(bn_e);
  OSSL_PARAM_BLD_free(bld);
  return key ? own(key) : nullptr;
}

EvpPtr ed25519_key(const unsigned char* pt) {
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pt, 32);
  return k ? own(k) : nullptr;
}

size_t bit_length(const Bytes& b) {
  if (b.empty()) return 0;
  size_t bits = b.size() * 8;
  for (unsigned char top = b[0]; !(top & 0x80); top = static_cast<unsigned char>(top << 1)) --bits;
  return bits;
}

Bytes key_hash_prefix(const Bytes& body) {
  Bytes b;
  b.reserve(body.size() + 3);
  b.push_back(0x99);
  b.push_back(static_cast<unsigned char>(body.size() >> 8));
  b.push_back(static_cast<unsigned char>(body.size()));
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

// The algorithm-specific part of a v4 key: usable RSA and Ed25519 keys get their EVP_PKEY,
// the rest a reason in `unusable`. False: an unknown algorithm, whose material cannot be parsed.
Result<bool> read_key_material(KeyMaterial& k, Reader& r, const std::string& where) {
  auto read_oid = [&]() {
    unsigned len = r.u8();
    return r.take(len);
  };
  switch (k.algo) {
    case 1:
    case 2:
    case 3: {
      Bytes n = r.mpi(), e = r.mpi();
      if (!r.ok || n.empty() || e.empty()) break;
      k.algorithm = "rsa" + std::to_string(bit_length(n));
      if (k.algo == 2) {
        k.unusable = "RSA encrypt-only key (algorithm 2) cannot sign";
      } else if (bit_length(n) < 2048) {
        k.unusable = "RSA key of " + std::to_string(bit_length(n)) + " bits is too weak (2048 at least)";
      } else if (!(k.evp = rsa_key(n, e))) {
        k.unusable = "RSA key rejected by OpenSSL";
      }
      break;
    }
    case 16:
    case 20: r.mpi(); r.mpi(); r.mpi(); k.algorithm = "elgamal"; k.unusable = "ElGamal (algorithm " + std::to_string(k.algo) + ") cannot sign"; break;
    case 17: r.mpi(); r.mpi(); r.mpi(); r.mpi(); k.algorithm = "dsa"; k.unusable = "DSA (algorithm 17) not supported"; break;
    case 18: read_oid(); r.mpi(); { unsigned l = r.u8(); r.take(l); } k.algorithm = "ecdh"; k.unusable = "ECDH (algorithm 18) is for encryption only"; break;
    case 19: read_oid(); r.mpi(); k.algorithm = "ecdsa"; k.unusable = "ECDSA (algorithm 19) not supported"; break;
    case 22: {
      Bytes oid = read_oid();
      Bytes pt = r.mpi();
      if (!r.ok) break;
      bool ed25519 = oid.size() == sizeof kEd25519Oid && std::equal(oid.begin(), oid.end(), kEd25519Oid);
      if (!ed25519) {
        k.algorithm = "eddsa";
        k.unusable = "EdDSA on a curve other than Ed25519 not supported";
      } else if (pt.size() != 33 || pt[0] != 0x40) {
        return bad_input("malformed Ed25519 key in " + where + ": the point is not 0x40 followed by 32 bytes");
      } else {
        k.algorithm = "ed25519";
        if (!(k.evp = ed25519_key(pt.data() + 1))) k.unusable = "Ed25519 key rejected by OpenSSL";
      }
      break;
    }
    case 27: {
      Bytes pt = r.take(32);
      if (!r.ok) break;
      k.algorithm = "ed25519";
      if (!(k.evp = ed25519_key(pt.data()))) k.unusable = "Ed25519 key rejected by OpenSSL";
      break;
    }
    case 25: r.take(32); k.algorithm = "x25519"; k.unusable = "X25519 (algorithm 25) is for encryption only"; break;
    case 26: r.take(56); k.algorithm = "x448"; k.unusable = "X448 (algorithm 26) is for encryption only"; break;
    case 28: r.take(57); k.algorithm = "ed448"; k.unusable = "Ed448 (algorithm 28) not supported"; break;
    default:
      // Unknown material cannot be parsed further; the fingerprint covers it anyway.
      k.unusable = "public-key algorithm " + std::to_string(k.algo) + " not supported";
      return false;
  }
  return true;
}

// v2 and v3 keys are named (by the low 64 bits of the modulus), never used.
KeyMaterial old_key(KeyMaterial k, Reader& r) {
  k.created = r.u32();
  r.u16();
  k.algo = static_cast<int>(r.u8());
  Bytes n = r.mpi();
  k.id = n.size() >= 8 ? hex_upper(n.data() + n.size() - 8, 8) : std::string("v3 key");
  k.unusable = "v3 key: not supported (RFC 9580 requires v4 or later)";
  return k;
}

Result<std::string> v4_fingerprint(const Bytes& body) {
  unsigned char md[20];
  Bytes pre = key_hash_prefix(body);
  unsigned int len = 0;
  if (EVP_Digest(pre.data(), pre.size(), md, &len, EVP_sha1(), nullptr) != 1) return fail("SHA-1 failed (OpenSSL)");
  return hex_upper(md, 20);
}

// A malformed key packet is an error; a well-formed key we cannot use is returned with `unusable`.
Result<KeyMaterial> parse_key(const Bytes& body, const std::string& where) {
  KeyMaterial k;
  k.body = body;
  Reader r(body);
  k.version = static_cast<int>(r.u8());
  if (k.version == 2 || k.version == 3) return old_key(std::move(k), r);
  if (k.version != 4) {
    k.id = "v" + std::to_string(k.version) + " key";
    k.unusable = "v" + std::to_string(k.version) + " key: only v4 keys are supported";
    return k;
  }
  if (body.size() > 0xFFFF) return bad_input("malformed key packet in " + where + ": longer than a v4 key can be");
  k.created = r.u32();
  k.algo = static_cast<int>(r.u8());
  if (!r.ok) return bad_input("truncated key packet in " + where);
  KA_TRY(k.fingerprint, v4_fingerprint(body));
  k.id = k.fingerprint;
  KA_TRY(bool parsed, read_key_material(k, r, where));
  if (!parsed) return k;
  if (!r.ok) return bad_input("truncated key packet for " + k.id + " in " + where);
  if (r.left() != 0) return bad_input("malformed key packet for " + k.id + " in " + where + ": trailing bytes");
  return k;
}

// ---- signatures -----------------------------------------------------------------------------

struct SigPacket {
  int version = 0;
  int type = 0;
  int pk_algo = 0;
  int hash_algo = 0;
  Bytes trailer;  // hashed part: version .. hashed subpackets, then 0x04 0xFF len32
  int64_t created = 0;
  int64_t sig_expires_after = 0;  // seconds after `created`, 0 = never
  int64_t key_expires_after = 0;  // seconds after the key's creation, 0 = never
  int key_flags = -1;             // -1 = no key-flags subpacket
  bool primary_uid = false;       // the primary-user-ID flag
  std::string issuer_fpr, issuer_keyid;
  Bytes prefix;                   // left 16 bits of the hash
  Bytes material;                 // RSA: signature value; EdDSA: R || S (64 bytes)
  Bytes embedded;                 // embedded signature (a subkey's back-signature)
  std::string unsupported;        // why this signature cannot be checked, else empty
};

bool known_subpacket(int t) {
  switch (t) {
    case 2: case 3: case 4: case 5: case 7: case 9: case 11: case 12: case 16: case 21: case 22: case 23:
    case 24: case 25: case 26: case 27: case 28: case 29: case 30: case 31: case 32: case 33: case 34: case 35: case 39:
      return true;
    default:
      return false;
  }
}

// Returns false when the area is malformed.
bool parse_subpackets(const unsigned char* p, size_t n, bool hashed, SigPacket& s) {
  Reader r(p, n);
  while (r.ok && r.left() > 0) {
    size_t len = r.u8();
    if (len >= 192 && len < 255) {
      len = ((len - 192) << 8) + r.u8() + 192;
    } else if (len == 255) {
      len = r.u32();
    }
    if (!r.ok || len == 0 || !r.need(len)) return false;
    const unsigned char* d = r.p + r.pos;
    r.pos += len;
    const int type = d[0] & 0x7F;
    const bool critical = d[0] & 0x80;
    Reader v(d + 1, len - 1);
    switch (type) {
      case 2: if (hashed) s.created = v.u32(); break;
      case 3: if (hashed) s.sig_expires_after = v.u32(); break;
      case 9: if (hashed) s.key_expires_after = v.u32(); break;
      case 16: if (len == 9 && s.issuer_keyid.empty()) s.issuer_keyid = hex_upper(d + 1, 8); break;
      case 25: if (hashed && len >= 2) s.primary_uid = d[1] != 0; break;
      case 27: if (hashed && len >= 2) s.key_flags = d[1]; break;
      case 32: s.embedded.assign(d + 1, d + len); break;
      case 33:
        // v4 issuer fingerprint: version 4 then 20 bytes.
        if (len == 22 && d[1] == 4 && s.issuer_fpr.empty()) s.issuer_fpr = hex_upper(d + 2, 20);
        break;
      default:
        if (critical && hashed && !known_subpacket(type)) s.unsupported = "unknown critical subpacket " + std::to_string(type);
        if (critical && hashed && type == 20) s.unsupported = "critical notation";
    }
    if (!v.ok) return false;
  }
  return r.ok;
}

Result<SigPacket> parse_sig(const Bytes& body, const std::string& where) {
  SigPacket s;
  Reader r(body);
  s.version = static_cast<int>(r.u8());
  if (s.version != 4) {
    s.unsupported = "v" + std::to_string(s.version) + " signature (only v4 is supported)";
    return s;
  }
  s.type = static_cast<int>(r.u8());
  s.pk_algo = static_cast<int>(r.u8());
  s.hash_algo = static_cast<int>(r.u8());
  const size_t hlen = r.u16();
  if (!r.need(hlen)) return bad_input("truncated signature packet in " + where);
  const size_t hstart = r.pos;
  r.pos += hlen;
  s.trailer.assign(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(r.pos));
  const uint32_t tlen = static_cast<uint32_t>(s.trailer.size());
  s.trailer.push_back(0x04);
  s.trailer.push_back(0xFF);
  put_u32(s.trailer, tlen);
  if (!parse_subpackets(body.data() + hstart, hlen, true, s))
    return bad_input("malformed hashed subpackets in the signature in " + where);
  const size_t ulen = r.u16();
  if (!r.need(ulen)) return bad_input("truncated signature packet in " + where);
  if (!parse_subpackets(body.data() + r.pos, ulen, false, s))
    return bad_input("malformed unhashed subpackets in the signature in " + where);
  r.pos += ulen;
  s.prefix = r.take(2);
  switch (s.pk_algo) {
    case 1:
    case 3:
      s.material = r.mpi();
      break;
    case 22: {
      Bytes rr = r.mpi(), ss = r.mpi();
      if (!r.ok) break;
      if (rr.size() > 32 || ss.size() > 32) return bad_input("malformed EdDSA signature in " + where);
      s.material.assign(64, 0);
      std::copy(rr.begin(), rr.end(), s.material.begin() + static_cast<std::ptrdiff_t>(32 - rr.size()));
      std::copy(ss.begin(), ss.end(), s.material.begin() + static_cast<std::ptrdiff_t>(64 - ss.size()));
      break;
    }
    case 27:
      s.material = r.take(64);
      break;
    case 17:
    case 19:
      r.mpi();
      r.mpi();
      s.unsupported = (s.pk_algo == 17 ? "DSA" : "ECDSA") + std::string(" signature not supported");
      break;
    default:
      s.unsupported = "signature algorithm " + std::to_string(s.pk_algo) + " not supported";
      return s;
  }
  if (!r.ok) return bad_input("truncated signature packet in " + where);
  if (r.left() != 0) return bad_input("malformed signature packet in " + where + ": trailing bytes");
  if (s.created == 0 && s.unsupported.empty()) s.unsupported = "no hashed creation time";
  return s;
}

bool pk_algo_matches(int key_algo, int sig_algo) {
  if (key_algo == 1 || key_algo == 3) return sig_algo == 1 || sig_algo == 3;
  return key_algo == sig_algo;
}

// The public-key operation over an OpenPGP digest. RSA: PKCS#1 v1.5, so OpenSSL wraps the digest
// in its DigestInfo; EdDSA: the digest itself is the signed message (RFC 9580 §5.2.4).
bool crypto_verify(const KeyMaterial& key, int pk_algo, int hash_algo, const unsigned char* digest, size_t dlen,
                   const Bytes& material) {
  if (!key.evp || !pk_algo_matches(key.algo, pk_algo)) return false;
  auto* pkey = static_cast<EVP_PKEY*>(key.evp.get());
  if (pk_algo == 1 || pk_algo == 3) {
    const size_t mod = static_cast<size_t>(EVP_PKEY_get_size(pkey));
    if (material.empty() || material.size() > mod) return false;
    Bytes sig(mod - material.size(), 0);  // MPIs drop leading zeros; PKCS#1 wants the full width
    sig.insert(sig.end(), material.begin(), material.end());
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new(pkey, nullptr);
    bool ok = c && EVP_PKEY_verify_init(c) == 1 && EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) == 1 &&
              EVP_PKEY_CTX_set_signature_md(c, md_for(hash_algo)) == 1 &&
              EVP_PKEY_verify(c, sig.data(), sig.size(), digest, dlen) == 1;
    EVP_PKEY_CTX_free(c);
    return ok;
  }
  if (pk_algo == 22 || pk_algo == 27) {
    if (material.size() != 64) return false;
    EVP_MD_CTX* m = EVP_MD_CTX_new();
    bool ok = m && EVP_DigestVerifyInit(m, nullptr, nullptr, nullptr, pkey) == 1 &&
              EVP_DigestVerify(m, material.data(), material.size(), digest, dlen) == 1;
    EVP_MD_CTX_free(m);
    return ok;
  }
  return false;
}

// A signature over key material (self-signature, binding, revocation): true when it verifies.
bool check_key_sig(const KeyMaterial& signer, const SigPacket& s, const Bytes& prefix) {
  const bool revocation = s.type == 0x20 || s.type == 0x28 || s.type == 0x30;
  if (!s.unsupported.empty()) return false;
  if (revocation ? !hash_ok_for_revocation(s.hash_algo) : !hash_ok_for_cert(s.hash_algo, s.created)) return false;
  if (!s.issuer_fpr.empty() && s.issuer_fpr != signer.fingerprint) return false;
  if (s.issuer_fpr.empty() && !s.issuer_keyid.empty() && s.issuer_keyid != signer.fingerprint.substr(24)) return false;
  const EVP_MD* md = md_for(s.hash_algo);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  bool ok = c && EVP_DigestInit_ex(c, md, nullptr) == 1 && EVP_DigestUpdate(c, prefix.data(), prefix.size()) == 1 &&
            EVP_DigestUpdate(c, s.trailer.data(), s.trailer.size()) == 1 && EVP_DigestFinal_ex(c, digest, &dlen) == 1;
  EVP_MD_CTX_free(c);
  if (!ok || s.prefix.size() != 2 || s.prefix[0] != digest[0] || s.prefix[1] != digest[1]) return false;
  return crypto_verify(signer, s.pk_algo, s.hash_algo, digest, dlen, s.material);
}

// ---- transferable public keys ---------------------------------------------------------------

struct RawSubkey {
  KeyMaterial key;
  std::vector<SigPacket> sigs;
};
struct RawKey {
  KeyMaterial primary;
  std::vector<SigPacket> direct;  // direct-key signatures and key revocations
  std::vector<std::pair<std::string, std::vector<SigPacket>>> uids;
  std::vector<RawSubkey> subkeys;
};

Status collect(const std::vector<detail::Packet>& packets, const std::string& where, std::vector<RawKey>& keys,
               std::map<std::string, size_t>& index) {
  std::vector<SigPacket>* sigs = nullptr;  // where the next signature belongs
  std::vector<SigPacket> ignored;          // signatures on user attributes (photos)
  RawKey* cur = nullptr;
  for (const auto& p : packets) {
    const std::string at = where + " (packet at byte " + std::to_string(p.offset) + ")";
    if (p.partial) return bad_input("malformed key data in " + at + ": partial body lengths are not allowed for tag " + std::to_string(p.tag));
    switch (p.tag) {
      case 6: {
        KA_TRY(KeyMaterial k, parse_key(p.body, at));
        const std::string id = k.fingerprint.empty() ? k.id : k.fingerprint;
        auto it = index.find(id);
        if (it == index.end()) {
          index.emplace(id, keys.size());
          keys.push_back(RawKey{std::move(k), {}, {}, {}});
          cur = &keys.back();
        } else {
          cur = &keys[it->second];  // the same key again (KEYS lists some twice): merge
        }
        sigs = &cur->direct;
        break;
      }
      case 13:
        if (!cur) return bad_input("malformed key data in " + at + ": a user ID before any key");
        cur->uids.emplace_back(std::string(p.body.begin(), p.body.end()), std::vector<SigPacket>{});
        sigs = &cur->uids.back().second;
        break;
      case 17:
        if (!cur) return bad_input("malformed key data in " + at + ": a user attribute before any key");
        sigs = &ignored;
        break;
      case 14: {
        if (!cur) return bad_input("malformed key data in " + at + ": a subkey before any key");
        KA_TRY(KeyMaterial k, parse_key(p.body, at));
        RawSubkey* sk = nullptr;
        for (auto& s : cur->subkeys)
          if (!k.fingerprint.empty() && s.key.fingerprint == k.fingerprint) sk = &s;
        if (!sk) {
          cur->subkeys.push_back(RawSubkey{std::move(k), {}});
          sk = &cur->subkeys.back();
        }
        sigs = &sk->sigs;
        break;
      }
      case 2: {
        if (!sigs) return bad_input("malformed key data in " + at + ": a signature before any key");
        KA_TRY(SigPacket s, parse_sig(p.body, at));
        sigs->push_back(std::move(s));
        break;
      }
      case 10:  // marker
      case 12:  // trust (keyring exports)
        break;
      default:
        return bad_input("unexpected OpenPGP packet (tag " + std::to_string(p.tag) + ") in key data in " + at)
            .note("expected public keys: is this a key file?");
    }
  }
  return ok_status();
}

struct Evaluated {
  std::vector<PublicKey> keys;
  std::vector<SkippedKey> skipped;
};

PublicKey public_key_of(const KeyMaterial& k) {
  return {.fingerprint = k.fingerprint, .algorithm = k.algorithm, .created = k.created, .evp = k.evp, .pubkey_algo = k.algo};
}

void keep_newest(const SigPacket*& newest, const SigPacket& s) {
  if (!newest || s.created > newest->created) newest = &s;
}

// The primary user ID, as GnuPG picks it: among user IDs with a valid self-signature, those whose
// newest self-signature has the primary-user-ID flag first, then the newest self-signature.
// `newest` is raised to the newest valid self-signature seen.
std::string primary_user_id(const RawKey& rk, const Bytes& pre, const SigPacket*& newest) {
  std::string user_id;
  const SigPacket* best_uid_sig = nullptr;
  for (const auto& [uid, sigs] : rk.uids) {
    Bytes p = pre;
    p.push_back(0xB4);
    put_u32(p, static_cast<uint32_t>(uid.size()));
    p.insert(p.end(), uid.begin(), uid.end());
    const SigPacket* uid_newest = nullptr;
    for (const auto& s : sigs) {
      if (s.type < 0x10 || s.type > 0x13 || !check_key_sig(rk.primary, s, p)) continue;
      keep_newest(newest, s);
      keep_newest(uid_newest, s);
    }
    if (!uid_newest) continue;
    if (!best_uid_sig || (uid_newest->primary_uid && !best_uid_sig->primary_uid) ||
        (uid_newest->primary_uid == best_uid_sig->primary_uid && uid_newest->created > best_uid_sig->created)) {
      best_uid_sig = uid_newest;
      user_id = uid;
    }
  }
  return user_id;
}

// A subkey that may check signatures: bound by the primary key for signing, with a valid
// back-signature. Otherwise nullopt, with the reason in out.skipped when it matters.
std::optional<PublicKey> signing_subkey(const PublicKey& key, const KeyMaterial& pk, const RawSubkey& sk, const Bytes& pre,
                                        Evaluated& out) {
  const SigPacket* binding = nullptr;
  Bytes sp = pre;
  Bytes sub_pre = key_hash_prefix(sk.key.body);
  sp.insert(sp.end(), sub_pre.begin(), sub_pre.end());
  bool sub_revoked = false;
  for (const auto& s : sk.sigs) {
    if (s.type == 0x28 && check_key_sig(pk, s, sp)) sub_revoked = true;
    if (s.type == 0x18 && check_key_sig(pk, s, sp)) keep_newest(binding, s);
  }
  // Subkeys that cannot sign (encryption subkeys: RSA with flags 0x0C, ECDH, ...) never check a
  // signature, so they are left out silently.
  if (!binding || binding->key_flags < 0 || !(binding->key_flags & 0x02)) {
    if (binding && binding->key_flags < 0 && sk.key.unusable.empty())
      out.skipped.push_back({sk.key.fingerprint, "subkey of " + pk.fingerprint + " has no key flags: not taken as a signing key"});
    return std::nullopt;
  }
  const std::string what = "signing subkey of " + pk.fingerprint;
  if (!sk.key.unusable.empty()) {
    out.skipped.push_back({sk.key.id, what + ": " + sk.key.unusable});
    return std::nullopt;
  }
  // The back-signature proves the subkey's owner agreed to the binding (RFC 9580 §5.2.1).
  bool back_ok = false;
  if (!binding->embedded.empty()) {
    auto back = parse_sig(binding->embedded, "embedded signature");
    back_ok = back.ok() && back->type == 0x19 && check_key_sig(sk.key, *back, sp);
  }
  if (!back_ok) {
    out.skipped.push_back({sk.key.fingerprint, what + ": no valid back-signature (primary key binding)"});
    return std::nullopt;
  }
  PublicKey s = public_key_of(sk.key);
  s.user_id = key.user_id;
  if (binding->key_expires_after) s.expires = sk.key.created + binding->key_expires_after;
  s.primary_fingerprint = pk.fingerprint;
  s.revoked = sub_revoked;
  return s;
}

void evaluate(const RawKey& rk, Evaluated& out) {
  const KeyMaterial& pk = rk.primary;
  if (!pk.unusable.empty()) {
    out.skipped.push_back({pk.id, pk.unusable});
    return;
  }
  const Bytes pre = key_hash_prefix(pk.body);
  PublicKey key = public_key_of(pk);
  // The newest valid self-signature states the key's expiry and flags (RFC 9580 §5.2.3.10).
  const SigPacket* newest = nullptr;
  for (const auto& s : rk.direct) {
    if (s.type == 0x20 && check_key_sig(pk, s, pre)) key.revoked = true;
    if (s.type == 0x1F && check_key_sig(pk, s, pre)) keep_newest(newest, s);
  }
  key.user_id = primary_user_id(rk, pre, newest);
  if (!newest) {
    out.skipped.push_back({pk.fingerprint, "no valid self-signature (no user ID or direct-key signature by the key itself)"});
    return;
  }
  if (newest->key_expires_after) key.expires = pk.created + newest->key_expires_after;
  if (newest->key_flags >= 0 && !(newest->key_flags & 0x02)) key.can_sign = false;

  std::vector<PublicKey> subs;
  for (const auto& sk : rk.subkeys) {
    auto s = signing_subkey(key, pk, sk, pre, out);
    if (!s) continue;
    key.subkey_fingerprints.push_back(s->fingerprint);
    subs.push_back(std::move(*s));
  }
  out.keys.push_back(std::move(key));
  for (auto& s : subs) out.keys.push_back(std::move(s));
}

std::string normalize_id(const std::string& in) {
  std::string s;
  for (char c : in)
    if (!std::isspace(static_cast<unsigned char>(c))) s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (s.rfind("0X", 0) == 0) s.erase(0, 2);
  return s;
}

Result<std::vector<detail::Packet>> packets_of(const std::string& data, const std::string& origin, const std::string& label,
                                               const std::string& kind) {
  std::vector<detail::Packet> all;
  if (detail::looks_armored(data)) {
    KA_TRY(auto blocks, detail::dearmor_all(data, origin));
    for (const auto& b : blocks) {
      if (b.label != label)
        return bad_input(origin + " holds a '" + b.label + "' block where " + kind + " was expected").note("expected '-----BEGIN " + label + "-----'");
      KA_TRY(auto ps, detail::split_packets(b.data, origin));
      for (auto& p : ps) all.push_back(std::move(p));
    }
    return all;
  }
  if (data.empty() || !(static_cast<unsigned char>(data[0]) & 0x80))
    return bad_input("no OpenPGP data in " + origin + ": neither '-----BEGIN " + label + "-----' armor nor binary packets")
        .note("is this " + kind + "? An HTML error page from a mirror looks like this");
  return detail::split_packets(Bytes(data.begin(), data.end()), origin);
}

}  // namespace

// ---- public API -----------------------------------------------------------------------------

void KeyRing::add(const KeyRing& other) {
  for (const auto& k : other.keys)
    if (!find(k.fingerprint)) keys.push_back(k);
  for (const auto& s : other.skipped) skipped.push_back(s);
  if (origin.empty()) origin = other.origin;
}

const PublicKey* KeyRing::find(const std::string& fingerprint_or_keyid) const {
  const std::string id = normalize_id(fingerprint_or_keyid);
  if (id.size() != 40 && id.size() != 16) return nullptr;
  for (const auto& k : keys)
    if (k.fingerprint == id || (id.size() == 16 && k.key_id() == id)) return &k;
  return nullptr;
}

Result<KeyRing> parse_keys(const std::string& data, const std::string& origin) {
  KA_TRY(auto packets, packets_of(data, origin, "PGP PUBLIC KEY BLOCK", "a public key"));
  std::vector<RawKey> raw;
  std::map<std::string, size_t> index;
  raw.reserve(packets.size());  // RawKey pointers stay valid while collecting
  KA_TRY_STATUS(collect(packets, origin, raw, index));
  if (raw.empty()) return bad_input("no public key in " + origin);
  Evaluated ev;
  for (const auto& rk : raw) evaluate(rk, ev);
  KeyRing ring;
  ring.keys = std::move(ev.keys);
  ring.skipped = std::move(ev.skipped);
  ring.origin = origin;
  return ring;
}

Result<Signature> parse_signature(const std::string& data, const std::string& origin) {
  KA_TRY(auto packets, packets_of(data, origin, "PGP SIGNATURE", "a detached signature"));
  const detail::Packet* sp = nullptr;
  size_t count = 0;
  for (const auto& p : packets) {
    if (p.tag == 10) continue;  // marker packet
    if (p.tag != 2)
      return bad_input(origin + " is not a detached signature: it holds an OpenPGP packet with tag " + std::to_string(p.tag))
          .note("expected the .asc or .sig published beside the artifact");
    if (p.partial) return bad_input("malformed signature in " + origin + ": partial body lengths are not allowed for signatures");
    sp = &p;
    ++count;
  }
  if (!sp) return bad_input("no signature in " + origin);
  if (count > 1)
    return bad_input(origin + " holds " + std::to_string(count) + " signatures; only single-signature files are supported");
  KA_TRY(SigPacket s, parse_sig(sp->body, origin));
  if (s.version != 4) return bad_input("unsupported signature in " + origin + ": " + s.unsupported);
  if (!s.unsupported.empty()) return bad_input("unsupported signature in " + origin + ": " + s.unsupported);
  if (s.type != 0x00)
    return bad_input("unsupported signature in " + origin + ": signature type " + std::to_string(s.type) + " (only signatures over binary documents, type 0, are accepted)");
  if (!hash_ok_for_data(s.hash_algo))
    return bad_input("unsupported signature in " + origin + ": " + hash_name(s.hash_algo) +
                     " is not accepted for data signatures (SHA-256, SHA-384, SHA-512 are)");
  if (s.prefix.size() != 2) return bad_input("truncated signature in " + origin);
  Signature out;
  out.version = s.version;
  out.sig_type = s.type;
  out.pubkey_algo = s.pk_algo;
  out.hash_algo = s.hash_algo;
  out.created = s.created;
  out.expires = s.sig_expires_after ? s.created + s.sig_expires_after : 0;
  out.origin = origin;
  out.issuer_fingerprint = s.issuer_fpr;
  out.issuer_key_id = !s.issuer_keyid.empty() ? s.issuer_keyid : (s.issuer_fpr.size() == 40 ? s.issuer_fpr.substr(24) : "");
  out.hashed_trailer = std::move(s.trailer);
  out.hash_prefix = std::move(s.prefix);
  out.sig_material = std::move(s.material);
  return out;
}

struct SignatureCheck::Impl {
  Signature sig;
  EVP_MD_CTX* ctx = nullptr;
  const EVP_MD_CTX* shared = nullptr;  // a DigestSink's context over the same bytes
  ~Impl() { EVP_MD_CTX_free(ctx); }
  const EVP_MD_CTX* running() const { return shared ? shared : ctx; }
};

SignatureCheck::SignatureCheck(Signature sig) : impl_(std::make_unique<Impl>()) {
  impl_->sig = std::move(sig);
  const EVP_MD* md = md_for(impl_->sig.hash_algo);
  impl_->ctx = EVP_MD_CTX_new();
  if (!md || !impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1) {
    EVP_MD_CTX_free(impl_->ctx);
    impl_->ctx = nullptr;
  }
}

SignatureCheck::~SignatureCheck() = default;

bool SignatureCheck::share_digest(const DigestSink& d) {
  const int want = d.algo() == DigestAlgo::sha512 ? 10 : 8;  // OpenPGP hash IDs: SHA512 10, SHA256 8
  if (!impl_->ctx || impl_->sig.hash_algo != want || !d.evp_ctx()) return false;
  impl_->shared = static_cast<const EVP_MD_CTX*>(d.evp_ctx());
  return true;
}

Status SignatureCheck::write(const unsigned char* data, size_t n) {
  if (impl_->shared) return ok_status();
  if (!impl_->ctx) return fail("cannot hash for the signature in " + impl_->sig.origin + ": " + hash_name(impl_->sig.hash_algo) + " unavailable");
  if (n && EVP_DigestUpdate(impl_->ctx, data, n) != 1) return fail("hashing for the signature check failed (OpenSSL)");
  return ok_status();
}

Result<Verified> SignatureCheck::verify(const KeyRing& ring, int64_t now) const {
  const Signature& sig = impl_->sig;
  const std::string src = sig.origin.empty() ? std::string("the signature") : sig.origin;
  const std::string ring_name = ring.origin.empty() ? std::string("the key ring") : ring.origin;
  if (!impl_->ctx) return fail("cannot check " + src + ": " + hash_name(sig.hash_algo) + " unavailable");
  const PublicKey* key = nullptr;
  std::string named;
  if (!sig.issuer_fingerprint.empty()) {
    named = sig.issuer_fingerprint;
    key = ring.find(sig.issuer_fingerprint);
  } else if (!sig.issuer_key_id.empty()) {
    named = sig.issuer_key_id;
    key = ring.find(sig.issuer_key_id);
  } else {
    return fail(src + " names no issuer key").note("re-create the signature with gpg --detach-sign");
  }
  if (!key)
    return fail(src + ": signature by key " + named + " which is not in " + ring_name)
        .note("the artifact was not signed by a trusted release manager; if a new release manager signed it, update the pinned KEYS");
  const PublicKey* primary = key;
  if (!key->primary_fingerprint.empty()) {
    primary = ring.find(key->primary_fingerprint);
    if (!primary) return fail(src + ": the primary key of subkey " + key->fingerprint + " is not in " + ring_name);
  }
  const std::string who = key->fingerprint + (key->user_id.empty() ? "" : " (" + key->user_id + ")");
  if (primary->revoked || key->revoked)
    return fail(src + ": key " + who + " has been revoked").note("a revoked key's signatures are not trusted");
  if (!key->can_sign) return fail(src + ": key " + who + " is not marked for signing");
  for (const PublicKey* k : {key, primary}) {
    if (k->expires && (now >= k->expires || sig.created >= k->expires))
      return fail(src + ": key " + who + " expired on " + utc_date(k->expires) + " (signature made " + utc_date(sig.created) +
                  ", checked at " + utc_date(now) + ")")
          .note("expired keys are not trusted; the release manager must extend the key or re-sign");
  }
  if (sig.created < key->created)
    return fail(src + ": signature dated " + utc_date(sig.created) + " predates its key " + who + " (" + utc_date(key->created) + ")");
  if (sig.expires && now >= sig.expires) return fail(src + ": the signature expired on " + utc_date(sig.expires));

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int dlen = 0;
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  bool ok = c && EVP_MD_CTX_copy_ex(c, impl_->running()) == 1 &&
            EVP_DigestUpdate(c, sig.hashed_trailer.data(), sig.hashed_trailer.size()) == 1 &&
            EVP_DigestFinal_ex(c, digest, &dlen) == 1;
  EVP_MD_CTX_free(c);
  if (!ok) return fail("hashing for the signature check failed (OpenSSL)");
  KeyMaterial km;
  km.evp = key->evp;
  km.algo = key->pubkey_algo;
  // The 16-bit quick check first: a mismatch there means the data changed.
  const bool quick = sig.hash_prefix.size() == 2 && sig.hash_prefix[0] == digest[0] && sig.hash_prefix[1] == digest[1];
  if (!quick || !crypto_verify(km, sig.pubkey_algo, sig.hash_algo, digest, dlen, sig.sig_material))
    return fail("bad signature: " + src + " by key " + who + " does not match the data")
        .note("the artifact or its signature was altered: do not use it; download both again");
  return Verified{key->fingerprint, key->user_id, sig.created};
}

}  // namespace ka::pgp

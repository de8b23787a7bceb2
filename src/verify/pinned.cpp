#include "verify/pinned.hpp"

#include <cctype>

#include "core/fs.hpp"
#include "verify/embedded_keys.hpp"

namespace ka::pgp {

const KeyRing& pinned_kafka_keys() {
  static const KeyRing ring = [] {
    const auto& all = embedded_keys();
    auto it = all.find("kafka-KEYS");
    // Both failures are build defects that tests/unit/verify catches; an empty ring then makes every
    // signature check fail with "not in the pinned Apache Kafka KEYS" rather than crash.
    KeyRing r;
    if (it != all.end()) {
      auto parsed = parse_keys(std::string(it->second), "the pinned Apache Kafka KEYS");
      if (parsed.ok()) r = std::move(parsed).value();
    }
    r.origin = "the pinned Apache Kafka KEYS";
    return r;
  }();
  return ring;
}

Result<KeyRing> kafka_keys_with(const std::vector<std::string>& key_files) {
  KeyRing ring = pinned_kafka_keys();
  for (const auto& f : key_files) {
    KA_TRY(std::string text, read_named_file(f, "--keys"));
    auto extra = parse_keys(text, f);
    if (!extra.ok()) return Error(extra.error()).note("--keys " + f + " must be an armored KEYS file or key block");
    if (extra->keys.empty()) return bad_input("--keys " + f + ": no usable key in it (RSA or Ed25519, OpenPGP v4)");
    ring.add(*extra);
  }
  for (size_t i = 0; i < key_files.size(); ++i) ring.origin += (i ? ", " : " and --keys ") + key_files[i];
  return ring;
}

const std::string& pinned_adoptium_fingerprint() {
  static const std::string fpr = "3B04D753C9050D9A5D343F39843C48A565F8F04B";
  return fpr;
}

Result<KeyRing> accept_key_with_fingerprint(const std::string& key_data, const std::string& fingerprint,
                                            const std::string& origin) {
  std::string want;
  for (char c : fingerprint)
    if (!std::isspace(static_cast<unsigned char>(c))) want.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (want.size() != 40 || want.find_first_not_of("0123456789ABCDEF") != std::string::npos)
    return bad_input("'" + fingerprint + "' is not a v4 key fingerprint (40 hex digits)");
  KA_TRY(KeyRing all, parse_keys(key_data, origin));
  KeyRing out;
  out.origin = origin + " (key " + want + ")";
  for (const auto& k : all.keys)
    if (k.fingerprint == want || k.primary_fingerprint == want) out.keys.push_back(k);
  if (out.keys.empty()) {
    for (const auto& s : all.skipped)
      if (s.fingerprint_or_id == want)
        return fail("key " + want + " in " + origin + " cannot be used: " + s.reason);
    std::string found;
    for (const auto& k : all.keys)
      if (k.primary_fingerprint.empty()) found += (found.empty() ? "" : ", ") + k.fingerprint;
    return fail(origin + " does not hold key " + want)
        .note(found.empty() ? "it holds no usable key" : "it holds " + found)
        .note("the key was substituted or the wrong key was fetched: it is not trusted");
  }
  return out;
}

}  // namespace ka::pgp

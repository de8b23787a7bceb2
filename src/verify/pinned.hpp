// Trust anchors compiled into the binary (DESIGN.md §3): the Apache Kafka KEYS and the Adoptium
// signing key's fingerprint.
#pragma once
#include <string>
#include <vector>

#include "core/result.hpp"
#include "verify/openpgp.hpp"

namespace ka::pgp {

// assets/keys/kafka-KEYS, parsed once. Its origin reads "the pinned Apache Kafka KEYS".
const KeyRing& pinned_kafka_keys();
// The pinned KEYS plus the keys in each --keys FILE (armored KEYS files or key blocks); the
// ring's origin names every source, so messages say what was trusted.
Result<KeyRing> kafka_keys_with(const std::vector<std::string>& key_files);

// "3B04D753C9050D9A5D343F39843C48A565F8F04B": Adoptium GPG Key (DEB/RPM Signing Key).
const std::string& pinned_adoptium_fingerprint();

// Parses `key_data` (armored or binary, e.g. from a key server or a file) and keeps only the key
// with `fingerprint` (and its bound signing subkeys). Fails, naming the fingerprint, when the data
// does not hold that key or it is unusable, so a substituted key is never accepted.
Result<KeyRing> accept_key_with_fingerprint(const std::string& key_data, const std::string& fingerprint,
                                            const std::string& origin = "the downloaded key");

}  // namespace ka::pgp

#pragma once
#include <string>

#include "core/result.hpp"

namespace ka {

// Kafka's Uuid.randomUuid().toString(): base64url without padding of 16 random bytes
// (22 characters), re-drawn when it would start with '-' (Kafka does the same, so the ID is
// never taken for a command-line flag) or is one of Kafka's reserved IDs.
Result<std::string> new_cluster_id();
std::string base64url_nopad(const unsigned char* data, size_t n);
// True when `id` has Kafka's cluster-ID shape (decodes to 16 bytes).
bool is_valid_cluster_id(const std::string& id);

}  // namespace ka

#include "core/state.hpp"

#include <openssl/evp.h>

#include "core/text.hpp"

namespace ka {

Result<StateFile> StateFile::load(const RootFs& root) {
  StateFile s;
  KA_TRY(auto text, root.read_file(kStatePath));
  if (!text) return s;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(root.host_path(kStatePath).string() + " is not valid JSON")
        .note("it records what kafka-appliance installed; restore it from a backup or move it away to start afresh");
  s.doc_ = std::move(j);
  return s;
}

nlohmann::json& StateFile::section(const std::string& name) {
  auto& v = doc_[name];
  if (!v.is_object()) v = nlohmann::json::object();
  return v;
}

const nlohmann::json* StateFile::find(const std::string& name) const {
  auto it = doc_.find(name);
  return it == doc_.end() ? nullptr : &*it;
}

Result<Change> StateFile::save(const RootFs& root) const {
  KA_TRY_STATUS(root.ensure_dir("/var/lib/kafka-appliance", 0700, Owner{}));
  return root.write_file(kStatePath, doc_.dump(2) + "\n", 0600, Owner{});
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return hex_encode(md, len);
}

}  // namespace ka

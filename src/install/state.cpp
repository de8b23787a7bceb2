#include "install/state.hpp"

#include "core/state.hpp"

namespace ka::install {

using nlohmann::json;

namespace {

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::optional<InstalledRelease>> load_installed(const RootFs& rfs, const std::string& kind) {
  KA_TRY(auto st, StateFile::load(rfs));
  const json* inst = st.find("install");
  if (!inst || !inst->is_object()) return std::optional<InstalledRelease>{};
  auto k = inst->find(kind);
  if (k == inst->end() || !k->is_object()) return std::optional<InstalledRelease>{};
  InstalledRelease r;
  r.kind = kind;
  r.version = str(*k, "version");
  r.path = str(*k, "path");
  r.link = str(*k, "link");
  r.artifact = str(*k, "artifact");
  r.artifact_digest = str(*k, "artifact_digest");
  r.tree_digest = str(*k, "tree_digest");
  r.signed_by = str(*k, "signed_by");
  r.trust = str(*k, "trust");
  if (auto o = k->find("overrides"); o != k->end() && o->is_array())
    for (const auto& x : *o)
      if (x.is_string()) r.overrides.push_back(x.get<std::string>());
  return std::optional<InstalledRelease>{r};
}

Status record_installed(const RootFs& rfs, const InstalledRelease& rel) {
  KA_TRY(auto st, StateFile::load(rfs));
  json k = {{"version", rel.version}, {"path", rel.path}, {"link", rel.link}, {"artifact", rel.artifact},
            {"artifact_digest", rel.artifact_digest}, {"tree_digest", rel.tree_digest}};
  if (!rel.signed_by.empty()) k["signed_by"] = rel.signed_by;
  if (!rel.trust.empty()) k["trust"] = rel.trust;
  k["overrides"] = rel.overrides;
  st.section("install")[rel.kind] = k;
  KA_TRY(auto change, st.save(rfs));
  (void)change;
  return ok_status();
}

}  // namespace ka::install

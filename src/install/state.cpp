#include "install/state.hpp"

#include "core/state.hpp"

namespace ka::install {

using nlohmann::json;

namespace {

// The text fields of a record and their keys in state.json, named once for load and record.
const std::pair<const char*, std::string InstalledRelease::*> kTextFields[] = {
    {"version", &InstalledRelease::version},     {"path", &InstalledRelease::path},
    {"link", &InstalledRelease::link},           {"artifact", &InstalledRelease::artifact},
    {"artifact_digest", &InstalledRelease::artifact_digest}, {"tree_digest", &InstalledRelease::tree_digest},
    {"signed_by", &InstalledRelease::signed_by}, {"trust", &InstalledRelease::trust},
};

}  // namespace

Result<std::optional<InstalledRelease>> load_installed(const RootFs& rfs, const std::string& kind) {
  KA_TRY(auto st, StateFile::load(rfs));
  const json* inst = st.find("install");
  if (!inst || !inst->is_object()) return std::optional<InstalledRelease>{};
  auto k = inst->find(kind);
  if (k == inst->end() || !k->is_object()) return std::optional<InstalledRelease>{};
  InstalledRelease r;
  r.kind = kind;
  for (const auto& [key, field] : kTextFields)
    if (auto v = k->find(key); v != k->end() && v->is_string()) r.*field = v->get<std::string>();
  if (auto o = k->find("overrides"); o != k->end() && o->is_array())
    for (const auto& x : *o)
      if (x.is_string()) r.overrides.push_back(x.get<std::string>());
  return std::optional<InstalledRelease>{r};
}

Status record_installed(const RootFs& rfs, const InstalledRelease& rel) {
  KA_TRY(auto st, StateFile::load(rfs));
  json k = json::object();
  for (const auto& [key, field] : kTextFields)
    if (!(rel.*field).empty()) k[key] = rel.*field;
  k["overrides"] = rel.overrides;
  st.section("install")[rel.kind] = k;
  KA_TRY(auto change, st.save(rfs));
  (void)change;
  return ok_status();
}

}  // namespace ka::install

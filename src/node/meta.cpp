#include "node/meta.hpp"

#include <charconv>

#include "core/properties.hpp"

namespace ka {

namespace {
std::optional<int> parse_int(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

Result<MetaProperties> parse_meta_properties(const std::string& text, const std::string& origin) {
  KA_TRY(auto p, Properties::parse(text, origin));
  MetaProperties m;
  auto ver = p.get("version");
  if (!ver) return fail(origin + ": no 'version' key; this is not a meta.properties Kafka wrote")
      .note("inspect the directory by hand; kafka-appliance will not touch it");
  auto v = parse_int(*ver);
  if (!v || (*v != 0 && *v != 1)) return fail(origin + ": unsupported meta.properties version '" + *ver + "'");
  m.version = *v;
  m.cluster_id = p.get_or("cluster.id", "");
  auto id = p.get(m.version == 1 ? "node.id" : "broker.id");
  if (id) {
    auto n = parse_int(*id);
    if (!n) return fail(origin + ": invalid " + std::string(m.version == 1 ? "node.id" : "broker.id") + " '" + *id + "'");
    m.node_id = n;
  }
  m.directory_id = p.get_or("directory.id", "");
  if (m.version == 1 && !m.node_id) return fail(origin + ": version 1 meta.properties without node.id");
  return m;
}

bool StorageCheck::all_formatted() const {
  for (const auto& d : dirs)
    if (d.state == DirState::empty) return false;
  return !dirs.empty();
}
bool StorageCheck::any_formatted() const {
  for (const auto& d : dirs)
    if (d.state != DirState::empty) return true;
  return false;
}
bool StorageCheck::any_foreign() const {
  for (const auto& d : dirs)
    if (d.state == DirState::foreign) return true;
  return false;
}

Result<StorageCheck> check_storage(const RootFs& root, const std::vector<std::string>& dirs,
                                   const std::string& cluster_id, int node_id) {
  StorageCheck out;
  for (const auto& dir : dirs) {
    DirCheck c;
    c.dir = dir;
    auto host = root.host_path(dir);
    std::error_code ec;
    KA_TRY(auto text, root.read_file(fs::path(dir) / "meta.properties"));
    if (!text) {
      // Files without meta.properties are someone's data (or a half-finished format by hand):
      // never format over them. lost+found is what a fresh file system holds.
      if (fs::is_directory(host, ec)) {
        for (const auto& e : fs::directory_iterator(host, ec)) {
          auto name = e.path().filename().string();
          if (name == "lost+found") continue;
          c.state = DirState::foreign;
          c.why = "holds " + name + " but no meta.properties";
          break;
        }
      }
      out.dirs.push_back(std::move(c));
      continue;
    }
    KA_TRY(auto meta, parse_meta_properties(*text, host.string() + "/meta.properties"));
    c.meta = meta;
    if (meta.cluster_id != cluster_id) {
      c.state = DirState::foreign;
      c.why = "cluster.id " + meta.cluster_id;
    } else if (!meta.node_id || *meta.node_id != node_id) {
      c.state = DirState::foreign;
      c.why = "node.id " + (meta.node_id ? std::to_string(*meta.node_id) : std::string("(none)"));
    } else {
      c.state = DirState::ours;
    }
    out.dirs.push_back(std::move(c));
  }
  return out;
}

Error foreign_storage_error(const StorageCheck& check, const std::string& cluster_id, int node_id) {
  Error e = refuse("storage belongs to another cluster or node; refusing to format it (nothing was changed)");
  for (const auto& d : check.dirs) {
    if (d.state != DirState::foreign) continue;
    e.note(d.dir + ": found " + d.why + ", this node is cluster.id " + cluster_id + " node.id " + std::to_string(node_id));
  }
  e.note("if this node should join that cluster, run again with --cluster-id and --node-id matching meta.properties");
  e.note("if the old data is no longer needed, move the directory away yourself, then run again");
  return e;
}

}  // namespace ka

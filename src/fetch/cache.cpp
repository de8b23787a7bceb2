#include "fetch/cache.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/fs.hpp"

namespace ka::fetch {

namespace fs = std::filesystem;

const char* algo_name(DigestAlgo a) { return a == DigestAlgo::sha512 ? "sha512" : "sha256"; }

fs::path Cache::verified_file(DigestAlgo a, const std::string& hex, const std::string& name) const {
  return dir_ / "verified" / (std::string(algo_name(a)) + "-" + hex) / name;
}

fs::path Cache::part_file(DigestAlgo a, const std::string& hex) const {
  return dir_ / "partial" / (std::string(algo_name(a)) + "-" + hex + ".part");
}

Status Cache::prepare() const {
  for (const char* sub : {"verified", "partial", "index", "keys"}) {
    std::error_code ec;
    fs::create_directories(dir_ / sub, ec);
    if (ec) return fail("cannot create the cache " + (dir_ / sub).string() + ": " + ec.message()).note("check --cache-dir and --root");
  }
  return ok_status();
}

Result<fs::path> Cache::commit(const fs::path& part, DigestAlgo a, const std::string& hex, const std::string& name) const {
  int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    return fail("cannot sync " + part.string() + ": " + errno_text(err));
  }
  ::close(fd);
  fs::path dest = verified_file(a, hex, name);
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  if (ec) return fail("cannot create " + dest.parent_path().string() + ": " + ec.message());
  fs::rename(part, dest, ec);
  if (ec) return fail("cannot move " + part.string() + " to " + dest.string() + ": " + ec.message());
  KA_TRY_STATUS(fsync_dir(dest.parent_path()));
  KA_TRY_STATUS(fsync_dir(part.parent_path()));
  return dest;
}

Result<std::string> hash_file(const fs::path& p, DigestAlgo a, ByteSink* also) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(p.c_str(), "rb"), &std::fclose);
  if (!f) return fail("cannot read " + p.string() + ": " + errno_text(errno));
  DigestSink d(a);
  std::vector<unsigned char> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f.get())) > 0) {
    KA_TRY_STATUS(d.write(buf.data(), n));
    if (also) KA_TRY_STATUS(also->write(buf.data(), n));
  }
  if (std::ferror(f.get())) return fail("read error on " + p.string());
  return d.hex();
}

Result<std::optional<fs::path>> Cache::reuse(DigestAlgo a, const std::string& hex, const std::string& name,
                                             ByteSink* consumer) const {
  fs::path p = verified_file(a, hex, name);
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::optional<fs::path>();
  KA_TRY(std::string got, hash_file(p, a, consumer));
  if (got != hex) {
    spdlog::warn("cached {} is corrupt ({} {} instead of {}): removing it", p.string(), algo_name(a), got, hex);
    fs::remove_all(p.parent_path(), ec);
    if (consumer) {
      // The consumer has seen bad bytes: it must start over, so this is an error, not a miss.
      return fail("the cached " + name + " was corrupt and has been removed").note("run the command again to download it");
    }
    return std::optional<fs::path>();
  }
  return std::optional<fs::path>(p);
}

Result<std::optional<std::string>> Cache::read_index(const std::string& key) const {
  fs::path p = dir_ / "index" / (key + ".json");
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return std::optional<std::string>();
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(p.c_str(), "rb"), &std::fclose);
  if (!f) return fail("cannot read " + p.string() + ": " + errno_text(errno));
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) s.append(buf, n);
  return std::optional<std::string>(std::move(s));
}

Status Cache::write_index(const std::string& key, const std::string& json_text) const {
  auto r = write_file_atomic(dir_ / "index" / (key + ".json"), json_text, 0644, Owner{geteuid(), getegid()});
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

}  // namespace ka::fetch

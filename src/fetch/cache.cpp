#include "fetch/cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/fs.hpp"

namespace ka::fetch {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* const kSubdirs[] = {"verified", "partial", "index", "keys"};

std::string mode_text(mode_t m) {
  char b[8];
  std::snprintf(b, sizeof b, "%04o", static_cast<unsigned>(m & 07777));
  return b;
}

// Owned by root or by us, and writable by nobody else. `follow`: stat rather than lstat (the
// cache directory itself may be a link an administrator made; its parts may not).
Status check_owned(const fs::path& p, bool want_dir, bool follow) {
  struct stat st {};
  if ((follow ? ::stat(p.c_str(), &st) : ::lstat(p.c_str(), &st)) != 0) {
    if (errno == ENOENT) return ok_status();
    return fail("cannot check " + p.string() + ": " + errno_text(errno));
  }
  const bool kind_ok = want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
  const bool owner_ok = st.st_uid == 0 || st.st_uid == ::geteuid();
  const bool mode_ok = (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
  if (kind_ok && owner_ok && mode_ok) return ok_status();
  std::string what = want_dir ? "cache directory" : "cached file";
  std::string why = !kind_ok ? (want_dir ? "not a directory" : "not a regular file")
                             : "owned by uid " + std::to_string(st.st_uid) + ", mode " + mode_text(st.st_mode);
  return refuse("the " + what + " " + p.string() + " cannot be trusted: " + why)
      .note("whoever can write there could plant what kafka-appliance installs, so nothing in it is used")
      .note(std::string("fix: ") + (kind_ok ? "chown root:root " + p.string() + " && chmod go-w " + p.string()
                                            : "remove " + p.string()) +
            ", or pass another --cache-dir");
}

Status make_dir(const fs::path& p) {
  if (::mkdir(p.c_str(), 0755) == 0) {
    // The umask must not leave a cache directory group-writable.
    if (::chmod(p.c_str(), 0755) != 0) return fail("cannot chmod " + p.string() + ": " + errno_text(errno));
    return ok_status();
  }
  if (errno == EEXIST) return ok_status();
  return fail("cannot create the cache " + p.string() + ": " + errno_text(errno)).note("check --cache-dir and --root");
}

Result<std::string> read_small(const fs::path& p, size_t max) {
  std::unique_ptr<FILE, decltype(&std::fclose)> f(std::fopen(p.c_str(), "rb"), &std::fclose);
  if (!f) return fail("cannot read " + p.string() + ": " + errno_text(errno));
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    s.append(buf, n);
    if (s.size() > max) return fail(p.string() + " is larger than " + std::to_string(max) + " bytes");
  }
  return s;
}

}  // namespace

const char* algo_name(DigestAlgo a) { return a == DigestAlgo::sha512 ? "sha512" : "sha256"; }

fs::path Cache::verified_file(DigestAlgo a, const std::string& hex, const std::string& name) const {
  return dir_ / "verified" / (std::string(algo_name(a)) + "-" + hex) / name;
}

fs::path Cache::part_file(DigestAlgo a, const std::string& hex) const {
  return dir_ / "partial" / (std::string(algo_name(a)) + "-" + hex + ".part");
}

Status Cache::check_safe() const {
  KA_TRY_STATUS(check_owned(dir_, true, true));
  for (const char* sub : kSubdirs) KA_TRY_STATUS(check_owned(dir_ / sub, true, false));
  return ok_status();
}

Status Cache::prepare() const {
  std::error_code ec;
  if (!fs::exists(dir_, ec)) {
    if (dir_.has_parent_path()) fs::create_directories(dir_.parent_path(), ec);
    if (ec) return fail("cannot create the cache " + dir_.string() + ": " + ec.message()).note("check --cache-dir and --root");
    KA_TRY_STATUS(make_dir(dir_));
  }
  KA_TRY_STATUS(check_owned(dir_, true, true));
  for (const char* sub : kSubdirs) KA_TRY_STATUS(make_dir(dir_ / sub));
  return check_safe();
}

Result<fs::path> Cache::commit(const fs::path& part, DigestAlgo a, const std::string& hex, const std::string& name,
                               const std::optional<CachedSignature>& sig, const std::optional<std::string>& live_keys,
                               const std::string& trust, const std::string& signer) const {
  int fd = ::open(part.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) {
    int err = errno;
    if (fd >= 0) ::close(fd);
    return fail("cannot sync " + part.string() + ": " + errno_text(err));
  }
  ::close(fd);
  fs::path dest = verified_file(a, hex, name);
  KA_TRY_STATUS(make_dir(dest.parent_path()));
  KA_TRY_STATUS(check_owned(dest.parent_path(), true, false));
  const Owner me{::geteuid(), ::getegid()};
  // What vouched for the bytes goes in first: a file under verified/ always has its record.
  json rec = {{"name", name}, {"trust", trust}, {"signer", signer}, {"signature", sig ? sig->name : ""},
              {"live_keys", live_keys ? "KEYS" : ""}};
  if (sig) {
    auto w = write_file_atomic(dest.parent_path() / sig->name, sig->text, 0644, me);
    if (!w.ok()) return std::move(w).error();
  }
  if (live_keys) {
    auto w = write_file_atomic(dest.parent_path() / "KEYS", *live_keys, 0644, me);
    if (!w.ok()) return std::move(w).error();
  }
  auto w = write_file_atomic(dest.parent_path() / "trust.json", rec.dump(2) + "\n", 0644, me);
  if (!w.ok()) return std::move(w).error();
  std::error_code ec;
  fs::rename(part, dest, ec);
  if (ec) return fail("cannot move " + part.string() + " to " + dest.string() + ": " + ec.message());
  KA_TRY_STATUS(fsync_dir(dest.parent_path()));
  KA_TRY_STATUS(fsync_dir(part.parent_path()));
  return dest;
}

Result<std::optional<CacheEntry>> Cache::lookup(DigestAlgo a, const std::string& hex, const std::string& name) const {
  fs::path p = verified_file(a, hex, name);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(p, ec))) return std::optional<CacheEntry>();
  KA_TRY_STATUS(check_safe());
  KA_TRY_STATUS(check_owned(p.parent_path(), true, false));
  KA_TRY_STATUS(check_owned(p, false, false));
  CacheEntry e;
  e.file = p;
  fs::path rec = p.parent_path() / "trust.json";
  if (fs::exists(fs::symlink_status(rec, ec))) {
    KA_TRY_STATUS(check_owned(rec, false, false));
    KA_TRY(std::string text, read_small(rec, 1 << 16));
    json j = json::parse(text, nullptr, false);
    if (j.is_object()) {
      e.trust = j.value("trust", "");
      e.signer = j.value("signer", "");
      std::string sig = j.value("signature", "");
      // A plain file name beside the artifact, nothing else.
      if (!sig.empty() && sig.find('/') == std::string::npos && sig != "." && sig != ".." && sig != name) {
        fs::path sp = p.parent_path() / sig;
        if (fs::exists(fs::symlink_status(sp, ec))) {
          KA_TRY_STATUS(check_owned(sp, false, false));
          KA_TRY(std::string st, read_small(sp, 1 << 20));
          e.signature = CachedSignature{sig, std::move(st)};
        }
      }
      fs::path kp = p.parent_path() / "KEYS";
      if (j.value("live_keys", "") == "KEYS" && name != "KEYS" && fs::exists(fs::symlink_status(kp, ec))) {
        KA_TRY_STATUS(check_owned(kp, false, false));
        KA_TRY(std::string kt, read_small(kp, 8 << 20));
        e.live_keys = std::move(kt);
      }
    }
  }
  return std::optional<CacheEntry>(std::move(e));
}

void Cache::remove(DigestAlgo a, const std::string& hex) const {
  std::error_code ec;
  fs::remove_all(dir_ / "verified" / (std::string(algo_name(a)) + "-" + hex), ec);
}

Result<std::string> hash_file(const fs::path& p, DigestAlgo a, ByteSink* also) {
  // O_NOFOLLOW: a symlink planted where a file is expected is read as an error, never followed.
  int fd = ::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return fail("cannot read " + p.string() + ": " + errno_text(errno));
  std::unique_ptr<int, void (*)(int*)> closer(&fd, [](int* f) { ::close(*f); });
  DigestSink d(a);
  std::vector<unsigned char> buf(1 << 16);
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot read " + p.string() + ": " + errno_text(errno));
    if (n == 0) break;
    KA_TRY_STATUS(d.write(buf.data(), static_cast<size_t>(n)));
    if (also) KA_TRY_STATUS(also->write(buf.data(), static_cast<size_t>(n)));
  }
  return d.hex();
}

Result<std::optional<fs::path>> Cache::reuse(DigestAlgo a, const std::string& hex, const std::string& name,
                                             ByteSink* consumer, bool disposable) const {
  fs::path p = verified_file(a, hex, name);
  std::error_code ec;
  if (!fs::is_regular_file(fs::symlink_status(p, ec))) return std::optional<fs::path>();
  KA_TRY_STATUS(check_owned(p, false, false));
  KA_TRY(std::string got, hash_file(p, a, consumer));
  if (got != hex) {
    spdlog::warn("cached {} is corrupt ({} {} instead of {}): removing it", p.string(), algo_name(a), got, hex);
    remove(a, hex);
    if (consumer && !disposable) {
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
  if (!fs::exists(fs::symlink_status(p, ec))) return std::optional<std::string>();
  KA_TRY_STATUS(check_safe());
  KA_TRY_STATUS(check_owned(p, false, false));
  KA_TRY(std::string s, read_small(p, 1 << 20));
  return std::optional<std::string>(std::move(s));
}

Status Cache::write_index(const std::string& key, const std::string& json_text) const {
  auto r = write_file_atomic(dir_ / "index" / (key + ".json"), json_text, 0644, Owner{geteuid(), getegid()});
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

}  // namespace ka::fetch

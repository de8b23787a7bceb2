#include "core/fs.hpp"

#include "core/number.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/filesystem/operations.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

namespace ka {

const char* to_string(Change c) {
  switch (c) {
    case Change::unchanged: return "unchanged";
    case Change::created: return "created";
    case Change::updated: return "updated";
  }
  return "?";
}

std::string errno_text(int err) { return std::strerror(err); }

namespace {
// The whole file into `out`; 0, or the errno of what failed.
int read_all(const fs::path& p, std::string& out) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[1 << 16];
  int err = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return err;
}
}  // namespace

Result<std::optional<std::string>> read_whole_file(const fs::path& p) {
  std::string out;
  const int err = read_all(p, out);
  if (err == ENOENT || err == ENOTDIR) return std::optional<std::string>();
  if (err) return fail("cannot read " + p.string() + ": " + errno_text(err));
  return std::optional<std::string>(std::move(out));
}

Result<std::string> read_named_file(const fs::path& p, const std::string& what) {
  std::string out;
  const int err = read_all(p, out);
  if (err) return bad_input("cannot read " + (what.empty() ? "" : what + " ") + p.string() + ": " + errno_text(err));
  return out;
}

namespace {

// Field 3 (uid/gid) of the line whose field 1 is `name` in a passwd/group file.
std::optional<unsigned> lookup_id(const fs::path& file, const std::string& name) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    auto c1 = line.find(':');
    if (c1 == std::string::npos || line.compare(0, c1, name) != 0 || c1 != name.size()) continue;
    auto c2 = line.find(':', c1 + 1);
    if (c2 == std::string::npos) return std::nullopt;
    auto c3 = line.find(':', c2 + 1);
    auto id = parse_number<unsigned>(line.substr(c2 + 1, c3 - c2 - 1), file.string());
    return id.ok() ? std::optional<unsigned>(*id) : std::nullopt;
  }
  return std::nullopt;
}

Result<Unit> apply_owner(int fd, const fs::path& p, Owner owner) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return fail("cannot stat " + p.string() + ": " + errno_text(errno));
  if (st.st_uid == owner.uid && st.st_gid == owner.gid) return Unit{};
  if (fchown(fd, owner.uid, owner.gid) != 0) {
    // Unprivileged runs into a scratch --root cannot chown; the modes still apply.
    if (errno == EPERM && geteuid() != 0) return Unit{};
    return fail("cannot chown " + p.string() + ": " + errno_text(errno));
  }
  return Unit{};
}

// The last step of an atomic write: `tmp` renamed over `path` (removed when that fails), then
// the directory synced. `failed` starts the error message ("cannot switch symlink ").
Result<Change> rename_into_place(const fs::path& tmp, const fs::path& path, bool existed, const char* failed) {
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(failed + path.string() + ": " + errno_text(err));
  }
  KA_TRY_STATUS(fsync_dir(path.parent_path()));
  return existed ? Change::updated : Change::created;
}

bool owner_matches(const struct stat& st, Owner owner) {
  if (geteuid() != 0) return true;  // see apply_owner
  return st.st_uid == owner.uid && st.st_gid == owner.gid;
}

}  // namespace

std::optional<uid_t> lookup_uid(const fs::path& root, const std::string& user) {
  return lookup_id(root / "etc/passwd", user);
}
std::optional<gid_t> lookup_gid(const fs::path& root, const std::string& group) {
  return lookup_id(root / "etc/group", group);
}

Status fsync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open directory " + dir.string() + ": " + errno_text(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return fail("cannot fsync directory " + dir.string() + ": " + errno_text(err));
  return Unit{};
}

Result<Change> write_file_atomic(const fs::path& path, const std::string& content, mode_t mode, Owner owner) {
  struct stat st {};
  bool exists = ::lstat(path.c_str(), &st) == 0;
  if (exists && S_ISREG(st.st_mode)) {
    std::string current;
    if (read_all(path, current) == 0 && current == content && (st.st_mode & 07777) == mode && owner_matches(st, owner))
      return Change::unchanged;
  } else if (exists && !S_ISREG(st.st_mode)) {
    return bad_input(path.string() + " exists and is not a regular file").note("move it out of the way and run again");
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return fail("cannot create directory " + path.parent_path().string() + ": " + ec.message());

  // Unique name in the same directory so the rename is atomic and concurrent runs do not collide.
  auto tmp = path.parent_path() / boost::filesystem::unique_path("." + path.filename().string() + ".%%%%%%%%.tmp").string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("cannot create " + tmp.string() + ": " + errno_text(errno));
  auto cleanup = [&](Error e) -> Result<Change> {
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return cleanup(fail("cannot write " + path.string() + ": " + errno_text(errno)));
    }
    off += static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) return cleanup(fail("cannot chmod " + path.string() + ": " + errno_text(errno)));
  if (auto r = apply_owner(fd, path, owner); !r) return cleanup(std::move(r).error());
  if (::fsync(fd) != 0) return cleanup(fail("cannot fsync " + path.string() + ": " + errno_text(errno)));
  ::close(fd);
  return rename_into_place(tmp, path, exists, "cannot rename into place ");
}

fs::path RootFs::host_path(const fs::path& target) const {
  return root_ / target.relative_path();
}

Result<Change> RootFs::write_file(const fs::path& target, const std::string& content, mode_t mode, Owner owner) const {
  return write_file_atomic(host_path(target), content, mode, owner);
}

namespace {

struct Fd {
  int fd = -1;
  explicit Fd(int f = -1) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// An intermediate symlink is followed only where nobody but root could have put it: the link
// and the directory holding it root-owned, that directory not writable by group or others.
// (/var/run -> /run, a merged /usr; never a link the kafka user planted in a directory it owns.)
bool trusted_link(int dirfd, const struct stat& link) {
  struct stat dir {};
  return link.st_uid == 0 && ::fstat(dirfd, &dir) == 0 && dir.st_uid == 0 && (dir.st_mode & 022) == 0;
}

}  // namespace

// Walks down from the root one component at a time with O_NOFOLLOW and changes mode and owner
// through the final directory's descriptor (fchmod/fchown), so a symlink swapped in by the
// kafka user (who owns /var/lib/kafka) can never redirect a chmod or chown onto /etc.
Result<Change> RootFs::ensure_dir(const fs::path& target, mode_t mode, Owner owner) const {
  auto p = host_path(target);
  // The root itself is the caller's choice (--root), trusted as given and created if missing.
  const char* top = root_.empty() ? "." : root_.c_str();
  Fd dir(::open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(root_, ec);
    if (ec) return fail("cannot create directory " + root_.string() + ": " + ec.message());
    dir = Fd(::open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  if (dir.fd < 0) return fail("cannot open " + root_.string() + ": " + errno_text(errno));
  Change change = Change::unchanged;
  fs::path walked = root_;
  const fs::path rel = target.relative_path();
  std::vector<fs::path> parts(rel.begin(), rel.end());
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string name = parts[i].string();
    if (name.empty() || name == ".") continue;
    if (name == "..") return bad_input(target.string() + ": '..' is not allowed in a target path");
    const bool last = i + 1 == parts.size();
    walked /= name;
    const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int next = ::openat(dir.fd, name.c_str(), flags);
    if (next < 0 && errno == ENOENT) {
      if (::mkdirat(dir.fd, name.c_str(), last ? mode : 0755) != 0 && errno != EEXIST)
        return fail("cannot create directory " + walked.string() + ": " + errno_text(errno));
      if (last) change = Change::created;
      next = ::openat(dir.fd, name.c_str(), flags);
    }
    if (next < 0 && (errno == ELOOP || errno == ENOTDIR)) {
      struct stat st {};
      if (::fstatat(dir.fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return fail("cannot stat " + walked.string() + ": " + errno_text(errno));
      if (!S_ISLNK(st.st_mode))
        return bad_input(walked.string() + " exists and is not a directory").note("move it out of the way and run again");
      if (last || !trusted_link(dir.fd, st))
        return refuse(walked.string() + " is a symbolic link where a directory is expected; refusing to follow it")
            .note("a link here could point a chmod or chown at any file; replace it with a directory (or a mount) and run again");
      next = ::openat(dir.fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    if (next < 0) return fail("cannot open directory " + walked.string() + ": " + errno_text(errno));
    dir = Fd(next);
  }
  struct stat st {};
  if (::fstat(dir.fd, &st) != 0) return fail("cannot stat " + p.string() + ": " + errno_text(errno));
  if ((st.st_mode & 07777) != mode) {
    if (::fchmod(dir.fd, mode) != 0) return fail("cannot chmod " + p.string() + ": " + errno_text(errno));
    if (change == Change::unchanged) change = Change::updated;
  }
  if (!owner_matches(st, owner)) {
    if (::fchown(dir.fd, owner.uid, owner.gid) != 0) return fail("cannot chown " + p.string() + ": " + errno_text(errno));
    if (change == Change::unchanged) change = Change::updated;
  }
  return change;
}

Result<Change> RootFs::ensure_symlink(const fs::path& link, const fs::path& dest) const {
  auto p = host_path(link);
  std::error_code ec;
  bool exists = fs::is_symlink(fs::symlink_status(p, ec));
  if (exists && fs::read_symlink(p, ec) == dest) return Change::unchanged;
  if (!exists && fs::exists(fs::symlink_status(p, ec)))
    return bad_input(p.string() + " exists and is not a symlink").note("move it out of the way and run again");
  fs::create_directories(p.parent_path(), ec);
  if (ec) return fail("cannot create directory " + p.parent_path().string() + ": " + ec.message());
  auto tmp = p.parent_path() / ("." + p.filename().string() + ".new." + std::to_string(::getpid()));
  ::unlink(tmp.c_str());
  if (::symlink(dest.c_str(), tmp.c_str()) != 0) return fail("cannot create symlink " + tmp.string() + ": " + errno_text(errno));
  return rename_into_place(tmp, p, exists, "cannot switch symlink ");
}

Change RootFs::preview_dir(const fs::path& target, mode_t mode, std::optional<Owner> owner) const {
  struct stat st {};
  if (::lstat(host_path(target).c_str(), &st) != 0) return Change::created;
  const bool owner_differs = owner ? !owner_matches(st, *owner) : geteuid() == 0;
  return (st.st_mode & 07777) != mode || owner_differs ? Change::updated : Change::unchanged;
}

Change RootFs::preview_symlink(const fs::path& link, const fs::path& dest) const {
  auto p = host_path(link);
  std::error_code ec;
  if (!fs::is_symlink(fs::symlink_status(p, ec))) return Change::created;
  return fs::read_symlink(p, ec) == dest ? Change::unchanged : Change::updated;
}

Result<std::optional<std::string>> RootFs::read_file(const fs::path& target) const {
  return read_whole_file(host_path(target));
}

}  // namespace ka

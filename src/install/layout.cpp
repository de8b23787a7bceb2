#include "install/layout.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iterator>
#include <regex>
#include <vector>

#include "fetch/cache.hpp"
#include "verify/checksum.hpp"

namespace ka::install {

std::string kafka_dir_name(const std::string& scala, const std::string& version) {
  return "kafka_" + scala + "-" + version;
}

std::string temurin_dir_name(const std::string& archive_top) {
  std::string v = archive_top;
  if (v.rfind("jdk-", 0) == 0) v = v.substr(4);
  else if (v.rfind("jdk", 0) == 0) v = v.substr(3);  // jdk8u302-b08
  return "temurin-" + v;
}

bool parse_kafka_tarball_name(const std::string& file_name, std::string& scala, std::string& version) {
  static const std::regex re(R"(kafka_(\d+\.\d+)-(\d+\.\d+\.\d+)\.(tgz|tar\.gz))");
  std::smatch m;
  if (!std::regex_match(file_name, m, re)) return false;
  scala = m[1];
  version = m[2];
  return true;
}

bool is_stale_staging_name(const std::string& name) {
  static const std::regex re(R"((kafka_[0-9.]+-[0-9.]+|temurin-[^/]+|\.temurin)\.(partial|old)\.[0-9]+)");
  return std::regex_match(name, re);
}

Result<std::vector<std::string>> find_stale_staging(const RootFs& rfs) {
  std::vector<std::string> found;
  auto opt = rfs.host_path(kOptDir);
  std::error_code ec;
  if (!fs::exists(opt, ec)) return found;
  for (auto it = fs::directory_iterator(opt, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    auto name = it->path().filename().string();
    if (is_stale_staging_name(name)) found.push_back(name);
  }
  if (ec) return fail("cannot list " + opt.string() + ": " + ec.message());
  std::sort(found.begin(), found.end());
  return found;
}

Result<std::vector<std::string>> remove_stale_staging(const RootFs& rfs) {
  KA_TRY(auto stale, find_stale_staging(rfs));
  for (const auto& name : stale) {
    std::error_code ec;
    fs::remove_all(rfs.host_path(kOptDir) / name, ec);
    if (ec) return fail("cannot remove the stale staging directory " + (rfs.host_path(kOptDir) / name).string() + ": " + ec.message());
  }
  return stale;
}

Result<Staging> Staging::create(const RootFs& rfs, const std::string& dir_name) {
  auto opt = rfs.host_path(kOptDir);
  std::error_code ec;
  fs::create_directories(opt, ec);
  if (ec) return fail("cannot create " + opt.string() + ": " + ec.message());
  // libarchive refuses to extract through a symlink anywhere on the path: resolve /opt once.
  auto real = fs::canonical(opt, ec);
  if (ec) return fail("cannot resolve " + opt.string() + ": " + ec.message());
  auto path = real / (dir_name + ".partial." + std::to_string(::getpid()));
  fs::remove_all(path, ec);
  if (::mkdir(path.c_str(), 0755) != 0) return fail("cannot create " + path.string() + ": " + errno_text(errno));
  ::chmod(path.c_str(), 0755);  // whatever the umask
  return Staging(real, path);
}

Staging::Staging(Staging&& o) noexcept : opt_(std::move(o.opt_)), path_(std::move(o.path_)), active_(o.active_) {
  o.active_ = false;
}

Staging::~Staging() { discard(); }

void Staging::discard() {
  if (!active_) return;
  active_ = false;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Status Staging::commit(const std::string& final_name) {
  auto final_path = opt_ / final_name;
  int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return fail("cannot open " + path_.string() + ": " + errno_text(errno));
  // The tree must be on disk before its name says it is installed: after a power cut a renamed
  // but unwritten tree would pass for a good one.
  int rc = ::syncfs(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return fail("cannot flush " + path_.string() + " to disk: " + errno_text(err)).note("nothing was installed");

  struct stat st {};
  if (::lstat(final_path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode))
      return bad_input(final_path.string() + " exists and is not a directory").note("move it out of the way and run again");
    if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, final_path.c_str(), RENAME_EXCHANGE) != 0)
      return fail("cannot exchange " + path_.string() + " with " + final_path.string() + ": " + errno_text(errno));
    // path_ now holds the tree that was replaced: the destructor's removal is what we want.
    // Renamed first to a stale-staging name so a kill before the removal leaves only that.
    auto old = opt_ / (final_name + ".old." + std::to_string(::getpid()));
    if (::rename(path_.c_str(), old.c_str()) == 0) path_ = old;
  } else {
    if (::rename(path_.c_str(), final_path.c_str()) != 0)
      return fail("cannot rename " + path_.string() + " to " + final_path.string() + ": " + errno_text(errno));
    active_ = false;
  }
  KA_TRY_STATUS(fsync_dir(opt_));
  discard();
  return ok_status();
}

namespace {

// The parts of a release whose contents are hashed, not only their size and mtime: what runs
// (Kafka's scripts, the JDK's launchers) and what configures it (Kafka's config/, the JDK's
// conf/ with java.security). An edit that keeps size and mtime (`touch -r`) changes the digest.
// The jars and libjvm.so are left at size+mtime: hashing ~150 MB on every run costs seconds.
bool content_hashed(const fs::path& rel) {
  auto first = rel.begin();
  if (first == rel.end() || std::next(first) == rel.end()) return false;
  return *first == "bin" || *first == "config" || *first == "conf";
}

Result<std::string> walk_tree(const fs::path& dir, bool seal) {
  std::vector<std::string> lines;
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, fs::directory_options::none, ec);
  if (ec) return fail("cannot read " + dir.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return fail("cannot read " + dir.string() + ": " + ec.message());
    const auto& p = it->path();
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return fail("cannot stat " + p.string() + ": " + errno_text(errno));
    if (seal && !S_ISLNK(st.st_mode) && (st.st_mode & 022)) {
      if (::chmod(p.c_str(), st.st_mode & 07755) != 0) return fail("cannot chmod " + p.string() + ": " + errno_text(errno));
      st.st_mode &= ~static_cast<mode_t>(022);
    }
    const fs::path rel = fs::relative(p, dir, ec);
    if (ec) return fail("cannot read " + p.string() + ": " + ec.message());
    std::string line = rel.string();
    char buf[96];
    if (S_ISDIR(st.st_mode)) {
      std::snprintf(buf, sizeof buf, "\td %o", st.st_mode & 07777);
      line += buf;
    } else if (S_ISLNK(st.st_mode)) {
      line += "\tl " + fs::read_symlink(p, ec).string();
    } else {
      std::snprintf(buf, sizeof buf, "\tf %o %lld %lld", st.st_mode & 07777, static_cast<long long>(st.st_size),
                    static_cast<long long>(st.st_mtime));
      line += buf;
      if (S_ISREG(st.st_mode) && content_hashed(rel)) {
        KA_TRY(auto sum, fetch::hash_file(p, DigestAlgo::sha256, nullptr));
        line += " sha256:" + sum;
      }
    }
    lines.push_back(std::move(line));
  }
  std::sort(lines.begin(), lines.end());
  DigestSink d(DigestAlgo::sha256);
  for (auto& l : lines) {
    l += '\n';
    KA_TRY_STATUS(d.write(reinterpret_cast<const unsigned char*>(l.data()), l.size()));
  }
  return d.hex();
}

}  // namespace

Result<std::string> seal_tree(const fs::path& dir) { return walk_tree(dir, true); }
Result<std::string> tree_digest(const fs::path& dir) { return walk_tree(dir, false); }

}  // namespace ka::install

#include "install/extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

namespace ka::install {

namespace {

std::vector<std::string> split_path(const std::string& p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    if (j > i) out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::string join_path(const std::vector<std::string>& parts, size_t from = 0) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

std::string parent_of(const std::string& rel) {
  auto pos = rel.rfind('/');
  return pos == std::string::npos ? std::string() : rel.substr(0, pos);
}

const char* type_name(mode_t type) {
  switch (type) {
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFIFO: return "a FIFO";
    case AE_IFSOCK: return "a socket";
    default: return "an unsupported file type";
  }
}

constexpr int kMaxSymlinkHops = 40;  // as the kernel's MAXSYMLINKS

}  // namespace

Result<std::string> strip_entry_path(const std::string& entry, const std::string& top) {
  if (entry.empty()) return bad_input("an entry has an empty name");
  if (entry[0] == '/') return bad_input("has an absolute path");
  std::vector<std::string> parts;
  for (auto& c : split_path(entry)) {
    if (c == ".") continue;
    if (c == "..") return bad_input("has a '..' component");
    parts.push_back(c);
  }
  if (parts.empty()) return bad_input("names the archive's root, not an entry under '" + top + "/'");
  if (parts[0] != top) return bad_input("lies outside the expected top-level directory '" + top + "/'");
  return join_path(parts, 1);
}

void SymlinkTable::add(const std::string& link, const std::string& target) { links_[link] = target; }

bool SymlinkTable::contains(const std::string& path) const { return links_.count(path) != 0; }

std::optional<std::string> SymlinkTable::symlink_prefix(const std::string& path) const {
  if (links_.empty()) return std::nullopt;
  auto parts = split_path(path);
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (i ? "/" : "") + parts[i];
    if (links_.count(prefix)) return prefix;
  }
  return std::nullopt;
}

Result<std::string> SymlinkTable::resolve(const std::string& link) const {
  auto it = links_.find(link);
  if (it == links_.end()) return fail("internal: " + link + " is not a known symlink");
  if (!it->second.empty() && it->second[0] == '/') return bad_input("points to the absolute path " + it->second);
  // Components still to walk, front first; the resolved physical path so far.
  std::deque<std::string> todo;
  for (auto& c : split_path(parent_of(link))) todo.push_back(c);
  for (auto& c : split_path(it->second)) todo.push_back(c);
  std::vector<std::string> at;
  int hops = 0;
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == ".") continue;
    if (c == "..") {
      if (at.empty()) return bad_input("points outside the tree (" + it->second + ")");
      at.pop_back();
      continue;
    }
    at.push_back(c);
    auto hop = links_.find(join_path(at));
    if (hop == links_.end()) continue;
    if (++hops > kMaxSymlinkHops) return bad_input("is part of a symlink loop");
    if (!hop->second.empty() && hop->second[0] == '/')
      return bad_input("goes through " + hop->first + ", which points to the absolute path " + hop->second);
    at.pop_back();
    auto parts = split_path(hop->second);
    for (auto p = parts.rbegin(); p != parts.rend(); ++p) todo.push_front(*p);
  }
  return join_path(at);
}

Status SymlinkTable::check_all(const std::string& origin) const {
  for (auto& [link, target] : links_) {
    auto r = resolve(link);
    if (!r) {
      return bad_input("refusing " + origin + ": symlink '" + link + "' -> '" + target + "' " + r.error().message)
          .note("a release tarball never links outside itself; nothing was installed");
    }
  }
  return ok_status();
}

struct ExtractSink::Impl {
  fs::path dest;
  ExtractOptions opts;
  std::string origin;

  std::mutex mu;
  std::condition_variable not_full, not_empty;
  std::deque<std::vector<unsigned char>> queue;
  size_t queued_bytes = 0;
  bool eof = false;      // producer finished
  bool aborted = false;  // producer gave up: the reader must stop
  bool done = false;     // reader finished (successfully or not)
  std::optional<Error> error;

  std::vector<unsigned char> current;  // the chunk libarchive is reading; owned by the reader
  ExtractStats stats;
  std::thread reader;
  bool joined = false;

  Impl(fs::path d, ExtractOptions o, std::string orig) : dest(std::move(d)), opts(std::move(o)), origin(std::move(orig)) {}

  static la_ssize_t read_cb(struct archive* a, void* ud, const void** buf) {
    auto* self = static_cast<Impl*>(ud);
    std::unique_lock lk(self->mu);
    self->not_empty.wait(lk, [&] { return !self->queue.empty() || self->eof || self->aborted; });
    if (self->aborted) {
      archive_set_error(a, ECANCELED, "the download was abandoned");
      return -1;
    }
    if (self->queue.empty()) return 0;  // eof
    self->current = std::move(self->queue.front());
    self->queue.pop_front();
    self->queued_bytes -= self->current.size();
    lk.unlock();
    self->not_full.notify_one();
    self->stats.bytes_in += self->current.size();
    *buf = self->current.data();
    return static_cast<la_ssize_t>(self->current.size());
  }

  Error refusal(const std::string& entry, const std::string& why) const {
    return bad_input("refusing " + origin + ": entry '" + entry + "' " + why)
        .note("nothing was installed; a release tarball as published by its project never contains this");
  }

  Status run();
  void thread_main() {
    Status st = run();
    std::lock_guard lk(mu);
    if (!st) error = std::move(st).error();
    done = true;
    not_full.notify_all();
  }
};

Status ExtractSink::Impl::run() {
  struct archive* a = archive_read_new();
  struct archive* w = archive_write_disk_new();
  if (!a || !w) return fail("cannot allocate the archive reader");
  struct Closer {
    struct archive* a;
    struct archive* w;
    ~Closer() {
      archive_read_free(a);
      archive_write_free(w);
    }
  } closer{a, w};

  // gzip through the linked zlib only: with other filters libarchive would fall back to
  // running external programs (xz, bzip2, ...) on untrusted input.
  if (archive_read_support_filter_gzip(a) != ARCHIVE_OK || archive_read_support_format_tar(a) != ARCHIVE_OK)
    return fail(std::string("libarchive lacks built-in gzip/tar support: ") + archive_error_string(a));
  // No ARCHIVE_EXTRACT_OWNER (files belong to root), no ACLs, xattrs or file flags. No
  // ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS: libarchive only sees the absolute paths we build
  // under `dest`, after our own refusal of absolute names in the archive.
  archive_write_disk_set_options(w, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                        ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_NO_OVERWRITE);
  if (archive_read_open(a, this, nullptr, read_cb, nullptr) != ARCHIVE_OK)
    return bad_input("cannot read " + origin + ": " + archive_error_string(a)).note("it is not a .tar.gz archive");

  const auto& lim = opts.limits;
  std::string top = opts.expected_top;
  std::set<std::string> files;  // regular files extracted: the only valid hardlink targets
  std::map<std::string, bool> seen;  // path -> is a directory
  SymlinkTable links;
  uint64_t declared = 0;

  auto ratio_exceeded = [&](uint64_t out) {
    return out > lim.ratio_floor_bytes && static_cast<double>(out) > lim.max_ratio * static_cast<double>(stats.bytes_in);
  };
  auto bomb = [&](const std::string& entry, const std::string& what) {
    return refusal(entry, what)
        .note("limits: " + std::to_string(lim.max_total_bytes) + " bytes, " + std::to_string(lim.max_entries) +
              " entries, expansion ratio " + std::to_string(static_cast<int>(lim.max_ratio)) +
              " (raise them with --max-unpacked-bytes, --max-entries, --max-ratio if this archive is trusted)");
  };

  for (;;) {
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(a, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN)
      return bad_input("cannot read " + origin + ": " + archive_error_string(a))
          .note("the archive is truncated or corrupt; nothing was installed");
    const char* raw = archive_entry_pathname(e);
    std::string name = raw ? raw : "";
    if (++stats.entries > lim.max_entries) return bomb(name, "is past the limit on the number of entries");

    if (top.empty()) {
      auto parts = split_path(name);
      if (!parts.empty() && parts[0] != "." && parts[0] != ".." && name[0] != '/') top = parts[0];
    }
    auto stripped = strip_entry_path(name, top);
    if (!stripped) return refusal(name, stripped.error().message);
    const std::string& rel = *stripped;
    mode_t type = archive_entry_filetype(e);
    const char* hardlink = archive_entry_hardlink(e);
    bool is_dir = type == AE_IFDIR && !hardlink;

    if (rel.empty()) {  // the top-level directory itself: it is `dest`
      if (!is_dir) return refusal(name, "is the top-level name but not a directory");
      continue;
    }
    if (!hardlink && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK)
      return refusal(name, std::string("is ") + type_name(type));
    if (auto via = links.symlink_prefix(rel)) return refusal(name, "lies under the symlink '" + *via + "'");
    if (auto s = seen.find(rel); s != seen.end() && !(s->second && is_dir))
      return refusal(name, "appears twice in the archive");
    seen[rel] = is_dir;

    if (type == AE_IFREG && !hardlink) {
      int64_t sz = archive_entry_size(e);
      declared += sz > 0 ? static_cast<uint64_t>(sz) : 0;
      // Refused before a byte is written. The ratio is judged on the bytes actually inflated
      // only: a large first entry legitimately declares more than has been downloaded yet.
      if (declared > lim.max_total_bytes) return bomb(name, "takes the unpacked size past the limit");
    }

    if (type == AE_IFLNK && !hardlink) {
      const char* t = archive_entry_symlink(e);
      std::string target = t ? t : "";
      if (target.empty()) return refusal(name, "is a symlink with an empty target");
      links.add(rel, target);
      auto res = links.resolve(rel);
      if (!res) return refusal(name, "is a symlink that " + res.error().message);
    }
    if (hardlink) {
      auto t = strip_entry_path(hardlink, top);
      if (!t) return refusal(name, std::string("is a hardlink to '") + hardlink + "', which " + t.error().message);
      if (!files.count(*t))
        return refusal(name, std::string("is a hardlink to '") + hardlink + "', not a regular file extracted before it");
      archive_entry_copy_hardlink(e, (dest / *t).c_str());
    }

    mode_t perm = archive_entry_perm(e);
    if (perm & 07000) stats.dropped_special_bits.push_back(rel);
    // Root-owned and never writable by group or others; directories stay traversable by us.
    perm &= 0755;
    if (is_dir) perm |= 0700;
    archive_entry_set_perm(e, perm);
    archive_entry_copy_pathname(e, (dest / rel).c_str());

    auto write_error = [&](const std::string& what) {
      int err = archive_errno(w);
      const char* msg = archive_error_string(w);
      Error out = fail("cannot " + what + " " + (dest / rel).string() + " from " + origin + ": " + (msg ? msg : "unknown error"));
      if (err == ENOSPC || err == EDQUOT) out.note("the file system is full: free space under " + dest.parent_path().string() + " and run again");
      out.note("nothing was installed");
      return out;
    };
    if (archive_write_header(w, e) != ARCHIVE_OK) return write_error("create");
    if (type == AE_IFREG && !hardlink) {
      const void* buf = nullptr;
      size_t len = 0;
      la_int64_t off = 0;
      for (;;) {
        int rr = archive_read_data_block(a, &buf, &len, &off);
        if (rr == ARCHIVE_EOF) break;
        if (rr != ARCHIVE_OK)
          return bad_input("cannot read " + origin + " at entry '" + name + "': " + archive_error_string(a))
              .note("the archive is truncated or corrupt; nothing was installed");
        stats.bytes_out += len;
        if (stats.bytes_out > lim.max_total_bytes) return bomb(name, "takes the unpacked size past the limit");
        if (ratio_exceeded(stats.bytes_out)) return bomb(name, "takes the expansion ratio past the limit (an archive bomb?)");
        if (archive_write_data_block(w, buf, len, off) != ARCHIVE_OK) return write_error("write");
      }
      files.insert(rel);
    }
    if (archive_write_finish_entry(w) != ARCHIVE_OK) return write_error("finish");
  }
  if (top.empty() || stats.entries == 0) return bad_input(origin + " is an empty archive").note("nothing was installed");
  stats.top = top;
  // Directory modes and times are applied here, deepest first.
  if (archive_write_close(w) != ARCHIVE_OK)
    return fail("cannot finish extracting " + origin + " into " + dest.string() + ": " + archive_error_string(w));
  KA_TRY_STATUS(links.check_all(origin));
  return ok_status();
}

ExtractSink::ExtractSink(fs::path dest, ExtractOptions opts, std::string origin)
    : impl_(std::make_unique<Impl>(std::move(dest), std::move(opts), std::move(origin))) {
  impl_->reader = std::thread([p = impl_.get()] { p->thread_main(); });
}

ExtractSink::~ExtractSink() {
  if (!impl_->joined) {
    {
      std::lock_guard lk(impl_->mu);
      impl_->aborted = true;
    }
    impl_->not_empty.notify_all();
    impl_->reader.join();
  }
}

Status ExtractSink::write(const unsigned char* data, size_t n) {
  if (n == 0) return ok_status();
  std::unique_lock lk(impl_->mu);
  auto& s = *impl_;
  s.not_full.wait(lk, [&] { return s.done || s.queued_bytes == 0 || s.queued_bytes + n <= s.opts.queue_bytes; });
  if (s.error) return *s.error;
  // The tar end marker was reached: what follows (padding) matters only to the digest.
  if (s.done) return ok_status();
  s.queue.emplace_back(data, data + n);
  s.queued_bytes += n;
  lk.unlock();
  s.not_empty.notify_one();
  return ok_status();
}

Status ExtractSink::finish() {
  {
    std::lock_guard lk(impl_->mu);
    impl_->eof = true;
  }
  impl_->not_empty.notify_all();
  impl_->reader.join();
  impl_->joined = true;
  if (impl_->error) return *impl_->error;
  return ok_status();
}

const ExtractStats& ExtractSink::stats() const { return impl_->stats; }

}  // namespace ka::install

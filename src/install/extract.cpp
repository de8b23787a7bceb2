#include "install/extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
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

// libarchive may fail without a message (a truncated gzip header does): never a null string.
std::string la_error(struct archive* a) {
  const char* m = archive_error_string(a);
  return m && *m ? m : "unknown error (libarchive gave no reason)";
}

// What an entry makes on disk. A hardlink is a file.
enum class Kind { dir, file, symlink };

const char* kind_name(Kind k) {
  constexpr const char* names[] = {"a directory", "a file", "a symlink"};  // in Kind's order
  return names[static_cast<int>(k)];
}

const char* stat_type_name(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISREG(m)) return "a regular file";
  if (S_ISLNK(m)) return "a symlink";
  return "a special file";
}

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

  // One pass over the archive, and what the checks between its entries remember.
  struct Inode {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
  };
  struct Entry {
    std::string name;      // as in the archive
    std::string rel;       // under the top-level directory
    mode_t type = 0;
    bool hardlinked = false;
    std::string hardlink;  // the name it links to
    bool is_dir = false;
    Kind kind = Kind::file;
    std::string target;    // of a symlink
    Inode link_target;     // of a hardlink
    uint64_t bytes_before = 0;
  };
  struct Pass {
    Pass(Impl& impl, struct archive* r, struct archive* wr) : x(impl), a(r), w(wr) {}
    Impl& x;
    struct archive* a;
    struct archive* w;
    std::string top;
    // Every path made so far, with the parents libarchive makes implicitly for a deeper entry.
    std::map<std::string, Kind> made;
    std::map<std::string, Inode> files;  // regular files extracted: the only valid hardlink targets
    SymlinkTable links;
    uint64_t declared = 0;

    Status open();
    Error bomb(const std::string& entry, const std::string& what) const;
    Result<std::optional<Entry>> admit(struct archive_entry* e);
    Status claim(const Entry& en);
    Status resolve_links(Entry& en, struct archive_entry* e);
    Status charge(const Entry& en, uint64_t file_size);
    Status write(Entry& en, struct archive_entry* e);
    Status confirm(const Entry& en);
  };

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
  Pass p(*this, archive_read_new(), archive_write_disk_new());
  struct Closer {
    Pass& p;
    ~Closer() {
      archive_read_free(p.a);
      archive_write_free(p.w);
    }
  } closer{p};
  KA_TRY_STATUS(p.open());
  p.top = opts.expected_top;
  for (;;) {
    struct archive_entry* e = nullptr;
    int r = archive_read_next_header(p.a, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN)
      return bad_input("cannot read " + origin + ": " + la_error(p.a))
          .note("the archive is truncated or corrupt; nothing was installed");
    KA_TRY(auto entry, p.admit(e));
    if (!entry) continue;
    KA_TRY_STATUS(p.write(*entry, e));
    KA_TRY_STATUS(p.confirm(*entry));
  }
  if (p.top.empty() || stats.entries == 0) return bad_input(origin + " is an empty archive").note("nothing was installed");
  stats.top = p.top;
  // Directory modes and times are applied here, deepest first.
  if (archive_write_close(p.w) != ARCHIVE_OK)
    return fail("cannot finish extracting " + origin + " into " + dest.string() + ": " + la_error(p.w));
  KA_TRY_STATUS(p.links.check_all(origin));
  return ok_status();
}

Status ExtractSink::Impl::Pass::open() {
  if (!a || !w) return fail("cannot allocate the archive reader");
  // gzip through the linked zlib only: with other filters libarchive would fall back to
  // running external programs (xz, bzip2, ...) on untrusted input.
  if (archive_read_support_filter_gzip(a) != ARCHIVE_OK || archive_read_support_format_tar(a) != ARCHIVE_OK)
    return fail(std::string("libarchive lacks built-in gzip/tar support: ") + la_error(a));
  // No ARCHIVE_EXTRACT_OWNER (files belong to root), no ACLs, xattrs or file flags. No
  // ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS: libarchive only sees the absolute paths we build
  // under `dest`, after our own refusal of absolute names in the archive.
  archive_write_disk_set_options(w, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                        ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_NO_OVERWRITE);
  if (archive_read_open(a, &x, nullptr, read_cb, nullptr) != ARCHIVE_OK)
    return bad_input("cannot read " + x.origin + ": " + la_error(a)).note("it is not a .tar.gz archive");
  return ok_status();
}

Error ExtractSink::Impl::Pass::bomb(const std::string& entry, const std::string& what) const {
  const auto& lim = x.opts.limits;
  return x.refusal(entry, what)
      .note("limits: " + std::to_string(lim.max_total_bytes) + " bytes, " + std::to_string(lim.max_entries) +
            " entries, expansion ratio " + std::to_string(static_cast<int>(lim.max_ratio)) +
            " (raise them with --max-unpacked-bytes, --max-entries, --max-ratio if this archive is trusted)");
}

// The entry's name, type and limits; nullopt for the top-level directory itself (it is `dest`).
Result<std::optional<ExtractSink::Impl::Entry>> ExtractSink::Impl::Pass::admit(struct archive_entry* e) {
  using Out = std::optional<Entry>;
  const auto& lim = x.opts.limits;
  Entry en;
  const char* raw = archive_entry_pathname(e);
  en.name = raw ? raw : "";
  const std::string& name = en.name;
  if (++x.stats.entries > lim.max_entries) return bomb(name, "is past the limit on the number of entries");
  if (top.empty()) {
    auto parts = split_path(name);
    if (!parts.empty() && parts[0] != "." && parts[0] != ".." && name[0] != '/') top = parts[0];
  }
  auto stripped = strip_entry_path(name, top);
  if (!stripped) return x.refusal(name, stripped.error().message);
  en.rel = *stripped;
  en.type = archive_entry_filetype(e);
  const char* hl = archive_entry_hardlink(e);
  en.hardlinked = hl != nullptr;
  if (hl) en.hardlink = hl;
  const bool is_hardlink = en.hardlinked;
  en.is_dir = en.type == AE_IFDIR && !is_hardlink;
  if (en.rel.empty()) {
    if (!en.is_dir) return x.refusal(name, "is the top-level name but not a directory");
    return Out();
  }
  if (!is_hardlink && en.type != AE_IFREG && en.type != AE_IFDIR && en.type != AE_IFLNK)
    return x.refusal(name, std::string("is ") + type_name(en.type));
  // A pax hardlink may carry a body, which libarchive writes into (and extends) the file it
  // links to, past our limits. (libarchive's reader gives directories and symlinks no body.)
  if (int64_t body = archive_entry_size(e); is_hardlink && body > 0)
    return x.refusal(name, "is a hardlink to '" + en.hardlink + "' that carries data (" + std::to_string(body) +
                               " bytes), which would overwrite the file it links to");
  en.kind = en.is_dir ? Kind::dir : (en.type == AE_IFLNK && !is_hardlink) ? Kind::symlink : Kind::file;
  KA_TRY_STATUS(claim(en));
  if (en.type == AE_IFREG && !is_hardlink) {
    int64_t sz = archive_entry_size(e);
    declared += sz > 0 ? static_cast<uint64_t>(sz) : 0;
    // Refused before a byte is written. The ratio is judged on the bytes actually inflated
    // only: a large first entry legitimately declares more than has been downloaded yet.
    if (declared > lim.max_total_bytes) return bomb(name, "takes the unpacked size past the limit");
  }
  KA_TRY_STATUS(resolve_links(en, e));
  return Out(std::move(en));
}

// A name must never be taken by two types, because libarchive (NO_OVERWRITE) silently keeps
// what is there while our link table would believe the new entry.
Status ExtractSink::Impl::Pass::claim(const Entry& en) {
  auto parts = split_path(en.rel);
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (i ? "/" : "") + parts[i];
    auto [at, fresh] = made.emplace(prefix, Kind::dir);  // made implicitly if new
    if (fresh || at->second == Kind::dir) continue;
    if (at->second == Kind::symlink) return x.refusal(en.name, "lies under the symlink '" + prefix + "'");
    return x.refusal(en.name, "lies under '" + prefix + "', which is a file, not a directory");
  }
  if (auto at = made.find(en.rel); at != made.end()) {
    if (at->second == Kind::dir && en.kind != Kind::dir)
      return x.refusal(en.name, std::string("is ") + kind_name(en.kind) + ", but '" + en.rel +
                                    "' is already a directory (made for an earlier entry)");
    if (!(at->second == Kind::dir && en.kind == Kind::dir))
      return x.refusal(en.name, "appears twice in the archive (first as " + std::string(kind_name(at->second)) + ")");
  }
  made[en.rel] = en.kind;
  return ok_status();
}

// A symlink must resolve inside the tree; a hardlink must name a regular file extracted before.
Status ExtractSink::Impl::Pass::resolve_links(Entry& en, struct archive_entry* e) {
  if (en.type == AE_IFLNK && !en.hardlinked) {
    const char* t = archive_entry_symlink(e);
    en.target = t ? t : "";
    if (en.target.empty()) return x.refusal(en.name, "is a symlink with an empty target");
    links.add(en.rel, en.target);
    auto res = links.resolve(en.rel);
    if (!res) return x.refusal(en.name, "is a symlink that " + res.error().message);
  }
  if (en.hardlinked) {
    auto t = strip_entry_path(en.hardlink, top);
    if (!t) return x.refusal(en.name, "is a hardlink to '" + en.hardlink + "', which " + t.error().message);
    auto it = files.find(*t);
    if (it == files.end())
      return x.refusal(en.name, "is a hardlink to '" + en.hardlink + "', not a regular file extracted before it");
    en.link_target = it->second;
    archive_entry_copy_hardlink(e, (x.dest / *t).c_str());
  }
  return ok_status();
}

// Every byte a file gets counts against the limits, holes of a sparse entry included: its
// size on disk is the furthest offset written (or the declared size libarchive extends it to).
Status ExtractSink::Impl::Pass::charge(const Entry& en, uint64_t file_size) {
  auto& stats = x.stats;
  const auto& lim = x.opts.limits;
  stats.bytes_out = std::max(stats.bytes_out, en.bytes_before + file_size);
  if (stats.bytes_out > lim.max_total_bytes) return bomb(en.name, "takes the unpacked size past the limit");
  if (stats.bytes_out > lim.ratio_floor_bytes && static_cast<double>(stats.bytes_out) > lim.max_ratio * static_cast<double>(stats.bytes_in))
    return bomb(en.name, "takes the expansion ratio past the limit (an archive bomb?)");
  return ok_status();
}

Status ExtractSink::Impl::Pass::write(Entry& en, struct archive_entry* e) {
  mode_t perm = archive_entry_perm(e);
  if (perm & 07000) x.stats.dropped_special_bits.push_back(en.rel);
  // Root-owned and never writable by group or others; directories stay traversable by us.
  perm &= 0755;
  if (en.is_dir) perm |= 0700;
  archive_entry_set_perm(e, perm);
  archive_entry_copy_pathname(e, (x.dest / en.rel).c_str());
  auto write_error = [&](const std::string& what) {
    int err = archive_errno(w);
    Error out = fail("cannot " + what + " " + (x.dest / en.rel).string() + " from " + x.origin + ": " + la_error(w));
    if (err == ENOSPC || err == EDQUOT) out.note("the file system is full: free space under " + x.dest.parent_path().string() + " and run again");
    out.note("nothing was installed");
    return out;
  };
  en.bytes_before = x.stats.bytes_out;
  if (archive_write_header(w, e) != ARCHIVE_OK) return write_error("create");
  if (en.type == AE_IFREG && !en.hardlinked) {
    const void* buf = nullptr;
    size_t len = 0;
    la_int64_t off = 0;
    for (;;) {
      int rr = archive_read_data_block(a, &buf, &len, &off);
      if (rr == ARCHIVE_EOF) break;
      if (rr != ARCHIVE_OK || off < 0)
        return bad_input("cannot read " + x.origin + " at entry '" + en.name + "': " + la_error(a))
            .note("the archive is truncated or corrupt; nothing was installed");
      KA_TRY_STATUS(charge(en, static_cast<uint64_t>(off) + len));
      if (archive_write_data_block(w, buf, len, off) != ARCHIVE_OK) return write_error("write");
    }
  }
  if (archive_write_finish_entry(w) != ARCHIVE_OK) return write_error("finish");
  return ok_status();
}

// Confirms on disk what the entry was to make: the checks above reason about `made`, so it
// must be what is there, whatever libarchive chose to skip or follow.
Status ExtractSink::Impl::Pass::confirm(const Entry& en) {
  struct stat st {};
  const fs::path path = x.dest / en.rel;
  if (::lstat(path.c_str(), &st) != 0)
    return x.refusal(en.name, std::string("was not extracted (") + std::strerror(errno) + ")");
  auto mismatch = [&](const std::string& want) {
    return x.refusal(en.name, "should have made " + want + " but " + stat_type_name(st.st_mode) + " is there");
  };
  switch (en.kind) {
    case Kind::dir:
      if (!S_ISDIR(st.st_mode)) return mismatch("a directory");
      break;
    case Kind::symlink: {
      if (!S_ISLNK(st.st_mode)) return mismatch("a symlink");
      std::string got(static_cast<size_t>(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(path.c_str(), got.data(), got.size());
      if (n < 0 || static_cast<size_t>(n) != en.target.size() || got.compare(0, en.target.size(), en.target) != 0)
        return x.refusal(en.name, "should have made a symlink to '" + en.target + "' but another one is there");
      break;
    }
    case Kind::file:
      if (!S_ISREG(st.st_mode)) return mismatch("a regular file");
      if (en.hardlinked) {
        const Inode& t = en.link_target;
        if (st.st_dev != t.dev || st.st_ino != t.ino || st.st_size != t.size)
          return x.refusal(en.name, "should have made a hardlink to '" + en.hardlink + "' but another file is there");
      } else {
        if (st.st_nlink != 1) return x.refusal(en.name, "should have made a new file but an existing one is there");
        KA_TRY_STATUS(charge(en, static_cast<uint64_t>(st.st_size)));
        files[en.rel] = Inode{st.st_dev, st.st_ino, st.st_size};
      }
      break;
  }
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

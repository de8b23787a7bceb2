// Tarballs built in memory with libarchive's writer, so unit tests can make archives that
// tar(1) refuses to create (absolute names, "..", devices, hardlinks out of the tree).
#pragma once
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ka::test {

struct TarEntry {
  std::string name;
  mode_t type = AE_IFREG;
  std::string content;
  std::string link;      // symlink target
  std::string hardlink;  // hardlink target (an earlier entry's name)
  mode_t perm = 0644;
  int64_t declared_size = -1;  // header size when it must differ from content (gaps are zeros)
};

inline TarEntry file(std::string name, std::string content, mode_t perm = 0644) {
  return TarEntry{std::move(name), AE_IFREG, std::move(content), "", "", perm};
}
inline TarEntry dir(std::string name, mode_t perm = 0755) { return TarEntry{std::move(name), AE_IFDIR, "", "", "", perm}; }
inline TarEntry symlink(std::string name, std::string target) {
  return TarEntry{std::move(name), AE_IFLNK, "", std::move(target), "", 0777};
}
inline TarEntry hardlink(std::string name, std::string target) {
  return TarEntry{std::move(name), AE_IFREG, "", "", std::move(target), 0644};
}
inline TarEntry special(std::string name, mode_t type) { return TarEntry{std::move(name), type, "", "", "", 0644}; }

inline std::string make_tgz(const std::vector<TarEntry>& entries, bool gzip = true) {
  struct archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (gzip) archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  std::string out;
  auto writer = [](struct archive*, void* ud, const void* buf, size_t n) -> la_ssize_t {
    static_cast<std::string*>(ud)->append(static_cast<const char*>(buf), n);
    return static_cast<la_ssize_t>(n);
  };
  if (archive_write_open(a, &out, nullptr, writer, nullptr) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
  for (const auto& t : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.name.c_str());
    archive_entry_set_filetype(e, t.type);
    archive_entry_set_perm(e, t.perm);
    archive_entry_set_mtime(e, 1700000000, 0);
    if (!t.link.empty()) archive_entry_set_symlink(e, t.link.c_str());
    if (!t.hardlink.empty()) archive_entry_set_hardlink(e, t.hardlink.c_str());
    int64_t size = t.declared_size >= 0 ? t.declared_size : static_cast<int64_t>(t.content.size());
    if (t.type == AE_IFREG && t.hardlink.empty()) archive_entry_set_size(e, size);
    if (archive_write_header(a, e) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    if (!t.content.empty()) archive_write_data(a, t.content.data(), t.content.size());
    if (t.declared_size > static_cast<int64_t>(t.content.size())) {
      std::string zeros(1 << 20, '\0');
      for (int64_t left = t.declared_size - static_cast<int64_t>(t.content.size()); left > 0;) {
        size_t n = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(zeros.size())));
        archive_write_data(a, zeros.data(), n);
        left -= static_cast<int64_t>(n);
      }
    }
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

}  // namespace ka::test

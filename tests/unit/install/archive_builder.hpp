// Tarballs built in memory with libarchive's writer, so unit tests can make archives that
// tar(1) refuses to create (absolute names, "..", devices, hardlinks out of the tree).
#pragma once
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
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

// A hardlink that carries `size` bytes of body (zeros after `content`): only raw_tar writes it.
inline TarEntry hardlink_with_data(std::string name, std::string target, std::string content, int64_t size = -1) {
  TarEntry t{std::move(name), AE_IFREG, std::move(content), "", std::move(target), 0644};
  t.declared_size = size;
  return t;
}

// Uncompressed tar written byte by byte (a pax 'x' header before every entry, then ustar), for
// what libarchive's writer will not make: hardlinks with a body, bodies on directories and
// symlinks. The header's size is declared_size when set, else the content's; the body is the
// content, cut or padded with zeros to that size. Also the tar generator of fuzz_extract.
inline void raw_tar_append(std::string& out, const TarEntry& t) {
  auto header = [&](const std::string& name, char type, uint64_t size, const std::string& link, mode_t perm) {
    char h[512] = {};
    auto put = [&](size_t off, size_t len, const std::string& v) { std::copy_n(v.data(), std::min(len, v.size()), h + off); };
    auto octal = [&](size_t off, size_t len, uint64_t v) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%0*llo", static_cast<int>(len - 1), static_cast<unsigned long long>(v));
      put(off, len - 1, buf);
    };
    put(0, 100, name);
    octal(100, 8, perm & 07777);
    octal(108, 8, 0);
    octal(116, 8, 0);
    octal(124, 12, size);
    octal(136, 12, 1700000000);
    h[156] = type;
    put(157, 100, link);
    put(257, 6, std::string("ustar\0", 6));
    put(263, 2, "00");
    std::fill_n(h + 148, 8, ' ');
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    char ck[8];
    std::snprintf(ck, sizeof ck, "%06o", sum);
    std::copy_n(ck, 7, h + 148);
    out.append(h, sizeof h);
  };
  auto body = [&](const std::string& data, uint64_t size) {
    out.append(data.substr(0, static_cast<size_t>(std::min<uint64_t>(size, data.size()))));
    if (size > data.size()) out.append(static_cast<size_t>(size - data.size()), '\0');
    out.append(static_cast<size_t>((512 - size % 512) % 512), '\0');
  };
  auto record = [](const std::string& key, const std::string& value) {
    // "<len> key=value\n", where len counts its own digits
    std::string rest = " " + key + "=" + value + "\n";
    size_t len = rest.size() + 1;
    while (std::to_string(len).size() + rest.size() != len) ++len;
    return std::to_string(len) + rest;
  };
  std::string pax = record("path", t.name);
  if (!t.link.empty()) pax += record("linkpath", t.link);
  if (!t.hardlink.empty()) pax += record("linkpath", t.hardlink);
  header("PaxHeader", 'x', pax.size(), "", 0644);
  body(pax, pax.size());
  char type = '0';
  if (!t.hardlink.empty()) type = '1';
  else if (t.type == AE_IFDIR) type = '5';
  else if (t.type == AE_IFLNK) type = '2';
  else if (t.type == AE_IFCHR) type = '3';
  else if (t.type == AE_IFBLK) type = '4';
  else if (t.type == AE_IFIFO) type = '6';
  uint64_t size = t.declared_size >= 0 ? static_cast<uint64_t>(t.declared_size) : t.content.size();
  header(t.name.substr(0, 99), type, size, (t.hardlink.empty() ? t.link : t.hardlink).substr(0, 99), t.perm);
  body(t.content, size);
}

inline std::string raw_tar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const auto& t : entries) raw_tar_append(out, t);
  out.append(1024, '\0');
  return out;
}

}  // namespace ka::test

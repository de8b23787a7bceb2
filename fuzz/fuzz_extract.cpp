// libFuzzer: the release extractor (install/extract.*) on hostile tar streams, extracting for
// real into a scratch directory. Asserts, for every input, that nothing appears in the scratch
// parent outside the destination and that the files hold no more than the size limit; when the
// extraction succeeds, also that every symlink resolves inside the tree, the expansion ratio
// held and no setuid or group/other write bit survived.
//
// The first byte picks the mode: raw (the rest is the tar stream, as libFuzzer mutates it) or
// structured (the rest describes entries, turned into a tar stream, optionally gzipped): types
// file, directory, symlink, hardlink, hardlink or directory with a body; names and link targets
// from a small alphabet with "..", "." and "/", or through earlier names; sizes up to 96 KiB
// (the size limit is 64 KiB).
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "archive_builder.hpp"
#include "install/extract.hpp"

namespace fs = std::filesystem;
using ka::test::TarEntry;

namespace {

const std::string kTop = "kafka_2.13-3.9.1";
fs::path g_parent;  // scratch parent: holds only g_skeleton and, during a run, g_dest
fs::path g_dest;    // deep below it, so an escape of a few ".." still lands where we look
std::set<fs::path> g_skeleton;

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_extract: %s\n", what.c_str());
  std::abort();
}

bool under(const fs::path& p, const fs::path& root) {
  auto rel = p.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

std::string component(FuzzedDataProvider& in) {
  static const char* const kAlphabet[] = {"a", "b", "d", "x", "..", ".", "", "config", "a/b", "../.."};
  return kAlphabet[in.ConsumeIntegralInRange<size_t>(0, std::size(kAlphabet) - 1)];
}

std::string path_of(FuzzedDataProvider& in, size_t max_parts) {
  std::string p;
  size_t n = in.ConsumeIntegralInRange<size_t>(1, max_parts);
  for (size_t i = 0; i < n; ++i) p += (i ? "/" : "") + component(in);
  return p;
}

// An entry name: mostly under the expected top directory, sometimes not, or absolute.
std::string entry_name(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange(0, 9)) {
    case 0: return path_of(in, 3);
    case 1: return "/" + path_of(in, 3);
    default: return kTop + "/" + path_of(in, 4);
  }
}

// A link target: from the alphabet, or through a name an earlier entry used (so that links
// over earlier names, and links through those links, are tried), after a few "..".
std::string link_target(FuzzedDataProvider& in, const std::vector<std::string>& used) {
  if (used.empty() || in.ConsumeBool()) return path_of(in, 6);
  std::string t;
  for (int up = in.ConsumeIntegralInRange(0, 3); up > 0; --up) t += "../";
  t += used[in.ConsumeIntegralInRange<size_t>(0, used.size() - 1)];
  return in.ConsumeBool() ? t : t + "/" + path_of(in, 5);
}

std::string structured_tar(FuzzedDataProvider& in) {
  std::string tar;
  ka::test::raw_tar_append(tar, ka::test::dir(kTop + "/"));
  std::vector<std::string> used;  // names of earlier entries, below the top directory
  size_t n = in.ConsumeIntegralInRange<size_t>(1, 24);
  for (size_t i = 0; i < n && in.remaining_bytes() > 0; ++i) {
    TarEntry t;
    // Mostly a new name; sometimes an earlier one, or the parent directory of one.
    if (!used.empty() && in.ConsumeIntegralInRange(0, 3) == 0) {
      fs::path u = used[in.ConsumeIntegralInRange<size_t>(0, used.size() - 1)];
      t.name = kTop + "/" + (in.ConsumeBool() && u.has_parent_path() ? u.parent_path() : u).string();
    } else {
      t.name = entry_name(in);
    }
    if (t.name.rfind(kTop + "/", 0) == 0 && t.name.size() > kTop.size() + 1) used.push_back(t.name.substr(kTop.size() + 1));
    t.perm = in.ConsumeIntegral<uint16_t>() & 07777;
    int size = in.ConsumeIntegralInRange(0, 96 << 10);
    switch (in.ConsumeIntegralInRange(0, 6)) {
      case 0:
      case 1:
        t.type = AE_IFREG;
        t.content = std::string(static_cast<size_t>(size) % 64, 'k');  // the rest zeros
        t.declared_size = size;
        break;
      case 2: t.type = AE_IFDIR; break;
      case 3:
        t.type = AE_IFLNK;
        t.link = in.ConsumeIntegralInRange(0, 7) == 0 ? "/" + path_of(in, 6) : link_target(in, used);
        break;
      case 4: t.hardlink = in.ConsumeBool() ? kTop + "/" + link_target(in, used) : path_of(in, 3); break;
      case 5:
        t.hardlink = kTop + "/" + link_target(in, used);
        t.declared_size = size;
        break;
      default:
        t.type = AE_IFDIR;
        t.declared_size = size % 2048;
        break;
    }
    ka::test::raw_tar_append(tar, t);
  }
  tar.append(1024, '\0');
  return tar;
}

std::string gzip(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) finding("deflateInit2");
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) finding("deflate");
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

void check_scratch(bool extracted_ok, const ka::install::ExtractLimits& lim, size_t input_size) {
  uint64_t total = 0;
  std::set<std::pair<dev_t, ino_t>> inodes;
  const fs::path real_dest = fs::canonical(g_dest);
  for (auto it = fs::recursive_directory_iterator(g_parent); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& p = it->path();
    if (p == g_dest || g_skeleton.count(p)) continue;
    if (!under(p, g_dest)) finding("written outside the destination: " + p.string());
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) finding("cannot lstat " + p.string());
    if (S_ISREG(st.st_mode) && inodes.insert({st.st_dev, st.st_ino}).second) total += static_cast<uint64_t>(st.st_size);
    if (!extracted_ok) continue;
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)) finding("special file " + p.string());
    if (!S_ISLNK(st.st_mode) && (st.st_mode & 07022)) finding("setuid or group/other write bit on " + p.string());
    if (S_ISLNK(st.st_mode)) {
      // Resolved from the link's directory, not with weakly_canonical(p): that leaves a
      // dangling link unresolved, and a link to a missing <outside>/etc/shadow is one.
      std::error_code ec;
      fs::path target = fs::read_symlink(p, ec);
      fs::path to = fs::weakly_canonical(p.parent_path() / target, ec);
      if (ec || target.is_absolute() || !(to == real_dest || under(to, real_dest)))
        finding("symlink " + p.string() + " -> " + target.string() + " resolves outside the tree");
    }
  }
  if (total > lim.max_total_bytes) finding("files hold " + std::to_string(total) + " bytes, past the limit");
  if (extracted_ok && total > lim.ratio_floor_bytes && total > lim.max_ratio * static_cast<double>(input_size))
    finding("files hold " + std::to_string(total) + " bytes from " + std::to_string(input_size) + " input bytes");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string tmpl = (fs::temp_directory_path() / "ka-fuzz-extract-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) finding("mkdtemp");
  g_parent = tmpl;
  fs::path p = g_parent;
  for (int i = 0; i < 8; ++i) {
    p /= "s";
    g_skeleton.insert(p);
  }
  fs::create_directories(p);
  g_dest = p / "dest";
  // libFuzzer ends a bounded run with exit(); after a finding the directory stays for a look.
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_parent, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  FuzzedDataProvider in(data, size);
  bool raw = in.ConsumeBool();
  bool gz = in.ConsumeBool();
  size_t chunk = in.ConsumeIntegralInRange<size_t>(1, 1 << 16);
  std::string stream = raw ? in.ConsumeRemainingBytesAsString() : structured_tar(in);
  if (gz && !raw) stream = gzip(stream);

  ka::install::ExtractOptions opts;
  opts.expected_top = kTop;
  // Below the largest generated size, so one entry can cross it.
  opts.limits.max_total_bytes = 64 << 10;
  opts.limits.max_entries = 32;
  opts.limits.max_ratio = 20;
  opts.limits.ratio_floor_bytes = 16 << 10;
  opts.queue_bytes = 64 << 10;

  std::error_code ec;
  fs::remove_all(g_dest, ec);
  fs::create_directory(g_dest);
  bool ok = true;
  {
    ka::install::ExtractSink sink(g_dest, opts, "fuzz.tgz");
    for (size_t off = 0; ok && off < stream.size(); off += chunk)
      ok = sink.write(reinterpret_cast<const unsigned char*>(stream.data()) + off, std::min(chunk, stream.size() - off)).ok();
    if (ok) ok = sink.finish().ok();
  }
  check_scratch(ok, opts.limits, stream.size());
  fs::remove_all(g_dest, ec);
  return 0;
}

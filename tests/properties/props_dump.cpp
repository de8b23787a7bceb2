// What ka::Properties::parse makes of each file, printed exactly as PropsDump.java prints what
// java.util.Properties.load makes of it (see there); tests/integration/test_properties_java.sh
// compares the two.   props_dump FILE_OR_DIR...
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "core/properties.hpp"

namespace {

std::string hex(const std::u16string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (char16_t c : s)
    for (int shift = 12; shift >= 0; shift -= 4) out += digits[(c >> shift) & 0xF];
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    if (fs::is_directory(p)) {
      std::vector<fs::path> in_dir;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) in_dir.push_back(e.path());
      std::sort(in_dir.begin(), in_dir.end(), [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  std::string out;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "props_dump: cannot read %s\n", f.c_str());
      return 1;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    out += "== " + f.filename().string() + "\n";
    auto props = ka::Properties::parse(text, f.string());
    if (!props.ok()) {
      out += "error\n";
      continue;
    }
    std::vector<std::pair<std::u16string, std::u16string>> sorted;
    for (const auto& [k, v] : props->entries()) sorted.emplace_back(ka::java_chars(k), ka::java_chars(v));
    std::sort(sorted.begin(), sorted.end());  // Java's TreeMap<String>: by UTF-16 code unit
    for (const auto& [k, v] : sorted) out += "k " + hex(k) + " v " + hex(v) + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

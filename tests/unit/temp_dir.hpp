// A directory of its own under the system temp directory for one test, removed with everything
// in it when the test ends (the unit tests' "root" or scratch space).
#pragma once
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace ka::test {

struct TempDir {
  std::filesystem::path path;
  // `name` makes the directory's name say which test left it, should one be left.
  explicit TempDir(const std::string& name = "ka-test") {
    std::string tmpl = (std::filesystem::temp_directory_path() / (name + "-XXXXXX")).string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace ka::test

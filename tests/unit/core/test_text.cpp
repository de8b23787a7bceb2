#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/fs.hpp"
#include "core/text.hpp"

using namespace ka;

TEST_CASE("text: trim takes C's white space off both ends, nothing else") {
  CHECK(trim(" \t\r\n\v\fa b\f\v\n\r\t ") == "a b");
  CHECK(trim("") == "");
  CHECK(trim(" \n ") == "");
  CHECK(trim("\x01x\x01") == "\x01x\x01");  // control characters are not white space here
}

TEST_CASE("text: hex_encode, lower and upper case") {
  const unsigned char b[] = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(hex_encode(b, 4) == "000fa5ff");
  CHECK(hex_encode(b, 4, true) == "000FA5FF");
  CHECK(hex_encode(std::string_view("AZ")) == "415a");
  CHECK(hex_encode(b, 0).empty());
}

TEST_CASE("fs: read_whole_file and read_named_file") {
  auto dir = std::filesystem::temp_directory_path() / ("ka-read-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "f", std::ios::binary) << std::string("a\0b\n", 4);
  auto whole = read_whole_file(dir / "f");
  REQUIRE(whole.ok());
  REQUIRE(*whole);
  CHECK(**whole == std::string("a\0b\n", 4));
  auto missing = read_whole_file(dir / "none");
  REQUIRE(missing.ok());
  CHECK_FALSE(*missing);
  CHECK_FALSE(read_whole_file(dir).ok());  // a directory is an error, not an empty file
  auto named = read_named_file(dir / "none", "--keys");
  REQUIRE_FALSE(named.ok());
  CHECK(named.error().code == Exit::usage);
  CHECK(named.error().message == "cannot read --keys " + (dir / "none").string() + ": No such file or directory");
  std::filesystem::remove_all(dir);
}

#include <catch2/catch.hpp>
#include <sys/stat.h>

#include <fstream>

#include "core/cluster_id.hpp"
#include "core/fs.hpp"
#include "core/properties.hpp"
#include "core/version.hpp"

using namespace ka;

TEST_CASE("properties parse like java.util.Properties") {
  auto p = Properties::parse(
      "# comment\n! also\n  a = 1\nb:2\nc 3\nd=x\\\n   y\ne=\\u0041\\=\\:\\\\\nkey\\ with\\ space=v\nempty\n",
      "t");
  REQUIRE(p.ok());
  CHECK(p->get("a") == "1");
  CHECK(p->get("b") == "2");
  CHECK(p->get("c") == "3");
  CHECK(p->get("d") == "xy");
  CHECK(p->get("e") == "A=:\\");
  CHECK(p->get("key with space") == "v");
  CHECK(p->get("empty") == "");
  auto again = Properties::parse(p->serialize(), "t2");
  REQUIRE(again.ok());
  CHECK(again->entries() == p->entries());
}

TEST_CASE("properties: malformed unicode escape is an error naming the line") {
  auto p = Properties::parse("a=1\nb=\\u00zz\n", "server.properties");
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().code == Exit::usage);
  CHECK(p.error().message.find("server.properties:2") != std::string::npos);
}

TEST_CASE("properties: a bare CR ends a line, as in Java (issue 7, item 4)") {
  auto p = Properties::parse("log.dirs=/var/lib/kafka/data\rlog.dirs=/srv/old", "t");
  REQUIRE(p.ok());
  CHECK(p->get("log.dirs") == "/srv/old");  // the last one wins, as Kafka sees it
  CHECK(p->size() == 1);
  auto q = Properties::parse("a=1\r\nb=2\rc=x\\\r\n   y\n\rd=4", "t");
  REQUIRE(q.ok());
  CHECK(q->get("b") == "2");
  CHECK(q->get("c") == "xy");
  CHECK(q->get("d") == "4");
  // Errors name the line where the logical line starts: \r\n is one line break, \n\r two.
  auto bad = Properties::parse("a=1\r\nb=2\rc=x\\\r\n   y\n\rd=\\u00zz", "t");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("t:6:") != std::string::npos);
  auto cr = Properties::parse("log.dirs=/var/lib/kafka/data\rlog.dirs=\\uzzzz", "t");
  REQUIRE_FALSE(cr.ok());
  CHECK(cr.error().message.find("t:2:") != std::string::npos);
}

TEST_CASE("properties: the boundary cases of Java's LineReader") {
  // A comment never continues; a line of only "\" continued into a comment is a comment.
  CHECK(Properties::parse("#x\\\nk=v", "t")->get("k") == "v");
  CHECK(Properties::parse("\\\n#k=v\n", "t")->size() == 0);
  // A blank line ends a continued line; an even run of backslashes does not continue.
  auto p = Properties::parse("a=1\\\n\n  b=2\nc=3\\\\\nd=4", "t");
  CHECK(p->get("a") == "1");
  CHECK(p->get("b") == "2");
  CHECK(p->get("c") == "3\\");
  CHECK(p->get("d") == "4");
  // A lone backslash at the very end is an empty key with an empty value (Java puts "" = "").
  CHECK(Properties::parse("\\", "t")->get("") == "");
  CHECK(Properties::parse("\\\r\n", "t")->size() == 0);
  // Separators: the first '=' or ':' after the key's whitespace belongs to the syntax.
  CHECK(Properties::parse("k = = v", "t")->get("k") == "= v");
  CHECK(Properties::parse("k\t:\f:v", "t")->get("k") == ":v");
}

TEST_CASE("properties: the file is ISO-8859-1, as Kafka reads it; \\u escapes give any char") {
  // Byte E9 is "é"; UTF-8 "é" (C3 A9) is two chars, "Ã©", exactly what Kafka gets.
  CHECK(Properties::parse("k=caf\xe9", "t")->get("k") == "caf\xc3\xa9");
  CHECK(Properties::parse("k=caf\xc3\xa9", "t")->get("k") == "caf\xc3\x83\xc2\xa9");
  CHECK(Properties::parse("k=\\u00e9\\u20AC\\uD83D\\uDE00", "t")->get("k") == "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  // Written back with \uXXXX, so Kafka reads the same chars.
  Properties w;
  w.set("dir", "/srv/caf\xc3\xa9/\xf0\x9f\x98\x80");
  w.set("lone", std::string("\xed\xa0\x80"));  // a lone surrogate (\uD800), kept as WTF-8
  CHECK(w.serialize() == "dir=/srv/caf\\u00E9/\\uD83D\\uDE00\nlone=\\uD800\n");
  auto back = Properties::parse(w.serialize(), "t");
  REQUIRE(back.ok());
  CHECK(back->entries() == w.entries());
}

TEST_CASE("properties: serialize reads back as the same map") {
  Properties w;
  const std::vector<std::string> tricky = {"", " lead", "trail ", "#x", "!x", "a=b:c", "back\\slash", "tab\there",
                                           "nl\nx", "cr\rx", "ff\fx", "\x01\x7f", "\\u0041", "caf\xc3\xa9"};
  for (size_t i = 0; i < tricky.size(); ++i) w.set(tricky[i], tricky[(i + 3) % tricky.size()]);
  auto back = Properties::parse(w.serialize(), "t");
  REQUIRE(back.ok());
  CHECK(back->entries() == w.entries());
}

TEST_CASE("versions parse and compare") {
  auto v = KafkaVersion::parse("3.9.1");
  REQUIRE(v.ok());
  CHECK(v->at_least(3, 9));
  CHECK_FALSE(v->at_least(4, 0));
  CHECK(*KafkaVersion::parse("4.0") > *v);
  CHECK_FALSE(KafkaVersion::parse("4").ok());
  CHECK_FALSE(KafkaVersion::parse("4.x").ok());
  CHECK_FALSE(KafkaVersion::parse("4.0.0-rc1").ok());
}

TEST_CASE("cluster IDs have Kafka's shape") {
  for (int i = 0; i < 2000; ++i) {
    auto id = new_cluster_id();
    REQUIRE(id.ok());
    CHECK(id->size() == 22);
    CHECK(id->front() != '-');
    CHECK(is_valid_cluster_id(*id));
  }
  // Kafka's own example ID from its docs and a known UUID encoding
  CHECK(is_valid_cluster_id("MkU3OEVBNTcwNTJENDM2Qg"));
  const unsigned char zero[16] = {};
  CHECK(base64url_nopad(zero, 16) == "AAAAAAAAAAAAAAAAAAAAAA");
  CHECK_FALSE(is_valid_cluster_id("short"));
}

TEST_CASE("atomic writes change nothing the second time") {
  auto root = fs::temp_directory_path() / ("ka-core-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs rfs(root);
  Owner me{::geteuid(), ::getegid()};
  auto r1 = rfs.write_file("/etc/kafka/x.properties", "a=1\n", 0640, me);
  REQUIRE(r1.ok());
  CHECK(*r1 == Change::created);
  auto r2 = rfs.write_file("/etc/kafka/x.properties", "a=1\n", 0640, me);
  REQUIRE(r2.ok());
  CHECK(*r2 == Change::unchanged);
  auto r3 = rfs.write_file("/etc/kafka/x.properties", "a=1\n", 0600, me);
  REQUIRE(r3.ok());
  CHECK(*r3 == Change::updated);
  struct stat st {};
  REQUIRE(::stat((root / "etc/kafka/x.properties").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // no temp files left behind
  int n = 0;
  for (auto& e : fs::directory_iterator(root / "etc/kafka")) { (void)e; ++n; }
  CHECK(n == 1);
  CHECK(rfs.ensure_symlink("/opt/kafka", "kafka_2.13-4.1.1").value() == Change::created);
  CHECK(rfs.ensure_symlink("/opt/kafka", "kafka_2.13-4.1.1").value() == Change::unchanged);
  CHECK(rfs.ensure_symlink("/opt/kafka", "kafka_2.13-4.2.0").value() == Change::updated);
  CHECK(fs::read_symlink(root / "opt/kafka") == "kafka_2.13-4.2.0");
  fs::remove_all(root);
}

TEST_CASE("users and groups are read from the root's passwd and group files") {
  auto root = fs::temp_directory_path() / ("ka-pw-" + std::to_string(::getpid()));
  fs::create_directories(root / "etc");
  std::ofstream(root / "etc/passwd") << "root:x:0:0:root:/root:/bin/bash\nkafkax:x:998:998::/x:/bin/false\nkafka:x:999:997::/var/lib/kafka:/usr/sbin/nologin\n";
  std::ofstream(root / "etc/group") << "root:x:0:\nkafka:x:997:\n";
  CHECK(lookup_uid(root, "kafka") == 999u);
  CHECK(lookup_gid(root, "kafka") == 997u);
  CHECK_FALSE(lookup_uid(root, "kafk").has_value());
  fs::remove_all(root);
}

#include "core/state.hpp"

TEST_CASE("state.json keeps other sections and is written only when it changes") {
  auto root = fs::temp_directory_path() / ("ka-state-" + std::to_string(::getpid()));
  fs::remove_all(root);
  RootFs r(root);
  auto s = StateFile::load(r);
  REQUIRE(s.ok());
  s->section("install")["kafka"] = "4.1.1";
  CHECK(s->save(r).value() == Change::created);
  auto t = StateFile::load(r);
  REQUIRE(t.ok());
  t->section("rendered")["/etc/kafka/server.properties"] = sha256_hex("a=1\n");
  CHECK(t->save(r).value() == Change::updated);
  CHECK(t->save(r).value() == Change::unchanged);
  auto u = StateFile::load(r);
  CHECK(u->find("install")->at("kafka") == "4.1.1");
  struct stat st {};
  ::stat((root / "var/lib/kafka-appliance/state.json").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  std::ofstream(root / "var/lib/kafka-appliance/state.json") << "{broken";
  CHECK_FALSE(StateFile::load(r).ok());
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  fs::remove_all(root);
}

#include <catch2/catch.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "../temp_dir.hpp"

using namespace ka;
using ka::test::TempDir;

namespace {

// What a run printed (stdout and stderr); the program must have started.
std::string output_of(ProcessRunner& r, const std::vector<std::string>& argv, const RunOptions& o = {}) {
  auto res = r.run(argv, o);
  REQUIRE(res.ok());
  return res->output;
}

void write_exe(const fs::path& p, const std::string& body, mode_t mode = 0755) {
  std::ofstream(p) << body;
  ::chmod(p.c_str(), mode);
}

// Runs `fn` with the working directory and PATH pointing at `dir`, restoring both.
template <class Fn>
void in_hostile_dir(const fs::path& dir, Fn fn) {
  auto cwd = fs::current_path();
  std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  fs::current_path(dir);
  ::setenv("PATH", (dir.string() + ":" + old_path).c_str(), 1);
  fn();
  ::setenv("PATH", old_path.c_str(), 1);
  fs::current_path(cwd);
}

}  // namespace

TEST_CASE("programs resolve only from the fixed system path") {
  TempDir t;
  auto marker = t.path / "marker";
  for (const char* name : {"sh", "printenv", "kafka-appliance-no-such-tool"})
    write_exe(t.path / name, "#!/bin/sh\ntouch " + marker.string() + "\n");

  in_hostile_dir(t.path, [&] {
    auto sh = resolve_program("sh");
    REQUIRE(sh.ok());
    CHECK(*sh != (t.path / "sh").string());
    CHECK((*sh == "/usr/sbin/sh" || *sh == "/usr/bin/sh" || *sh == "/sbin/sh" || *sh == "/bin/sh"));

    auto missing = resolve_program("kafka-appliance-no-such-tool");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message.find("kafka-appliance-no-such-tool") != std::string::npos);
    CHECK(missing.error().message.find(kSystemPath) != std::string::npos);

    // The runner itself: neither ./printenv nor $PATH's printenv runs, and the child's PATH is fixed.
    SystemProcessRunner r;
    CHECK(output_of(r, {"printenv", "PATH"}) == std::string(kSystemPath) + "\n");
    CHECK(output_of(r, {"printenv", "PATH"}, RunOptions{{{"PATH", "/bin"}}, {}, std::chrono::seconds(5), {}, {}}) == "/bin\n");
    auto none = r.run({"kafka-appliance-no-such-tool"});
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().message.find("cannot find the program 'kafka-appliance-no-such-tool'") != std::string::npos);
  });
  CHECK_FALSE(fs::exists(marker));
}

TEST_CASE("resolution skips what is not an executable regular file, and empty or relative entries") {
  TempDir t;
  fs::create_directories(t.path / "a" / "tool");  // a directory named like the program
  fs::create_directories(t.path / "b");
  write_exe(t.path / "b" / "tool", "#!/bin/sh\n", 0644);  // not executable
  fs::create_directories(t.path / "c");
  write_exe(t.path / "c" / "tool", "#!/bin/sh\n");
  std::string dirs = (t.path / "a").string() + ":" + (t.path / "b").string() + ":" + (t.path / "c").string();
  auto r = resolve_program("tool", dirs);
  REQUIRE(r.ok());
  CHECK(*r == (t.path / "c" / "tool").string());

  in_hostile_dir(t.path / "c", [&] {
    CHECK_FALSE(resolve_program("tool", "::.:c").ok());  // "", "." and relative entries never count
  });
  // A name with a slash is the caller's own path, used as given.
  CHECK(*resolve_program("/opt/kafka/bin/kafka-storage.sh") == "/opt/kafka/bin/kafka-storage.sh");
  CHECK(*resolve_program("./x") == "./x");
}

TEST_CASE("credentials are redacted from every printed command line") {
  std::vector<std::string> argv{"/opt/kafka/bin/kafka-storage.sh", "format", "--config", "/etc/kafka/server.properties",
                                "--add-scram", "SCRAM-SHA-512=[name=admin,password=s3cr3t-Pw]",
                                "--add-scram", "SCRAM-SHA-256=[name=alice,iterations=8192,salt=\"N3E=\",saltedpassword=\"YCE=\"]",
                                "--add-scram=SCRAM-SHA-256=[password=\"a,b]c\",name=bob]",
                                "-S", "SCRAM-SHA-256=[name=carol,password=pw-carol]",
                                "--set=ssl.key.password=keypw", "--password", "plainpw"};
  auto d = describe_argv(argv);
  for (const char* secret : {"s3cr3t-Pw", "N3E=", "YCE=", "a,b", "b]c", "pw-carol", "keypw", "plainpw"}) {
    INFO(d);
    CHECK(d.find(secret) == std::string::npos);
  }
  for (const char* kept : {"name=admin", "name=alice", "iterations=8192", "name=bob", "name=carol", "SCRAM-SHA-512",
                           "--config", "/etc/kafka/server.properties", "ssl.key.password=***"}) {
    INFO(d);
    CHECK(d.find(kept) != std::string::npos);
  }
  auto r = redact_argv(argv);
  REQUIRE(r.size() == argv.size());
  CHECK(r[5] == "SCRAM-SHA-512=[name=admin,password=***]");
  CHECK(r[7] == "SCRAM-SHA-256=[name=alice,iterations=8192,salt=***,saltedpassword=***]");
  CHECK(r[8] == "--add-scram=SCRAM-SHA-256=[password=***,name=bob]");
  CHECK(redact_argv({"useradd", "-s", "/usr/sbin/nologin"})[2] == "/usr/sbin/nologin");
  CHECK(redact_secrets("bad value password=hunter2, salt=\"x y\" consalt=keep") ==
        "bad value password=***, salt=*** consalt=keep");
}

TEST_CASE("processes run without a shell, with output, exit codes and deadlines") {
  SystemProcessRunner r;
  auto a = r.run({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
  REQUIRE(a.ok());
  CHECK(a->exit_code == 3);
  CHECK(a->output.find("out") != std::string::npos);
  CHECK(a->output.find("err") != std::string::npos);
  CHECK(output_of(r, {"printenv", "KA_X"}, RunOptions{{{"KA_X", "42"}}, {}, std::chrono::seconds(5), {}, {}}) == "42\n");
  auto c = r.run({"/no/such/program"});
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().message.find("/no/such/program") != std::string::npos);
  auto d = r.run({"sleep", "10"}, RunOptions{{}, {}, std::chrono::milliseconds(200), {}, {}});
  REQUIRE(d.ok());
  CHECK(d->timed_out);
  ProcessResult t;
  t.output = "1\n2\n3\n4\n";
  CHECK_FALSE(a->stopped);
  CHECK(t.tail(2) == "3\n4\n");
}

TEST_CASE("a server is stopped with SIGTERM once its output says it serves, and its exit is awaited") {
  SystemProcessRunner r;
  // Says "started" in two writes (the text straddles reads), then serves until SIGTERM; its
  // TERM handler writes a last line and exits 143, as the JVM does after its shutdown hooks.
  RunOptions o;
  o.timeout = std::chrono::seconds(20);
  o.stop_on_output = "Server started";
  auto a = r.run({"/bin/sh", "-c",
                  "trap 'echo stopping; exit 143' TERM; printf 'Kafka Ser'; sleep 0.3; echo 'ver started'; "
                  "while :; do sleep 0.1; done"},
                 o);
  REQUIRE(a.ok());
  CHECK(a->stopped);
  CHECK_FALSE(a->timed_out);
  CHECK(a->exit_code == 143);
  CHECK(a->output.find("stopping") != std::string::npos);  // read on until it exited
  // Never says it: killed at the deadline, not stopped.
  o.timeout = std::chrono::milliseconds(500);
  auto b = r.run({"sleep", "10"}, o);
  REQUIRE(b.ok());
  CHECK(b->timed_out);
  CHECK_FALSE(b->stopped);
}

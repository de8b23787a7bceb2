#include "install/system.hpp"

#include <chrono>
#include <thread>

namespace ka::install {

namespace {

// The external programs this area runs, named once.
constexpr const char* kUseradd = "useradd";
constexpr const char* kGroupadd = "groupadd";
constexpr const char* kNoLoginShell = "/usr/sbin/nologin";

std::string root_arg(const fs::path& root) {
  // useradd chroots into --root: it must be absolute.
  std::error_code ec;
  auto abs = fs::absolute(root, ec);
  return (ec ? root : abs).string();
}

Error tool_failed(const std::vector<std::string>& argv, const ProcessResult& r) {
  Error e = fail(describe_argv(argv) + (r.timed_out ? " timed out" : " failed with exit code " + std::to_string(r.exit_code)));
  if (!r.output.empty()) e.note(r.tail());
  e.note("create the user yourself (system user 'kafka', group 'kafka', home /var/lib/kafka, shell /usr/sbin/nologin) and run again");
  return e;
}

}  // namespace

std::vector<std::string> groupadd_argv(const fs::path& root) {
  return {kGroupadd, "--root", root_arg(root), "--system", kServiceGroup};
}

std::vector<std::string> useradd_argv(const fs::path& root) {
  return {kUseradd, "--root", root_arg(root), "--system", "--gid", kServiceGroup, "--home-dir", kServiceHome,
          "--no-create-home", "--shell", kNoLoginShell, "--comment", "Apache Kafka", kServiceUser};
}

namespace {
// groupadd/useradd exit 10 when another process holds /etc/passwd's or /etc/group's lock (say,
// one started by an earlier run that was killed and is still finishing): wait a little for it.
Result<ProcessResult> run_shadow_tool(ProcessRunner& runner, const std::vector<std::string>& argv) {
  for (int attempt = 0;; ++attempt) {
    KA_TRY(auto r, runner.run(argv));
    if (r.exit_code != 10 || attempt == 20) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

// The kafka group or user ("group", "user"), made by `argv` unless it is there.
Status add_account(const RootFs& rfs, ProcessRunner& runner, const std::string& what, const std::vector<std::string>& argv,
                   std::vector<std::string>& done) {
  const bool group = what == "group";
  auto exists = [&] {
    return group ? lookup_gid(rfs.root(), kServiceGroup).has_value() : lookup_uid(rfs.root(), kServiceUser).has_value();
  };
  if (exists()) return ok_status();
  KA_TRY(auto r, run_shadow_tool(runner, argv));
  // Exit 9 is "already exists": a groupadd or useradd of an earlier run that was killed may
  // finish after our check. It is there either way, which is all we want.
  if (!r.ok() && !(r.exit_code == 9 && exists())) return tool_failed(argv, r);
  if (!exists())
    return fail(describe_argv(argv) + " succeeded but " + (rfs.root() / (group ? "etc/group" : "etc/passwd")).string() +
                " has no " + what + " kafka");
  done.push_back("created " + what + " kafka");
  return ok_status();
}
}  // namespace

Result<std::vector<std::string>> ensure_service_user(const RootFs& rfs, ProcessRunner& runner) {
  std::vector<std::string> done;
  std::error_code ec;
  for (const char* f : {"etc/passwd", "etc/group"})
    if (!fs::exists(rfs.root() / f, ec))
      return bad_input("no " + (rfs.root() / f).string() + ": --root must be the root of a Linux system")
          .note("point --root at a system tree (a chroot or image) or at / on the machine itself");
  KA_TRY_STATUS(add_account(rfs, runner, "group", groupadd_argv(rfs.root()), done));
  KA_TRY_STATUS(add_account(rfs, runner, "user", useradd_argv(rfs.root()), done));
  return done;
}

std::vector<DirSpec> service_dirs(const std::string& cache_dir) {
  return {
      {"/etc/kafka", 0750, "root", kServiceGroup},
      {kServiceHome, 0750, kServiceUser, kServiceGroup},
      {"/var/lib/kafka/data", 0750, kServiceUser, kServiceGroup},
      {"/var/lib/kafka/meta", 0750, kServiceUser, kServiceGroup},
      {"/var/log/kafka", 0750, kServiceUser, kServiceGroup},
      {"/var/lib/kafka-appliance", 0700, "root", "root"},
      {cache_dir, 0755, "root", "root"},
  };
}

Result<Change> ensure_service_dir(const RootFs& rfs, const DirSpec& d) {
  auto uid = lookup_uid(rfs.root(), d.user);
  auto gid = lookup_gid(rfs.root(), d.group);
  if (!uid || !gid)
    return fail("no " + (uid ? "group " + d.group : "user " + d.user) + " in " + rfs.root().string() + "/etc to own " + d.path)
        .note("the user step runs first; check " + (rfs.root() / "etc/passwd").string());
  return rfs.ensure_dir(d.path, d.mode, Owner{*uid, *gid});
}

}  // namespace ka::install

#include "node/systemd.hpp"

#include <fstream>
#include <sstream>

namespace ka {

std::string systemd_unavailable_reason(const RootFs& root) {
  std::error_code ec;
  if (fs::weakly_canonical(root.root(), ec) != fs::path("/"))
    return "--root is " + root.root().string() + ", not /: services of another root cannot be started from here";
  if (!fs::is_directory("/run/systemd/system", ec)) return "systemd is not running as PID 1 here (a container or chroot?)";
  std::ifstream comm("/proc/1/comm");
  std::string name;
  std::getline(comm, name);
  if (name != "systemd") return "PID 1 is '" + name + "', not systemd";
  return "";
}

Status Systemd::systemctl(const std::vector<std::string>& args, const std::string& what) {
  std::vector<std::string> argv{"systemctl"};
  argv.insert(argv.end(), args.begin(), args.end());
  // Longer than a unit's TimeoutStopSec (180 s): a restart waits for the old process to go.
  KA_TRY(auto r, run_.run(argv, RunOptions{{}, {}, std::chrono::minutes(5), {}, {}}));
  if (!r.ok()) {
    Error e = fail("cannot " + what + ": " + describe_argv(argv) + " exited " + std::to_string(r.exit_code));
    if (!r.output.empty()) e.note(r.tail(5));
    return e;
  }
  return ok_status();
}

Status Systemd::daemon_reload() { return systemctl({"daemon-reload"}, "reload systemd"); }
Status Systemd::enable(const std::vector<std::string>& units) {
  std::vector<std::string> a{"enable", "--quiet"};
  a.insert(a.end(), units.begin(), units.end());
  return systemctl(a, "enable units");
}
// Blocking: the job is done (the old process gone, the new one forked) when systemctl returns,
// so the health checks that follow cannot be answered by the process being replaced.
Status Systemd::start(const std::string& unit) { return systemctl({"start", unit}, "start " + unit); }
Status Systemd::restart(const std::string& unit) { return systemctl({"restart", unit}, "restart " + unit); }
Status Systemd::stop(const std::string& unit) { return systemctl({"stop", unit}, "stop " + unit); }

Result<UnitState> Systemd::state(const std::string& unit) {
  KA_TRY(auto r, run_.run({"systemctl", "show", unit, "--property=LoadState,ActiveState,SubState,UnitFileState,MainPID,NRestarts"}));
  if (!r.ok()) return fail("cannot read the state of " + unit + ": " + r.tail(3));
  UnitState s;
  s.name = unit;
  std::istringstream in(r.output);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto k = line.substr(0, eq), v = line.substr(eq + 1);
    if (k == "LoadState") s.load_state = v;
    else if (k == "ActiveState") s.active_state = v;
    else if (k == "SubState") s.sub_state = v;
    else if (k == "UnitFileState") s.unit_file_state = v;
    else if (k == "MainPID") s.main_pid = std::atol(v.c_str());
    else if (k == "NRestarts") s.restarts = std::atol(v.c_str());
  }
  return s;
}

std::string Systemd::journal_tail(const std::string& unit, int lines) {
  auto r = run_.run({"journalctl", "-u", unit, "-n", std::to_string(lines), "--no-pager", "--output=cat"});
  if (!r.ok()) return "(journal unavailable: " + r.error().message + ")";
  return r->output;
}

Result<Change> enable_offline(const RootFs& root, const std::string& unit, const std::string& wanted_by) {
  return root.ensure_symlink("/etc/systemd/system/" + wanted_by + ".wants/" + unit, "/etc/systemd/system/" + unit);
}

}  // namespace ka

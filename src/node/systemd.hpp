// systemd, named once (DESIGN.md §7.5): a live systemd is used only when it runs this machine
// (PID 1, --root /); in an image build or a chroot the tool writes the .wants/ links instead.
#pragma once
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace ka {

struct UnitState {
  std::string name;
  std::string load_state;    // loaded, not-found
  std::string active_state;  // active, activating, failed, inactive
  std::string sub_state;     // running, dead, auto-restart
  std::string unit_file_state;  // enabled, disabled
  long main_pid = 0;
  long restarts = 0;
  bool active() const { return active_state == "active"; }
};

// Why systemd cannot be used here, or "" when it can: systemd must be PID 1 of this machine
// (/run/systemd/system exists, as sd_booted() checks) and --root must be "/".
std::string systemd_unavailable_reason(const RootFs& root);

class Systemd {
 public:
  explicit Systemd(ProcessRunner& runner) : run_(runner) {}
  Status daemon_reload();
  Status enable(const std::vector<std::string>& units);
  Status start(const std::string& unit);
  Status restart(const std::string& unit);
  Status stop(const std::string& unit);
  Result<UnitState> state(const std::string& unit);
  // The last lines of the unit's journal, for "why is it not healthy".
  std::string journal_tail(const std::string& unit, int lines = 15);

 private:
  Status systemctl(const std::vector<std::string>& args, const std::string& what);
  ProcessRunner& run_;
};

// Offline enablement under a root (an image build): the WantedBy= symlinks that
// `systemctl enable` would make, written directly.
Result<Change> enable_offline(const RootFs& root, const std::string& unit, const std::string& wanted_by);

}  // namespace ka

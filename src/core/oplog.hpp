// Operation-scoped logs (DESIGN.md §7.6): each step of a command logs `[started] <step>`, then
// `[done] <step> (1.2 s)` or `[failed] <step> (0.3 s): <error>`, through the logger main chose
// (a coloured level on a terminal, plain lines on a pipe or in the journal).
#pragma once
#include <spdlog/spdlog.h>

#include <string>

#include "core/deps.hpp"

namespace ka {

// Runs `f` (returning a Result) as the step `name`, logging its start, its end and its duration.
template <class F>
auto logged_step(Deps& deps, const std::string& name, F&& f) -> decltype(f()) {
  auto* log = deps.log.get();
  auto t0 = deps.clock ? deps.clock->now() : Clock::time_point{};
  if (log) log->info("[started] {}", name);
  auto r = f();
  double s = deps.clock ? deps.clock->seconds_since(t0) : 0.0;
  if (log) {
    if (r.ok()) log->info("[done] {} ({:.1f} s)", name, s);
    else log->warn("[failed] {} ({:.1f} s): {}", name, s, r.error().message);
  }
  return r;
}

}  // namespace ka

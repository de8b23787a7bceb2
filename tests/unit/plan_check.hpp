// What the plan-equals-apply tests compare (node, install): the changes a plan says it will
// make, in the one vocabulary of core/change.hpp, against what apply's report says it did.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/change.hpp"

namespace ka::test {

// The planned changes that do something (Action::none left out), in order.
inline std::vector<PlannedChange> acting(const std::vector<PlannedChange>& changes) {
  std::vector<PlannedChange> out;
  for (const auto& c : changes)
    if (c.action != Action::none) out.push_back(c);
  return out;
}

// One line a change, "file /etc/kafka/server.properties: create", for a readable failure.
inline std::string show(const std::vector<PlannedChange>& v) {
  std::string s;
  for (const auto& c : v) s += std::string(to_string(c.kind)) + " " + c.target + ": " + to_string(c.action) + "\n";
  return s;
}

// Apply did exactly what was planned: the same changes, in the same order.
inline void check_done_as_planned(const std::vector<PlannedChange>& planned, const std::vector<PlannedChange>& done) {
  INFO("planned:\n" << show(planned) << "done:\n" << show(done));
  CHECK(show(done) == show(planned));
  CHECK(done == planned);
}

}  // namespace ka::test

// `safe-to-stop`: would stopping this node now keep the cluster serving? One reading of the
// cluster through the Kafka layer (kafka/snapshot.hpp), decided by kafka::safe_to_stop (a pure
// function), polled until yes or --wait runs out. docs/safe-to-stop.md.
#pragma once
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/deps.hpp"
#include "core/result.hpp"
#include "kafka/gates.hpp"
#include "node/health.hpp"

namespace ka {

struct SafeToStopOptions {
  std::string bootstrap_server;              // "": this node's own broker listener (none on a controller)
  std::chrono::milliseconds wait{0};         // 0: answer now
  std::chrono::milliseconds poll{2000};
  std::chrono::milliseconds call_timeout{10000};  // one reading of the cluster
};

struct SafeToStopCheck {
  kafka::StopTarget target;
  kafka::StopDecision decision;
  kafka::ClusterSnapshot snapshot;
  double tool_ms = 0;    // this reading's own time
  double waited_s = 0;   // since the first reading
  int polls = 0;
};

// "600", "90s", "10m", "1h", "500ms" -> milliseconds; `what` names the input in the error.
Result<std::chrono::milliseconds> parse_duration(const std::string& text, const std::string& what);

// Reads and decides until safe or `wait` has passed; `on_poll` sees every reading (progress).
Result<SafeToStopCheck> run_safe_to_stop(const SafeToStopOptions& opts, Deps& deps,
                                         const std::function<void(const SafeToStopCheck&)>& on_poll);

nlohmann::json safe_to_stop_json(const SafeToStopCheck& c);
std::string safe_to_stop_text(const SafeToStopCheck& c);

}  // namespace ka

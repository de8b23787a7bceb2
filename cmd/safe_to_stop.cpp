#include <unistd.h>

#include <cstdio>

#include "app.hpp"
#include "node/safe_to_stop.hpp"

namespace ka::cli {

void register_safe_to_stop(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string wait = "0";
    std::string poll = "2s";
    std::string call_timeout = "10s";
    std::string bootstrap_server;
  };
  auto o = std::make_shared<Opts>();
  auto* sub = app.add_subcommand(
      "safe-to-stop",
      "Would stopping this node now keep the cluster serving? Exit 0 yes, 1 no (with the reasons): every partition keeps "
      "min.insync.replicas in-sync replicas (counting nodes already down) and a leader, a majority of the voters stays caught "
      "up, and no reassignment or log recovery needs this node");
  sub->fallthrough();
  sub->add_option("--wait", o->wait, "Poll until yes for at most DURATION (600, 90s, 10m, 1h); 0: answer now")->capture_default_str();
  sub->add_option("--poll-interval", o->poll, "Time between two checks with --wait")->capture_default_str();
  sub->add_option("--call-timeout", o->call_timeout, "Bound of one reading of the cluster")->capture_default_str();
  sub->add_option("--bootstrap-server", o->bootstrap_server,
                  "Broker listener(s) HOST:PORT,... to read partitions from (default: this node's own broker listener; a "
                  "controller-only node checks the quorum only)");
  sub->callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> Status {
      SafeToStopOptions opts;
      KA_TRY(opts.wait, parse_duration(o->wait, "--wait"));
      KA_TRY(opts.poll, parse_duration(o->poll, "--poll-interval"));
      KA_TRY(opts.call_timeout, parse_duration(o->call_timeout, "--call-timeout"));
      if (opts.poll.count() == 0) return bad_input("--poll-interval: must be more than 0");
      if (opts.call_timeout.count() == 0) return bad_input("--call-timeout: must be more than 0");
      opts.bootstrap_server = o->bootstrap_server;
      bool json = ctx.global.json;
      bool tty = ::isatty(STDERR_FILENO) != 0;
      auto on_poll = [&](const SafeToStopCheck& c) {
        if (opts.wait.count() == 0) return;
        if (json) {
          nlohmann::json ev{{"event", "check"}, {"safe", c.decision.safe}, {"reasons", c.decision.reasons},
                            {"waited_s", c.waited_s}, {"tool_ms", c.tool_ms}};
          std::printf("%s\n", ev.dump().c_str());
          std::fflush(stdout);
        } else if (!c.decision.safe && (tty || c.polls == 1) && ctx.deps.log) {
          ctx.deps.log->info("not yet safe to stop ({:.0f} s of {} s): {}", c.waited_s, opts.wait.count() / 1000, c.decision.reasons.front());
        }
      };
      KA_TRY(auto c, run_safe_to_stop(opts, ctx.deps, on_poll));
      ctx.answered = true;
      if (json) std::printf("%s\n", safe_to_stop_json(c).dump(opts.wait.count() ? -1 : 2).c_str());
      else std::printf("%s", safe_to_stop_text(c).c_str());
      if (!c.decision.safe) {
        Error e{Exit::failed, "not safe to stop node " + std::to_string(c.target.node_id) + " now", c.decision.reasons};
        if (opts.wait.count()) e.note("still not safe after " + std::to_string(static_cast<int>(c.waited_s)) + " s of --wait " + o->wait);
        return e;
      }
      return ok_status();
    };
  });
}

}  // namespace ka::cli

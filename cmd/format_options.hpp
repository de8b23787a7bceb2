// The flags of `format`, shared with `bootstrap` (format is one of its steps): declared once,
// with the one mapping of --format-mode to DynamicFormat.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "app.hpp"
#include "node/format.hpp"

namespace ka::cli {

inline void add_format_options(CLI::App* sub, FormatRequest& r, const std::string& group) {
  static const std::map<std::string, DynamicFormat> modes{{"standalone", DynamicFormat::standalone},
                                                          {"initial-controllers", DynamicFormat::initial_controllers},
                                                          {"no-initial-controllers", DynamicFormat::no_initial_controllers}};
  sub->add_option("--format-mode", r.dynamic,
                  "Dynamic quorum only: standalone (the first controller), initial-controllers (all at once, with --initial-controller) "
                  "or no-initial-controllers (join a running quorum)")
      ->transform(CLI::CheckedTransformer(modes))
      ->group(group);
  sub->add_option("--initial-controller", r.initial_controllers,
                  "ID@HOST:PORT of each initial controller (repeatable) for --format-mode initial-controllers")
      ->delimiter(',')
      ->group(group);
  sub->add_option("--add-scram", r.scram, "SCRAM credential for kafka-storage.sh format --add-scram (repeatable)")->group(group);
}

}  // namespace ka::cli

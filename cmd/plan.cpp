// placeholder until the plan command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_plan(CLI::App&, Context&) {}
}  // namespace ka::cli

// placeholder until the bootstrap command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_bootstrap(CLI::App&, Context&) {}
}  // namespace ka::cli

// placeholder until the status command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_status(CLI::App&, Context&) {}
}  // namespace ka::cli

// placeholder until the format command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_format(CLI::App&, Context&) {}
}  // namespace ka::cli

// placeholder until the fetch command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_fetch(CLI::App&, Context&) {}
}  // namespace ka::cli

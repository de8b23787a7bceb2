// placeholder until the install command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_install(CLI::App&, Context&) {}
}  // namespace ka::cli

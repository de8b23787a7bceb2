// placeholder until the render command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_render(CLI::App&, Context&) {}
}  // namespace ka::cli

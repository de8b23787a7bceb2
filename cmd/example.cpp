// placeholder until the example command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_example(CLI::App&, Context&) {}
}  // namespace ka::cli

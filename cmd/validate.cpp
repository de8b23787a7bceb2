// placeholder until the validate command lands: registers nothing
#include "app.hpp"
namespace ka::cli {
void register_validate(CLI::App&, Context&) {}
}  // namespace ka::cli

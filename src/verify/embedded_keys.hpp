// Every file of assets/keys/ by file name, compiled into the binary (cmake/EmbedFiles.cmake).
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace ka::pgp {
const std::map<std::string, std::string_view>& embedded_keys();
}  // namespace ka::pgp

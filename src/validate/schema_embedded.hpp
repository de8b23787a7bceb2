// assets/schema/ compiled into the binary (generated at build time by cmake/EmbedFiles.cmake).
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace ka::schema {
const std::map<std::string, std::string_view>& embedded_schema();
}

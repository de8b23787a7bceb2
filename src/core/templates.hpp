// Templates of assets/templates/, compiled into the binary; --templates DIR overrides them.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace ka {

// Every file of assets/templates/ by its file name (generated at build time).
const std::map<std::string, std::string_view>& embedded_templates();

// The template NAME: from override_dir when given and the file exists there, else the built-in one.
Result<std::string> load_template(const std::string& name, const std::optional<std::filesystem::path>& override_dir);

}  // namespace ka

#include "core/templates.hpp"

#include "core/fs.hpp"

#include <fstream>
#include <sstream>

namespace ka {

Result<std::string> load_template(const std::string& name, const std::optional<std::filesystem::path>& override_dir) {
  if (override_dir) {
    auto p = *override_dir / name;
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) {
      auto text = read_named_file(p, "template");
      if (!text.ok()) return Error(text.error()).note("check --templates and the file's permissions");
      return text;
    }
  }
  const auto& all = embedded_templates();
  auto it = all.find(name);
  if (it == all.end()) return fail("no built-in template named " + name);
  return std::string(it->second);
}

}  // namespace ka

// The cloud area's IMDS client as a command, for the integration tests against the emulator
// (tests/integration/test_imds_client.py), until `firstboot --imds-endpoint` carries it:
//   imds_probe --endpoint URL [--v1] [--timeout-ms N] [--attempts N]
// prints the metadata as JSON (exit 0), or the error and its notes (exit 1).
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cloud/imds.hpp"

int main(int argc, char** argv) {
  ka::cloud::ImdsSettings s;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--endpoint") s.endpoint = next();
    else if (a == "--v1") s.allow_v1 = true;
    else if (a == "--timeout-ms") s.timeout_ms = s.connect_timeout_ms = std::stol(next());
    else if (a == "--attempts") s.attempts = std::stoi(next());
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  auto md = ka::cloud::make_imds_source(s)->read();
  if (!md.ok()) {
    std::cout << "error: " << md.error().message << "\n";
    for (const auto& n : md.error().notes) std::cout << "  " << n << "\n";
    return 1;
  }
  nlohmann::json j = {{"source", md->source},         {"instance_id", md->instance_id},
                      {"local_ipv4", md->local_ipv4}, {"availability_zone", md->availability_zone},
                      {"tags_visible", md->tags_visible}, {"tags", md->tags}};
  j["user_data"] = md->user_data ? nlohmann::json(*md->user_data) : nlohmann::json(nullptr);
  std::cout << j.dump(2) << "\n";
  return 0;
}

// What an instance learns about itself from its cloud at first boot, behind one small interface
// (DESIGN.md §7.2: the metadata provider of Deps), so that first-boot logic is tested with a
// fixed answer and the binary talks to EC2's IMDSv2 (or the tests' emulator) with the same code.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace ka::cloud {

// Instance tags this tool reads (under /latest/meta-data/tags/instance/).
inline constexpr const char* kTagPrefix = "kafka-appliance:";

struct InstanceMetadata {
  std::string source;  // where it came from ("http://169.254.169.254 (IMDSv2)"), for messages
  std::string instance_id;
  std::string local_ipv4;
  std::string availability_zone;  // "" when the service has none
  // false: tags/instance/ answered 404, i.e. the instance was launched without
  // InstanceMetadataTags=enabled, so no tag can be seen at all.
  bool tags_visible = false;
  std::map<std::string, std::string> tags;  // the kafka-appliance:* tags, by full key
  std::optional<std::string> user_data;     // absent: the instance has none
  // Set when there is no metadata service and the user-data is this file (firstboot
  // --user-data): every setting must then be in it.
  std::string user_data_file;
};

class MetadataSource {
 public:
  virtual ~MetadataSource() = default;
  virtual Result<InstanceMetadata> read() = 0;
};

// A fixed answer (or a fixed error): for tests, and for a machine whose identity is given.
class FixedMetadataSource final : public MetadataSource {
 public:
  explicit FixedMetadataSource(Result<InstanceMetadata> r) : r_(std::move(r)) {}
  Result<InstanceMetadata> read() override { return r_; }

 private:
  Result<InstanceMetadata> r_;
};

}  // namespace ka::cloud

#include "cloud/user_data_file.hpp"

#include "core/fs.hpp"

namespace ka::cloud {

Result<InstanceMetadata> UserDataFileSource::read() {
  KA_TRY(auto text, read_named_file(path_, "the user-data file"));
  InstanceMetadata md;
  md.source = "the user-data file " + path_;
  md.user_data_file = path_;
  md.instance_id = instance_id_.empty() ? "this machine" : instance_id_;
  md.local_ipv4 = local_ipv4_;
  md.user_data = std::move(text);
  return md;
}

}  // namespace ka::cloud

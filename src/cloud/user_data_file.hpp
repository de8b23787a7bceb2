// A machine with no instance metadata service (a Vagrant VM, a VM on a laptop or on premises):
// its user-data is a file and its address is given, so that the same first-boot logic as on EC2
// decides its identity. It has no tags and no zone: every setting comes from the file.
#pragma once
#include <string>

#include "cloud/metadata.hpp"

namespace ka::cloud {

class UserDataFileSource final : public MetadataSource {
 public:
  // path: the user-data file on this machine; local_ipv4: the address its peers reach it at;
  // instance_id: what names this machine in messages and in the done-marker (its machine ID).
  UserDataFileSource(std::string path, std::string local_ipv4, std::string instance_id)
      : path_(std::move(path)), local_ipv4_(std::move(local_ipv4)), instance_id_(std::move(instance_id)) {}
  Result<InstanceMetadata> read() override;

 private:
  std::string path_, local_ipv4_, instance_id_;
};

}  // namespace ka::cloud

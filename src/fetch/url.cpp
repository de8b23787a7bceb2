#include "fetch/url.hpp"

#include <cctype>

#include "core/text.hpp"

namespace ka::fetch {

std::string redact_url(const std::string& url) {
  std::string u = url;
  if (auto cut = u.find_first_of("?#"); cut != std::string::npos) u.erase(cut);
  auto scheme = u.find("://");
  if (scheme == std::string::npos) return u;
  auto host_start = scheme + 3;
  auto host_end = u.find('/', host_start);
  auto at = u.rfind('@', host_end == std::string::npos ? std::string::npos : host_end);
  if (at != std::string::npos && at >= host_start) u.erase(host_start, at + 1 - host_start);
  return u;
}

std::string join_url(const std::string& base, const std::string& path) {
  std::string b = base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  size_t i = 0;
  while (i < path.size() && path[i] == '/') ++i;
  return b + "/" + path.substr(i);
}

std::string kafka_dist_path(const std::string& version, const std::string& file_name) {
  return "kafka/" + version + "/" + file_name;
}

std::vector<std::string> asf_urls(const std::string& asf_url, const std::string& archive_url, const std::string& path) {
  std::vector<std::string> out;
  if (!asf_url.empty()) out.push_back(join_url(asf_url, path));
  if (!archive_url.empty() && archive_url != asf_url) out.push_back(join_url(archive_url, path));
  return out;
}

std::vector<std::string> kafka_tarball_urls(const std::vector<std::string>& mirrors, const std::string& asf_url,
                                            const std::string& archive_url, const std::string& version,
                                            const std::string& file_name) {
  std::vector<std::string> out;
  const std::string path = kafka_dist_path(version, file_name);
  for (const auto& m : mirrors) out.push_back(join_url(m, path));
  for (auto& u : asf_urls(asf_url, archive_url, path)) out.push_back(std::move(u));
  return out;
}

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else out += "%" + hex_encode(&c, 1, true);
  }
  return out;
}

bool is_network_url(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

}  // namespace ka::fetch

// URLs of release artifacts, and their redaction for messages.
#pragma once
#include <string>
#include <vector>

namespace ka::fetch {

inline constexpr const char* kAsfDownloadsUrl = "https://downloads.apache.org/";
inline constexpr const char* kAsfArchiveUrl = "https://archive.apache.org/dist/";
inline constexpr const char* kAdoptiumApiUrl = "https://api.adoptium.net/";
inline constexpr const char* kAdoptiumKeyUrl =
    "https://keyserver.ubuntu.com/pks/lookup?op=get&options=mr&search=0x3B04D753C9050D9A5D343F39843C48A565F8F04B";

// A URL fit for messages and logs: no user:password@, no ?query (tokens live there), no #fragment.
std::string redact_url(const std::string& url);

// base + "/" + path with exactly one slash between them.
std::string join_url(const std::string& base, const std::string& path);

// "kafka/4.2.0/kafka_2.13-4.2.0.tgz": the path of a release file under an ASF dist root
// (downloads.apache.org/, archive.apache.org/dist/, or an ASF mirror's /apache/ root).
std::string kafka_dist_path(const std::string& version, const std::string& file_name);

// The places to get a Kafka tarball from, in order: each mirror, then the ASF's two roots.
std::vector<std::string> kafka_tarball_urls(const std::vector<std::string>& mirrors, const std::string& asf_url,
                                            const std::string& archive_url, const std::string& version,
                                            const std::string& file_name);
// Where the .sha512, .asc and KEYS come from: the ASF only, never a mirror.
std::vector<std::string> asf_urls(const std::string& asf_url, const std::string& archive_url, const std::string& path);

// Percent-encodes a query or path component (RFC 3986 unreserved characters pass).
std::string url_encode(const std::string& s);

// True for http:// and https:// URLs; file:// is used for --artifacts-dir.
bool is_network_url(const std::string& url);

}  // namespace ka::fetch

// Application class-data sharing for Kafka's tools and server (docs/appcds.md). A JVM spends
// most of a short tool run, and of a server start, loading and verifying classes; a dynamic
// AppCDS archive of the classes one run loaded (-XX:ArchiveClassesAtExit) lets later runs map
// them instead (-XX:SharedArchiveFile). `bake` makes the archives once per image by training
// runs; run_kafka_tool passes one only when it exists, and so does kafka.service's jvm.env
// (server_class_archive, rendered by bootstrap). Archives live in one directory per Kafka release and JDK, named after the
// targets of /opt/kafka and /opt/java, so an upgrade of either never finds an archive made for
// another; and a JVM that still refuses an archive (-Xshare:auto) runs without it.
#pragma once
#include <chrono>
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace ka {

// Not under the state directory /var/lib/kafka-appliance: that is root's alone (0700), and
// kafka.service runs Kafka as user kafka, which must read the server's archive. Root's and
// read-only to everyone else: the tools run as root map these archives too.
inline constexpr const char* kClassArchiveDir = "/var/lib/kafka-appliance-cds";
// The tools that get an archive: format (kafka-storage) and the health probe and the quorum
// join (kafka-metadata-quorum).
inline constexpr const char* kArchivedTools[] = {"kafka-storage", "kafka-metadata-quorum"};
// Kafka itself (kafka-server-start.sh): "<dir>/server.jsa".
inline constexpr const char* kServerArchive = "server";
// What the training start of Kafka logs once it serves; then it is stopped (SIGTERM) and the JVM
// writes the archive as it exits.
inline constexpr const char* kServerStartedText = "Kafka Server started";

// "/var/lib/kafka-appliance-cds/kafka_2.13-4.3.1+temurin-21.0.5+11-jre" (in-root path), or ""
// when kafka_home or /opt/java is not a link to a release this tool installed (a system JDK can
// change under us: no archive then).
std::string class_archive_dir(const RootFs& root, const std::string& kafka_home);
// The archive of the tool `tool_path` ("<kafka_home>/bin/kafka-storage.sh") runs, or "" when it
// gets none (not an archived tool, or no archive directory for this release and JDK).
std::string class_archive_path(const RootFs& root, const std::string& tool_path);
// The server's archive for the release `kafka_home` and /opt/java link to ("<dir>/server.jsa"),
// or "" when it does not exist.
std::string server_class_archive(const RootFs& root, const std::string& kafka_home = "/opt/kafka");
// The JVM options that use `archive` (an in-root path). -Xshare:auto: a JVM that finds the
// archive unusable (another JDK build, a changed class path) warns and runs without it.
std::string class_archive_opts(const std::string& archive);

struct ClassArchiveReport {
  std::vector<std::string> changes;  // "created <path>"; empty when they were all there
  std::string skipped;               // why none was made ("" when made or already there)
};

// The training runs, through the root (chroot): kafka-storage format of a scratch directory
// (a throwaway combined node on two free loopback ports), a start of Kafka on it until it
// logs kServerStartedText (then SIGTERM; bounded by `server_timeout`), and
// kafka-metadata-quorum describe --status against a closed loopback port, each with
// -XX:ArchiveClassesAtExit. Made in "<dir>.partial" and renamed into place, so a run cut short
// leaves no half set; the scratch node (data, logs, configuration) is removed before the
// rename. A training run that writes no archive, or a Kafka that does not start or stop in
// time, is an error naming it.
Result<ClassArchiveReport> make_class_archives(const RootFs& root, ProcessRunner& runner,
                                               const std::string& kafka_home = "/opt/kafka",
                                               std::chrono::milliseconds server_timeout = std::chrono::minutes(5));

}  // namespace ka

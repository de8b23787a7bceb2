// Application class-data sharing for Kafka's tools (docs/appcds.md). A JVM spends most of a
// short tool run loading and verifying classes; a dynamic AppCDS archive of the classes one run
// loaded (-XX:ArchiveClassesAtExit) lets later runs map them instead (-XX:SharedArchiveFile).
// `bake` makes the archives once per image by a training run; run_kafka_tool passes one only
// when it exists. Archives live in one directory per Kafka release and JDK, named after the
// targets of /opt/kafka and /opt/java, so an upgrade of either never finds an archive made for
// another; and a JVM that still refuses an archive (-Xshare:auto) runs without it.
#pragma once
#include <string>
#include <vector>

#include "core/fs.hpp"
#include "core/process.hpp"
#include "core/result.hpp"

namespace ka {

inline constexpr const char* kClassArchiveDir = "/var/lib/kafka-appliance/cds";
// The tools that get an archive: format (kafka-storage) and the health probe and the quorum
// join (kafka-metadata-quorum).
inline constexpr const char* kArchivedTools[] = {"kafka-storage", "kafka-metadata-quorum"};

// "/var/lib/kafka-appliance/cds/kafka_2.13-4.3.1+temurin-21.0.5+11-jre" (in-root path), or ""
// when kafka_home or /opt/java is not a link to a release this tool installed (a system JDK can
// change under us: no archive then).
std::string class_archive_dir(const RootFs& root, const std::string& kafka_home);
// The archive of the tool `tool_path` ("<kafka_home>/bin/kafka-storage.sh") runs, or "" when it
// gets none (not an archived tool, or no archive directory for this release and JDK).
std::string class_archive_path(const RootFs& root, const std::string& tool_path);
// The JVM options that use `archive` (an in-root path). -Xshare:auto: a JVM that finds the
// archive unusable (another JDK build, a changed class path) warns and runs without it.
std::string class_archive_opts(const std::string& archive);

struct ClassArchiveReport {
  std::vector<std::string> changes;  // "created <path>"; empty when they were all there
  std::string skipped;               // why none was made ("" when made or already there)
};

// The training runs, through the root (chroot): kafka-storage format of a scratch directory,
// and kafka-metadata-quorum describe --status against a closed loopback port, each with
// -XX:ArchiveClassesAtExit. Made in "<dir>.partial" and renamed into place, so a run cut short
// leaves no half set; a training run that writes no archive is an error naming the tool.
Result<ClassArchiveReport> make_class_archives(const RootFs& root, ProcessRunner& runner,
                                               const std::string& kafka_home = "/opt/kafka");

}  // namespace ka

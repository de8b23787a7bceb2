#include "install/install.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/fs.hpp"
#include "core/version.hpp"
#include "fetch/cache.hpp"
#include "fetch/catalog.hpp"
#include "install/layout.hpp"
#include "install/state.hpp"
#include "install/system.hpp"
#include "verify/checksum.hpp"
#include "verify/openpgp.hpp"
#include "verify/pinned.hpp"

namespace ka::install {

namespace {

std::string base_name(const std::string& p) { return fs::path(p).filename().string(); }

// Serializes runs under one root: with the lock held, every staging directory in /opt belongs
// to a dead run.
class InstallLock {
 public:
  static Result<InstallLock> take(const RootFs& rfs) {
    auto path = rfs.host_path(std::string(kStateDir) + "/install.lock");
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot open " + path.string() + ": " + errno_text(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK)
        return fail("another kafka-appliance install is running under " + rfs.root().string())
            .note("wait for it to finish, then run again");
      return fail("cannot lock " + path.string() + ": " + errno_text(err));
    }
    return InstallLock(fd);
  }
  InstallLock(InstallLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  ~InstallLock() {
    if (fd_ >= 0) ::close(fd_);
  }

 private:
  explicit InstallLock(int fd) : fd_(fd) {}
  int fd_;
};

// Remembers whether the fetcher reached finish(), i.e. verified the artifact.
class FinishTracker final : public ByteSink {
 public:
  explicit FinishTracker(ByteSink& inner) : inner_(inner) {}
  Status write(const unsigned char* d, size_t n) override { return inner_.write(d, n); }
  Status finish() override {
    finished = true;
    return inner_.finish();
  }
  bool finished = false;

 private:
  ByteSink& inner_;
};

struct ReleaseSpec {
  std::string kind;          // "kafka" | "java"
  std::string what;          // "Kafka 3.9.1"
  std::string dir_name;      // known up front (Kafka), or empty: from the archive's top (JDK)
  std::string link;          // "/opt/kafka"
  std::string version;       // recorded; for a JDK, derived from the directory name
  std::string expected_digest;  // "sha512:<hex>" when known before streaming
  // A JDK installed before that satisfies the request (same feature release) when the digest
  // cannot be known without the network.
  std::function<bool(const InstalledRelease&)> satisfies;
};

Result<std::string> link_target(const RootFs& rfs, const std::string& link) {
  std::error_code ec;
  auto p = rfs.host_path(link);
  if (!fs::is_symlink(fs::symlink_status(p, ec))) return std::string();
  return fs::read_symlink(p, ec).string();
}

Status switch_link(const RootFs& rfs, const std::string& link, const std::string& dir_name, InstallReport& rep) {
  KA_TRY(auto before, link_target(rfs, link));
  KA_TRY(auto change, rfs.ensure_symlink(link, dir_name));
  if (change == Change::unchanged) {
    rep.unchanged.push_back(link + " -> " + dir_name);
  } else if (before.empty()) {
    rep.changes.push_back("created " + link + " -> " + dir_name);
  } else {
    rep.changes.push_back("switched " + link + " -> " + dir_name + " (was " + before + ", kept for rollback)");
  }
  return ok_status();
}

// The recorded release, when it is still on disk exactly as it was unpacked.
Result<bool> still_installed(const RootFs& rfs, const InstalledRelease& rec, InstallReport& rep) {
  auto host = rfs.host_path(rec.path);
  std::error_code ec;
  if (rec.path.empty() || !fs::is_directory(fs::symlink_status(host, ec))) return false;
  KA_TRY(auto digest, tree_digest(host));
  if (digest != rec.tree_digest) {
    rep.warnings.push_back(rec.path + " was changed since it was installed: unpacking it again");
    return false;
  }
  return true;
}

Status install_release(const RootFs& rfs, const ReleaseSpec& spec, const ArtifactFeed& feed, const ExtractLimits& limits,
                       bool quiet, InstallReport& rep) {
  KA_TRY(auto rec, load_installed(rfs, spec.kind));
  if (rec) {
    bool same = spec.satisfies ? spec.satisfies(*rec)
                               : (rec->path == std::string(kOptDir) + "/" + spec.dir_name &&
                                  (spec.expected_digest.empty() || rec->artifact_digest == spec.expected_digest));
    if (same) {
      KA_TRY(bool ok, still_installed(rfs, *rec, rep));
      if (ok) {
        rep.unchanged.push_back(spec.what + " at " + rec->path);
        return switch_link(rfs, spec.link, fs::path(rec->path).filename().string(), rep);
      }
    }
  }

  KA_TRY(auto staging, Staging::create(rfs, spec.dir_name.empty() ? ".temurin" : spec.dir_name));
  ExtractOptions eo;
  eo.expected_top = spec.dir_name;
  eo.limits = limits;
  ExtractSink sink(staging.path(), eo, spec.what);
  if (!quiet) spdlog::info("[started] unpacking {} into {}", spec.what, staging.path().string());
  auto art = feed(sink);
  if (!art) {
    return std::move(art).error().note("nothing was installed; " + std::string(kOptDir) + " is as it was");
  }
  for (auto& f : sink.stats().dropped_special_bits)
    rep.warnings.push_back(spec.what + ": dropped the setuid/setgid/sticky bits of " + f);

  std::string final_name = spec.dir_name.empty() ? temurin_dir_name(sink.stats().top) : spec.dir_name;
  KA_TRY(auto digest, seal_tree(staging.path()));
  KA_TRY_STATUS(staging.commit(final_name));
  std::string path = std::string(kOptDir) + "/" + final_name;
  rep.changes.push_back("installed " + spec.what + " into " + path + " (" + std::to_string(sink.stats().entries) +
                        " entries, " + std::to_string(sink.stats().bytes_out) + " bytes, " + art->digest.substr(0, 19) +
                        "...)");
  if (!quiet) spdlog::info("[done] {} in {}", spec.what, path);
  KA_TRY_STATUS(switch_link(rfs, spec.link, final_name, rep));

  InstalledRelease r;
  r.kind = spec.kind;
  r.version = spec.version.empty() ? final_name.substr(final_name.find('-') + 1) : spec.version;
  r.path = path;
  r.link = spec.link;
  r.artifact = art->name;
  r.artifact_digest = art->digest;
  r.tree_digest = digest;
  r.signed_by = art->signer;
  r.trust = art->trust;
  r.overrides = art->overrides;
  return record_installed(rfs, r);
}

struct KafkaChoice {
  std::string scala = "2.13";
  std::string version;
  std::string sha512;  // known digest, may be empty in fetch mode (.sha512 from the ASF)
  std::string trust;   // what vouches for sha512 (for --archive)
  std::vector<std::string> overrides;
};

// The same rules as fetch (fetch.cpp): a catalogued version must match its catalog digest
// unless --private-build says it is a private build pinned by --sha512.
Result<KafkaChoice> choose_kafka(const InstallOptions& o) {
  KafkaChoice c;
  KA_TRY(auto cat, fetch::KafkaCatalog::select(o.fetch.catalog_file));
  if (!o.archive.empty()) {
    std::string scala, version;
    if (parse_kafka_tarball_name(base_name(o.archive), scala, version)) {
      c.scala = scala;
      c.version = version;
      if (!o.kafka_version.empty() && o.kafka_version != version)
        return bad_input("--kafka-version " + o.kafka_version + " does not match the archive " + base_name(o.archive))
            .note("drop --kafka-version, or name the archive as the ASF does: kafka_<scala>-<version>.tgz");
    } else if (o.kafka_version.empty()) {
      return bad_input("cannot tell the Kafka version of " + o.archive)
          .note("name it as the ASF does (kafka_2.13-3.9.1.tgz) or pass --kafka-version");
    } else {
      c.version = o.kafka_version;
    }
  } else {
    c.version = o.kafka_version.empty() ? cat.default_version() : o.kafka_version;
  }
  KA_TRY(auto v, KafkaVersion::parse(c.version));
  if (!v.supported())
    return bad_input("Kafka " + c.version + " is not supported").note("kafka-appliance knows Kafka 3.6 to 4.x");
  const auto* rel = cat.find(c.version);
  if (o.fetch.private_build && o.sha512.empty())
    return bad_input("--private-build needs --sha512 HEX").note("a private build is trusted by the digest you pin, nothing else");
  if (!cat.is_builtin()) c.overrides.push_back(cat.origin());
  if (!o.sha512.empty()) {
    KA_TRY(c.sha512, normalize_hex_digest(o.sha512, DigestAlgo::sha512, "--sha512"));
    if (o.fetch.private_build) {
      c.trust = "--private-build --sha512";
      c.overrides.push_back("--private-build");
    } else if (rel && rel->scala == c.scala && c.sha512 != rel->sha512) {
      return bad_input("--sha512 does not match the catalogued digest of Kafka " + c.version)
          .note("catalog: " + rel->sha512)
          .note("drop --sha512 for the released tarball; for a private build of " + c.version +
                " pass --private-build --sha512 HEX");
    } else {
      c.trust = rel && rel->scala == c.scala ? (cat.is_builtin() ? "catalog" : "--catalog") : "--sha512";
    }
  } else if (rel && rel->scala == c.scala) {
    c.sha512 = rel->sha512;
    c.trust = cat.is_builtin() ? "catalog" : "--catalog";
  } else if (!o.archive.empty()) {
    return bad_input("no digest to check " + o.archive + " against: Kafka " + c.version + " is not in the catalog")
        .note("pass --sha512 HEX (from the release's .sha512 file)");
  }
  if (rel) c.scala = rel->scala == c.scala || o.archive.empty() ? rel->scala : c.scala;
  return c;
}

bool is_feature_version(const std::string& java) {
  return !java.empty() && java.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

ArtifactFeed local_feed(const std::string& path, DigestAlgo algo, const std::string& expected_hex,
                        const std::string& asc_path, std::vector<std::string> key_files, const std::string& flag,
                        std::string trust, std::vector<std::string> overrides) {
  return [=](ByteSink& sink) -> Result<VerifiedArtifact> {
    std::unique_ptr<pgp::SignatureCheck> sig;
    if (!asc_path.empty()) {
      auto text = read_named_file(asc_path, "--asc");
      if (!text.ok()) return Error(text.error()).note("check the path");
      KA_TRY(auto s, pgp::parse_signature(*text, asc_path));
      sig = std::make_unique<pgp::SignatureCheck>(std::move(s));
    }
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return bad_input("cannot open " + path + ": " + errno_text(errno)).note("check the " + flag + " path");
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    DigestSink digest(algo);
    if (sig) sig->share_digest(digest);
    std::vector<ByteSink*> sinks{&digest};
    if (sig) sinks.push_back(sig.get());
    sinks.push_back(&sink);
    TeeSink tee(sinks);
    std::vector<unsigned char> buf(256 << 10);
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail("cannot read " + path + ": " + errno_text(errno));
      if (n == 0) break;
      KA_TRY_STATUS(tee.write(buf.data(), static_cast<size_t>(n)));
    }
    const char* algo_s = algo == DigestAlgo::sha512 ? "sha512" : "sha256";
    if (digest.hex() != expected_hex)
      return bad_input(std::string(algo_s) + " of " + flag + " " + path + " does not match: expected " + expected_hex +
                       ", got " + digest.hex())
          .note(algo == DigestAlgo::sha512
                    ? "the file is corrupt or not the release it claims to be; fetch it again from the ASF"
                    : "the file is corrupt or not the release it claims to be; download it again from Adoptium and take "
                      "--java-sha256 from its .sha256.txt");
    VerifiedArtifact out{base_name(path), std::string(algo_s) + ":" + expected_hex, "", trust, overrides};
    if (sig) {
      KA_TRY(pgp::KeyRing ring, pgp::kafka_keys_with(key_files));
      auto v = sig->verify(ring, static_cast<int64_t>(std::time(nullptr)));
      // A local file with a signature that does not vouch for it is bad input, like a digest
      // mismatch, not a failure of this tool.
      if (!v.ok()) {
        Error e = std::move(v).error();
        e.code = Exit::usage;
        return std::move(e).note("--asc " + asc_path + " does not vouch for " + path +
                                 "; pass the release manager's key with --keys KEYS if it is missing from the pinned KEYS");
      }
      out.signer = v->fingerprint + (v->user_id.empty() ? "" : " (" + v->user_id + ")");
      for (const auto& k : key_files) out.overrides.push_back("--keys " + k);
    }
    KA_TRY_STATUS(sink.finish());
    return out;
  };
}

// --java system: the JDK that `java` on the PATH belongs to, found by following /usr/bin/java
// through its links (Debian: /etc/alternatives/java -> /usr/lib/jvm/<jdk>/bin/java) inside the
// root. /opt/java then points at it, so the rendered JAVA_HOME=/opt/java holds either way.
Result<std::string> system_java_home(const RootFs& rfs) {
  fs::path p = "/usr/bin/java";
  std::error_code ec;
  for (int hops = 0; hops < 40; ++hops) {
    auto host = rfs.host_path(p);
    if (!fs::is_symlink(fs::symlink_status(host, ec))) {
      if (!fs::is_regular_file(host, ec) || p.parent_path().filename() != "bin") break;
      return p.parent_path().parent_path().string();
    }
    auto t = fs::read_symlink(host, ec);
    if (ec) break;
    p = (t.is_absolute() ? t : p.parent_path() / t).lexically_normal();
  }
  return bad_input("--java system: no Java found at " + rfs.host_path("/usr/bin/java").string())
      .note("install a JDK or JRE 17+ (Debian: apt-get install default-jre-headless), or drop --java system to install Temurin");
}

namespace {

// The flags of the Java artifact, checked together; the normalized --java-sha256 (or empty).
Result<std::string> check_java_flags(const InstallOptions& o) {
  std::string java_sha256;
  if (!o.java_archive.empty()) {
    if (o.java_sha256.empty())
      return bad_input("--java-archive needs --java-sha256").note("the SHA-256 is in the tarball's .sha256.txt from Adoptium");
    KA_TRY(java_sha256, normalize_hex_digest(o.java_sha256, DigestAlgo::sha256, "--java-sha256"));
  }
  if (o.java_archive.empty() && !o.java_sha256.empty())
    return bad_input("--java-sha256 needs --java-archive").note("it is the digest of a local Temurin tarball");
  if (!o.java_archive.empty() && o.java == "system")
    return bad_input("--java system and --java-archive contradict each other").note("drop one of them");
  if (o.archive.empty() && !o.asc.empty()) return bad_input("--asc needs --archive");
  return java_sha256;
}

// --dry-run: what a run would change, from the record of the last one.
Result<InstallReport> dry_run_install(const RootFs& rfs, const KafkaChoice& kafka, const std::string& kafka_dir,
                                      InstallReport rep) {
  KA_TRY(auto rec, load_installed(rfs, "kafka"));
  bool same = rec && rec->path == std::string(kOptDir) + "/" + kafka_dir &&
              (kafka.sha512.empty() || rec->artifact_digest == "sha512:" + kafka.sha512);
  if (same) {
    KA_TRY(same, still_installed(rfs, *rec, rep));
  }
  if (!lookup_uid(rfs.root(), kServiceUser)) rep.changes.push_back("would create user kafka");
  if (same) rep.unchanged.push_back("Kafka " + kafka.version + " at " + rec->path);
  else rep.changes.push_back("would install Kafka " + kafka.version + " into /opt/" + kafka_dir);
  return rep;
}

// One Fetcher for both artifacts, made on first use (a local --archive needs none).
class LazyFetcher {
 public:
  LazyFetcher(const InstallOptions& o, const KafkaChoice& kafka, const fetch::DownloadEnv* env)
      : o_(o), kafka_(kafka), env_(env) {}
  fetch::Fetcher& get() {
    if (!fetcher_) {
      fetch::FetchOptions fo = o_.fetch;
      fo.root = o_.root;
      fo.cache_dir = o_.cache_dir;
      fo.kafka_version = kafka_.version;
      fo.sha512 = o_.sha512;
      fo.key_files = o_.key_files;
      fo.java = o_.java;
      fo.quiet = o_.quiet;
      fetcher_ = env_ ? std::make_unique<fetch::Fetcher>(fo, *env_) : std::make_unique<fetch::Fetcher>(fo);
    }
    return *fetcher_;
  }
  // What the install records of a fetched artifact; its warnings go to the report.
  static VerifiedArtifact recorded(const fetch::FetchedArtifact& a, InstallReport& rep) {
    for (auto& w : a.warnings) rep.warnings.push_back(w);
    return VerifiedArtifact{a.name, a.algo + ":" + a.digest, a.signer, a.trust, a.overrides};
  }

 private:
  const InstallOptions& o_;
  const KafkaChoice& kafka_;
  const fetch::DownloadEnv* env_;
  std::unique_ptr<fetch::Fetcher> fetcher_;
};

// Java: a local Temurin tarball, the system's JDK (linked), or Temurin fetched.
Status install_java(const InstallOptions& o, const RootFs& rfs, const std::string& java_sha256,
                    const std::string& system_home, LazyFetcher& fetcher, InstallReport& rep) {
  if (!o.java_archive.empty()) {
    ReleaseSpec js{"java", "Temurin " + base_name(o.java_archive), "", kJavaLink, "", "sha256:" + java_sha256, nullptr};
    js.satisfies = [&](const InstalledRelease& r) { return r.artifact_digest == "sha256:" + java_sha256; };
    KA_TRY_STATUS(install_release(rfs, js, local_feed(o.java_archive, DigestAlgo::sha256, java_sha256, "", {}, "--java-archive", "--java-sha256"),
                                  o.limits, o.quiet, rep));
  } else if (o.java == "system") {
    const std::string& home = system_home;
    KA_TRY(auto before, link_target(rfs, kJavaLink));
    KA_TRY(auto change, rfs.ensure_symlink(kJavaLink, home));
    if (change == Change::unchanged) rep.unchanged.push_back(std::string(kJavaLink) + " -> " + home + " (system Java)");
    else rep.changes.push_back(std::string(kJavaLink) + " -> " + home + " (system Java" + (before.empty() ? "" : ", was " + before) + ")");
  } else {
    ReleaseSpec js{"java", "Temurin " + o.java, "", kJavaLink, "", "", nullptr};
    // Without the network the newest build of a feature release is unknown: one installed
    // from that feature release is kept; name an exact release to change it.
    std::string want = is_feature_version(o.java) ? o.java : temurin_dir_name(o.java).substr(8);
    // Temurin names a JRE's top directory jdk-<ver>-jre and a JDK's jdk-<ver>: a JRE installed
    // before does not satisfy --java-image jdk, nor the other way round.
    const bool want_jre = o.fetch.java_image == "jre";
    js.satisfies = [want, want_jre](const InstalledRelease& r) {
      const bool is_jre = r.version.size() > 4 && r.version.compare(r.version.size() - 4, 4, "-jre") == 0;
      return is_jre == want_jre && r.version.rfind(want, 0) == 0 &&
             (r.version.size() == want.size() || std::string(".+-u").find(r.version[want.size()]) != std::string::npos);
    };
    ArtifactFeed jfeed = [&](ByteSink& sink) -> Result<VerifiedArtifact> {
      FinishTracker t(sink);
      KA_TRY(auto a, fetcher.get().fetch_java(&t));
      if (!a) return fail("fetch returned no Java for --java " + o.java);
      if (!t.finished) KA_TRY_STATUS(sink.finish());
      return LazyFetcher::recorded(*a, rep);
    };
    KA_TRY_STATUS(install_release(rfs, js, jfeed, o.limits, o.quiet, rep));
  }
  return ok_status();
}

}  // namespace

Result<InstallReport> run_install(const InstallOptions& o, ProcessRunner& runner, const fetch::DownloadEnv* download) {
  InstallReport rep;
  KA_TRY(auto kafka, choose_kafka(o));
  KA_TRY(std::string java_sha256, check_java_flags(o));
  RootFs rfs(o.root);
  std::string kafka_dir = kafka_dir_name(kafka.scala, kafka.version);
  // Checked before anything changes: a missing system Java must not leave Kafka half set up.
  std::string system_home;
  if (o.java_archive.empty() && o.java == "system") {
    KA_TRY(system_home, system_java_home(rfs));
  }
  if (o.dry_run) return dry_run_install(rfs, kafka, kafka_dir, std::move(rep));

  // Checked before anything changes (ensure_service_dirs() would chmod it): a cache someone
  // else could write is refused, not quietly tightened with what they planted still inside.
  KA_TRY_STATUS(fetch::Cache(rfs.host_path(o.cache_dir)).check_safe());
  KA_TRY_STATUS(rfs.ensure_dir(kStateDir, 0700, Owner{0, 0}));
  KA_TRY(auto lock, InstallLock::take(rfs));
  KA_TRY(auto stale, remove_stale_staging(rfs));
  for (auto& s : stale) rep.changes.push_back("removed the staging directory of an interrupted run: /opt/" + s);
  KA_TRY(auto user, ensure_service_user(rfs, runner));
  for (auto& s : user) rep.changes.push_back(s);
  KA_TRY(auto dirs, ensure_service_dirs(rfs, service_dirs(o.cache_dir)));
  for (auto& s : dirs) rep.changes.push_back(s);

  LazyFetcher fetcher(o, kafka, download);
  ReleaseSpec ks{"kafka", "Kafka " + kafka.version, kafka_dir, kKafkaLink, kafka.version,
                 kafka.sha512.empty() ? "" : "sha512:" + kafka.sha512, nullptr};
  ArtifactFeed kfeed;
  if (!o.archive.empty()) {
    for (const auto& x : kafka.overrides) {
      std::string w = x == "--private-build"
                          ? "--private-build: trusting " + o.archive + " by the --sha512 you gave instead of the catalog"
                          : "trusting " + x + " instead of the built-in Kafka catalog";
      spdlog::warn("{}", w);
      rep.warnings.push_back(w);
    }
    kfeed = local_feed(o.archive, DigestAlgo::sha512, kafka.sha512, o.asc, o.key_files, "--archive", kafka.trust,
                       kafka.overrides);
  } else {
    kfeed = [&](ByteSink& sink) -> Result<VerifiedArtifact> {
      FinishTracker t(sink);
      KA_TRY(auto a, fetcher.get().fetch_kafka(&t));
      if (!t.finished) KA_TRY_STATUS(sink.finish());
      return LazyFetcher::recorded(a, rep);
    };
  }
  KA_TRY_STATUS(install_release(rfs, ks, kfeed, o.limits, o.quiet, rep));

  KA_TRY_STATUS(install_java(o, rfs, java_sha256, system_home, fetcher, rep));
  (void)lock;
  return rep;
}

std::string format_install_report(const InstallReport& r, bool json) {
  if (json) {
    nlohmann::json j = {{"changed", !r.changes.empty()}, {"changes", r.changes}, {"unchanged", r.unchanged},
                        {"warnings", r.warnings}};
    return j.dump(2) + "\n";
  }
  std::string out;
  for (auto& c : r.changes) out += c + "\n";
  for (auto& u : r.unchanged) out += "unchanged: " + u + "\n";
  if (r.changes.empty()) out += "install: nothing to do, everything is already in place\n";
  return out;
}

}  // namespace ka::install

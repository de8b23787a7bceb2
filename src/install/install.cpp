#include "install/install.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
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
    return ok_status();
  }
  if (before.empty()) rep.changes.push_back("created " + link + " -> " + dir_name);
  else rep.changes.push_back("switched " + link + " -> " + dir_name + " (was " + before + ", kept for rollback)");
  rep.done.push_back({Kind::link, link, change == Change::created ? Action::create : Action::update});
  return ok_status();
}

// The recorded release, when it is still on disk exactly as it was unpacked; otherwise `why`
// says what changed, when anything did.
Result<bool> still_installed(const RootFs& rfs, const InstalledRelease& rec, std::string& why) {
  auto host = rfs.host_path(rec.path);
  std::error_code ec;
  if (rec.path.empty() || !fs::is_directory(fs::symlink_status(host, ec))) return false;
  KA_TRY(auto digest, tree_digest(host));
  if (digest != rec.tree_digest) {
    why = rec.path + " was changed since it was installed: unpacking it again";
    return false;
  }
  return true;
}

// What is planned for a release: none when the record names it and the tree is intact.
struct ReleaseState {
  Action action = Action::create;
  std::string why;                    // "Kafka 3.9.1 into /opt/...", or what changed
  std::optional<InstalledRelease> rec;  // the intact release, with Action::none
};

Result<ReleaseState> release_state(const RootFs& rfs, const ReleaseSpec& spec) {
  ReleaseState st;
  st.why = spec.dir_name.empty() ? spec.what : spec.what + " into " + std::string(kOptDir) + "/" + spec.dir_name;
  KA_TRY(auto rec, load_installed(rfs, spec.kind));
  if (!rec) return st;
  bool same = spec.satisfies ? spec.satisfies(*rec)
                             : (rec->path == std::string(kOptDir) + "/" + spec.dir_name &&
                                (spec.expected_digest.empty() || rec->artifact_digest == spec.expected_digest));
  if (!same) return st;
  std::string changed;
  KA_TRY(bool ok, still_installed(rfs, *rec, changed));
  if (ok) {
    st.action = Action::none;
    st.why = spec.what + " at " + rec->path;
    st.rec = std::move(rec);
  } else if (!changed.empty()) {
    st.action = Action::update;
    st.why = changed;
  }
  return st;
}

// Unpacks the release from `feed` into a staging directory, renames it into place once
// verified, switches the link and records it; `action` is the plan's (create or update).
Status unpack_release(const RootFs& rfs, const ReleaseSpec& spec, Action action, const ArtifactFeed& feed,
                      const ExtractLimits& limits, bool quiet, InstallReport& rep) {
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
  rep.done.push_back({Kind::release, spec.what, action});
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


ReleaseSpec kafka_spec(const InstallPlan& p) {
  return {"kafka", "Kafka " + p.kafka.version, p.kafka_dir, kKafkaLink, p.kafka.version,
          p.kafka.sha512.empty() ? "" : "sha512:" + p.kafka.sha512, nullptr};
}

// Temurin, from --java-archive or fetched (not --java system).
ReleaseSpec java_spec(const InstallOptions& o, const std::string& java_sha256) {
  if (!o.java_archive.empty()) {
    ReleaseSpec js{"java", "Temurin " + base_name(o.java_archive), "", kJavaLink, "", "sha256:" + java_sha256, nullptr};
    js.satisfies = [digest = js.expected_digest](const InstalledRelease& r) { return r.artifact_digest == digest; };
    return js;
  }
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
  return js;
}

bool system_java(const InstallOptions& o) { return o.java_archive.empty() && o.java == "system"; }

Action action_of(Change c) { return c == Change::created ? Action::create : c == Change::updated ? Action::update : Action::none; }

std::optional<Owner> owner_of(const RootFs& rfs, const DirSpec& d) {
  auto uid = lookup_uid(rfs.root(), d.user);
  auto gid = lookup_gid(rfs.root(), d.group);
  if (!uid || !gid) return std::nullopt;
  return Owner{*uid, *gid};
}

// The state directory comes first: apply makes it to hold the install lock.
std::vector<DirSpec> install_dirs(const std::string& cache_dir) {
  auto dirs = service_dirs(cache_dir);
  std::stable_partition(dirs.begin(), dirs.end(), [](const DirSpec& d) { return d.path == kStateDir; });
  return dirs;
}

// What install does to the host before any release: the state directory, leftovers of an
// interrupted run, the kafka user, the directories.
Status plan_host(const RootFs& rfs, const std::string& cache_dir, std::vector<PlannedChange>& out) {
  auto dirs = install_dirs(cache_dir);
  out.push_back({Kind::dir, dirs[0].path, action_of(rfs.preview_dir(dirs[0].path, dirs[0].mode, owner_of(rfs, dirs[0])))});
  KA_TRY(auto stale, find_stale_staging(rfs));
  for (const auto& s : stale) out.push_back({Kind::dir, std::string(kOptDir) + "/" + s, Action::remove, "left by an interrupted run"});
  if (!lookup_uid(rfs.root(), kServiceUser) || !lookup_gid(rfs.root(), kServiceGroup))
    out.push_back({Kind::user, kServiceUser, Action::create, "system user and group, home " + std::string(kServiceHome)});
  for (size_t i = 1; i < dirs.size(); ++i)
    out.push_back({Kind::dir, dirs[i].path, action_of(rfs.preview_dir(dirs[i].path, dirs[i].mode, owner_of(rfs, dirs[i])))});
  return ok_status();
}

// A release and its link. `dir_name` empty: known only once unpacked (a new Temurin), so the
// link is planned to change whenever it exists.
Status plan_release(const RootFs& rfs, const ReleaseSpec& spec, std::vector<PlannedChange>& out) {
  KA_TRY(auto st, release_state(rfs, spec));
  out.push_back({Kind::release, spec.what, st.action, st.why});
  std::string dir = st.rec ? fs::path(st.rec->path).filename().string() : spec.dir_name;
  KA_TRY(auto before, link_target(rfs, spec.link));
  Action link = dir.empty() ? (before.empty() ? Action::create : Action::update) : action_of(rfs.preview_symlink(spec.link, dir));
  std::string why = "-> " + (dir.empty() ? "the new release" : dir);
  if (link == Action::update) why += " (was " + before + ", kept for rollback)";
  out.push_back({Kind::link, spec.link, link, why});
  return ok_status();
}

// The plan's change to a release; a release being unpacked again says why in the report too.
Action planned(const InstallPlan& p, const std::string& release, InstallReport& rep) {
  for (const auto& c : p.changes) {
    if (c.kind != Kind::release || c.target != release) continue;
    if (c.action == Action::update) rep.warnings.push_back(c.why);
    return c.action;
  }
  return Action::none;
}

// One Fetcher for both artifacts, made on first use (a local --archive needs none), with the
// HTTP client and progress of the command's Deps.
class LazyFetcher {
 public:
  LazyFetcher(const InstallPlan& p, Deps& deps) : p_(p), deps_(deps) {}
  Result<fetch::Fetcher*> get() {
    if (!fetcher_) {
      fetch::FetchOptions fo = p_.opts.fetch;
      fo.root = p_.opts.root;
      fo.cache_dir = p_.opts.cache_dir;
      fo.kafka_version = p_.kafka.version;
      fo.sha512 = p_.opts.sha512;
      fo.key_files = p_.opts.key_files;
      fo.java = p_.opts.java;
      KA_TRY(auto env, fetch::download_env(deps_, fo.http));
      fetcher_ = std::make_unique<fetch::Fetcher>(fo, env);
    }
    return fetcher_.get();
  }
  // What the install records of a fetched artifact; its warnings go to the report.
  static VerifiedArtifact recorded(const fetch::FetchedArtifact& a, InstallReport& rep) {
    for (auto& w : a.warnings) rep.warnings.push_back(w);
    return VerifiedArtifact{a.name, a.algo + ":" + a.digest, a.signer, a.trust, a.overrides};
  }

 private:
  const InstallPlan& p_;
  Deps& deps_;
  std::unique_ptr<fetch::Fetcher> fetcher_;
};

// The fetched artifact as a feed: `fetch_one` is fetch_kafka or fetch_java.
template <class FetchOne>
ArtifactFeed fetched_feed(FetchOne fetch_one, InstallReport& rep) {
  return [fetch_one, &rep](ByteSink& sink) -> Result<VerifiedArtifact> {
    FinishTracker t(sink);
    KA_TRY(fetch::FetchedArtifact a, fetch_one(&t));
    if (!t.finished) KA_TRY_STATUS(sink.finish());
    return LazyFetcher::recorded(a, rep);
  };
}

Status apply_kafka(const InstallPlan& p, const RootFs& rfs, LazyFetcher& fetcher, InstallReport& rep) {
  const auto& o = p.opts;
  const ReleaseSpec spec = kafka_spec(p);
  const Action action = planned(p, spec.what, rep);
  if (action == Action::none) {
    rep.unchanged.push_back(spec.what + " at " + std::string(kOptDir) + "/" + p.kafka_dir);
    return switch_link(rfs, spec.link, p.kafka_dir, rep);
  }
  ArtifactFeed feed;
  if (!o.archive.empty()) {
    feed = local_feed(o.archive, DigestAlgo::sha512, p.kafka.sha512, o.asc, o.key_files, "--archive", p.kafka.trust,
                      p.kafka.overrides);
  } else {
    feed = fetched_feed([&fetcher](ByteSink* s) -> Result<fetch::FetchedArtifact> {
      KA_TRY(auto* f, fetcher.get());
      return f->fetch_kafka(s);
    }, rep);
  }
  return unpack_release(rfs, spec, action, feed, o.limits, o.quiet, rep);
}

// --java system: /opt/java points at the system's JDK, found while planning.
Status link_system_java(const InstallPlan& p, const RootFs& rfs, InstallReport& rep) {
  const std::string& home = p.system_home;
  KA_TRY(auto before, link_target(rfs, kJavaLink));
  KA_TRY(auto change, rfs.ensure_symlink(kJavaLink, home));
  if (change == Change::unchanged) {
    rep.unchanged.push_back(std::string(kJavaLink) + " -> " + home + " (system Java)");
    return ok_status();
  }
  rep.changes.push_back(std::string(kJavaLink) + " -> " + home + " (system Java" + (before.empty() ? "" : ", was " + before) + ")");
  rep.done.push_back({Kind::link, kJavaLink, action_of(change)});
  return ok_status();
}

Status apply_java(const InstallPlan& p, const RootFs& rfs, LazyFetcher& fetcher, InstallReport& rep) {
  const auto& o = p.opts;
  if (system_java(o)) return link_system_java(p, rfs, rep);
  const ReleaseSpec spec = java_spec(o, p.java_sha256);
  const Action action = planned(p, spec.what, rep);
  if (action == Action::none) {
    KA_TRY(auto rec, load_installed(rfs, "java"));
    if (!rec) return fail("the plan kept a Java release that is no longer recorded").note("run install again");
    rep.unchanged.push_back(spec.what + " at " + rec->path);
    return switch_link(rfs, spec.link, fs::path(rec->path).filename().string(), rep);
  }
  ArtifactFeed feed;
  if (!o.java_archive.empty()) {
    feed = local_feed(o.java_archive, DigestAlgo::sha256, p.java_sha256, "", {}, "--java-archive", "--java-sha256");
  } else {
    feed = fetched_feed([&fetcher, &o](ByteSink* s) -> Result<fetch::FetchedArtifact> {
      KA_TRY(auto* f, fetcher.get());
      KA_TRY(auto a, f->fetch_java(s));
      if (!a) return fail("fetch returned no Java for --java " + o.java);
      return *a;
    }, rep);
  }
  return unpack_release(rfs, spec, action, feed, o.limits, o.quiet, rep);
}

void record_dir(const std::string& path, Change c, InstallReport& rep) {
  if (c == Change::unchanged) return;
  rep.changes.push_back(std::string(to_string(c)) + " " + path);
  rep.done.push_back({Kind::dir, path, action_of(c)});
}

// The trust roots an --archive install replaces, warned about on every run.
void warn_overrides(const InstallPlan& p, InstallReport& rep) {
  if (p.opts.archive.empty()) return;
  for (const auto& x : p.kafka.overrides) {
    std::string w = x == "--private-build"
                        ? "--private-build: trusting " + p.opts.archive + " by the --sha512 you gave instead of the catalog"
                        : "trusting " + x + " instead of the built-in Kafka catalog";
    spdlog::warn("{}", w);
    rep.warnings.push_back(w);
  }
}

}  // namespace

Result<InstallPlan> plan_install(const InstallOptions& o) {
  InstallPlan p;
  p.opts = o;
  KA_TRY(p.kafka, choose_kafka(o));
  KA_TRY(p.java_sha256, check_java_flags(o));
  RootFs rfs(o.root);
  p.kafka_dir = kafka_dir_name(p.kafka.scala, p.kafka.version);
  // Checked before anything changes: a missing system Java must not leave Kafka half set up.
  if (system_java(o)) {
    KA_TRY(p.system_home, system_java_home(rfs));
  }
  // A cache someone else could write is refused, not quietly tightened (the directory step
  // would chmod it) with what they planted still inside.
  KA_TRY_STATUS(fetch::Cache(rfs.host_path(o.cache_dir)).check_safe());
  KA_TRY_STATUS(plan_host(rfs, o.cache_dir, p.changes));
  KA_TRY_STATUS(plan_release(rfs, kafka_spec(p), p.changes));
  if (system_java(o)) {
    auto c = rfs.preview_symlink(kJavaLink, p.system_home);
    p.changes.push_back({Kind::link, kJavaLink, action_of(c), "-> " + p.system_home + " (system Java)"});
  } else {
    KA_TRY_STATUS(plan_release(rfs, java_spec(o, p.java_sha256), p.changes));
  }
  return p;
}

Result<InstallReport> apply_install(const InstallPlan& p, Deps& deps) {
  RootFs rfs(p.opts.root);
  InstallReport rep;
  warn_overrides(p, rep);
  auto dirs = install_dirs(p.opts.cache_dir);
  KA_TRY(auto state_dir, rfs.ensure_dir(dirs[0].path, dirs[0].mode, Owner{0, 0}));
  record_dir(dirs[0].path, state_dir, rep);
  KA_TRY(auto lock, InstallLock::take(rfs));
  KA_TRY(auto stale, remove_stale_staging(rfs));
  for (const auto& s : stale) {
    rep.changes.push_back("removed the staging directory of an interrupted run: /opt/" + s);
    rep.done.push_back({Kind::dir, std::string(kOptDir) + "/" + s, Action::remove});
  }
  KA_TRY(auto user, ensure_service_user(rfs, *deps.runner));
  for (const auto& s : user) rep.changes.push_back(s);
  if (!user.empty()) rep.done.push_back({Kind::user, kServiceUser, Action::create});
  for (size_t i = 1; i < dirs.size(); ++i) {
    KA_TRY(auto c, ensure_service_dir(rfs, dirs[i]));
    record_dir(dirs[i].path, c, rep);
  }
  LazyFetcher fetcher(p, deps);
  KA_TRY_STATUS(apply_kafka(p, rfs, fetcher, rep));
  KA_TRY_STATUS(apply_java(p, rfs, fetcher, rep));
  (void)lock;
  return rep;
}

Result<InstallReport> run_install(const InstallOptions& o, Deps& deps) {
  KA_TRY(auto plan, plan_install(o));
  return apply_install(plan, deps);
}

std::string format_install_report(const InstallReport& r, bool json) {
  if (json) {
    nlohmann::json j = {{"changed", !r.changes.empty()}, {"changes", r.changes}, {"unchanged", r.unchanged},
                        {"warnings", r.warnings}, {"done", changes_json(r.done)}};
    return j.dump(2) + "\n";
  }
  std::string out;
  for (auto& c : r.changes) out += c + "\n";
  for (auto& u : r.unchanged) out += "unchanged: " + u + "\n";
  if (r.changes.empty()) out += "install: nothing to do, everything is already in place\n";
  return out;
}

std::string format_install_plan(const InstallPlan& p, bool json) {
  if (json) return nlohmann::json{{"changes", changes_json(p.changes)}, {"any_change", any_change(p.changes)}}.dump(2) + "\n";
  return changes_text(p.changes, false);
}

}  // namespace ka::install

// The trust policy (docs/fetch.md):
//  * a catalogued Kafka version must match its pinned SHA-512 (hard failure otherwise); its .asc
//    is checked when it can be had, against the pinned KEYS + --keys, and also against the live
//    ASF KEYS (or a KEYS file in --artifacts-dir): release managers newer than the pinned copy
//    sign new releases, and their keys can be trusted for bytes whose digest already matched the
//    pin, since the pin, not the key, is what vouches for those bytes;
//  * an uncatalogued version needs a digest (--sha512, or the ASF .sha512) and, without
//    --sha512, a good signature from a key in the pinned KEYS or --keys (never the live KEYS:
//    whoever could change the .sha512 could change KEYS beside it);
//  * Temurin must match the API's SHA-256 and its .sha256.txt, and carry a good .sig from the
//    key whose fingerprint is pinned;
//  * a catalogued version with another digest needs --private-build (with --sha512), which,
//    like --catalog, --keys and --adoptium-key, warns and is reported in `overrides`;
//  * nothing reaches cache/verified/ before all of that passed, and nothing is reused from it
//    without passing it again (digest, and the signature recorded beside it, against the keys
//    in effect for this run).
#include "fetch/fetch.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/fs.hpp"
#include "core/version.hpp"
#include "fetch/cache.hpp"
#include "fetch/catalog.hpp"
#include "verify/checksum.hpp"
#include "verify/openpgp.hpp"
#include "verify/pinned.hpp"

namespace ka::fetch {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string signer_text(const pgp::Verified& v) {
  return v.fingerprint + (v.user_id.empty() ? "" : " (" + v.user_id + ")");
}

// Removes a .part that failed verification: its bytes are wrong, resuming them is pointless.
void discard(const fs::path& part) {
  std::error_code ec;
  fs::remove(part, ec);
}

class NullSink final : public ByteSink {
 public:
  Status write(const unsigned char*, size_t) override { return ok_status(); }
};

// A trust root replaced by a flag: warned about now, reported in `overrides`.
void override_used(FetchedArtifact& a, std::string what, const std::string& warning) {
  spdlog::warn("{}", warning);
  a.warnings.push_back(warning);
  a.overrides.push_back(std::move(what));
}

// What vouches for a Kafka tarball, known before a byte of it is downloaded.
enum class KafkaRoot { catalog, user, sha512_file };

struct KafkaTarget {
  std::string version, name, index_key;
  const KafkaRelease* rel = nullptr;
  KafkaRoot root = KafkaRoot::catalog;
  std::string expected;  // empty: known only from the .sha512
  FetchedArtifact a;
};

// What a download is checked against, before its first byte arrives.
struct Expectation {
  DigestAlgo algo = DigestAlgo::sha512;
  std::string digest;                       // lower-case hex
  std::string digest_origin;                // shown with the expected digest on a mismatch; may be empty
  std::optional<pgp::Signature> sig;        // checked when present
  std::optional<CachedSignature> sig_file;  // kept beside the file in the cache
  pgp::KeyRing ring;
  // The live Kafka KEYS, for a signer `ring` does not know (catalogued releases only).
  std::optional<std::pair<pgp::KeyRing, std::string>> live;
};

}  // namespace

struct Fetcher::Impl {
  FetchOptions o;
  DownloadEnv env;
  Cache cache;
  std::optional<KafkaCatalog> catalog_;
  std::optional<pgp::KeyRing> adoptium_ring_;
  std::optional<std::string> adoptium_override_;  // "--adoptium-key FILE (FINGERPRINT)" when it replaced the pin

  Impl(FetchOptions opts, DownloadEnv e) : o(std::move(opts)), env(std::move(e)), cache(RootFs(o.root).host_path(o.cache_dir)) {}

  std::string artifact_url(const std::string& name) const {
    return "file://" + (fs::absolute(o.artifacts_dir) / name).string();
  }

  // Sidecar files (.sha512, .asc, KEYS) from --artifacts-dir, then the ASF (never a mirror).
  std::vector<std::string> sidecar_urls(const std::string& dist_path, const std::string& name) const {
    std::vector<std::string> u;
    if (!o.artifacts_dir.empty()) u.push_back(artifact_url(name));
    if (!o.offline)
      for (auto& x : asf_urls(o.asf_url, o.archive_url, dist_path)) u.push_back(std::move(x));
    return u;
  }

  // --- the steps Kafka and Temurin share ---------------------------------------------------

  // Re-checks a cached file under the policy of a download: the digest, and the signature
  // recorded beside it against the keys `keys` gives for the entry. nullopt: not usable from
  // the cache (`why` then says why, when it matters); an error when the recorded signature no
  // longer verifies or the bytes reached `consumer` and were bad. `no_signature` (empty when a
  // digest alone may vouch) is why an entry without a signature is not used.
  using KeysFor = std::function<Result<pgp::KeyRing>(const CacheEntry&)>;
  struct Reused {
    fs::path path;
    std::string signer;  // empty when no signature is on record
  };
  Result<std::optional<Reused>> reuse_verified(DigestAlgo algo, const std::string& expected, const std::string& name,
                                               const std::string& no_signature, const KeysFor& keys,
                                               const std::string& recheck_note, ByteSink* consumer, std::string& why) {
    using Out = std::optional<Reused>;
    KA_TRY(auto entry, cache.lookup(algo, expected, name));
    if (!entry) return Out();
    if (!no_signature.empty() && !entry->signature) {
      why = no_signature;
      return Out();
    }
    std::optional<pgp::SignatureCheck> check;
    std::optional<pgp::KeyRing> ring;
    if (entry->signature) {
      auto s = pgp::parse_signature(entry->signature->text, entry->file.parent_path().string() + "/" + entry->signature->name);
      if (!s.ok()) {
        cache.remove(algo, expected);
        return Error(s.error()).note("the cached copy was removed; run again to download it");
      }
      KA_TRY(ring, keys(*entry));
      check.emplace(std::move(s).value());
    }
    NullSink none;
    std::vector<ByteSink*> sinks;
    if (check) sinks.push_back(&*check);
    sinks.push_back(consumer ? consumer : &none);
    TeeSink tee(sinks);
    KA_TRY(auto hit, cache.reuse(algo, expected, name, &tee, consumer == nullptr));
    if (!hit) return Out();
    if (!check) return Out(Reused{*hit, ""});
    auto v = check->verify(*ring, env.now());
    if (!v.ok()) {
      cache.remove(algo, expected);
      return Error(v.error())
          .note("the cached " + name + " is not trusted any more, so it was removed from the cache")
          .note(recheck_note);
    }
    return Out(Reused{*hit, signer_text(*v)});
  }

  // One pass over the download: the digest, the signature and `consumer` see the same bytes.
  // The .part is discarded when a check fails; otherwise it is committed to the cache with its
  // signature, the index entry `index_key` is written and consumer->finish() is called.
  Status stream_verified(const DownloadJob& job, const std::string& not_found, const Expectation& x,
                         const std::string& index_key, const std::string& index_text, ByteSink* consumer,
                         FetchedArtifact& a) {
    DigestSink digest(x.algo);
    std::optional<pgp::SignatureCheck> check;
    if (x.sig) {
      check.emplace(*x.sig);
      check->share_digest(digest);
    }
    NullSink none;
    std::vector<ByteSink*> sinks{&digest};
    if (check) sinks.push_back(&*check);
    sinks.push_back(consumer ? consumer : &none);
    TeeSink tee(sinks);
    KA_TRY(Downloaded got, download(job, env, tee));
    if (got.not_found) {
      Error e = fail(job.what + not_found);
      for (const auto& f : got.failures) e.note(f);
      return e;
    }
    a.source = redact_url(got.url);
    if (digest.hex() != x.digest) {
      discard(job.part);
      return fail(std::string(x.algo == DigestAlgo::sha512 ? "SHA-512" : "SHA-256") + " mismatch for " + job.what +
                  " from " + a.source)
          .note("expected " + x.digest + (x.digest_origin.empty() ? "" : " (" + x.digest_origin + ")"))
          .note("got      " + digest.hex())
          .note("the download was discarded; nothing was cached");
    }
    bool used_live = false;
    if (check) {
      pgp::KeyRing use = x.ring;
      if (x.live) {  // the digest matched the catalog pin: see the policy above
        use.add(x.live->first);
        use.origin += " and the live KEYS";
      }
      auto v = check->verify(use, env.now());
      if (!v.ok()) {
        discard(job.part);
        return Error(v.error()).note("the download was discarded; nothing was cached");
      }
      a.signer = signer_text(*v);
      used_live = x.live && !x.ring.find(v->fingerprint);
    }
    KA_TRY(fs::path dest, cache.commit(job.part, x.algo, x.digest, job.what, x.sig_file,
                                       used_live ? std::optional<std::string>(x.live->second) : std::nullopt, a.trust,
                                       a.signer));
    a.path = dest.string();
    a.digest = x.digest;
    // Only a pointer for offline runs: what the cached file is trusted by is checked on reuse.
    KA_TRY_STATUS(cache.write_index(index_key, index_text));
    if (consumer) KA_TRY_STATUS(consumer->finish());
    return ok_status();
  }

  // A detached signature from `urls`; nullopt when there is none.
  Result<std::optional<std::pair<pgp::Signature, CachedSignature>>> fetch_signature(const std::string& file,
                                                                                    const std::vector<std::string>& urls,
                                                                                    const std::string& subject) {
    using Out = std::optional<std::pair<pgp::Signature, CachedSignature>>;
    KA_TRY(auto text, download_text(file, urls, env, 1 << 20));
    if (!text) return Out();
    auto s = pgp::parse_signature(*text, file);
    if (!s.ok()) return Error(s.error()).note("the signature of " + subject + " is unreadable: not trusting the download");
    return Out(std::make_pair(std::move(s).value(), CachedSignature{file, std::move(*text)}));
  }

  // --- Kafka -------------------------------------------------------------------------------

  // The live KEYS (ASF, or a KEYS file in --artifacts-dir): only consulted for artifacts whose
  // digest is pinned by the catalog.
  // Returns the keys and the text (kept with the cached release, for its re-check).
  using LiveKeys = std::optional<std::pair<pgp::KeyRing, std::string>>;
  Result<LiveKeys> live_kafka_keys() {
    const std::vector<std::string> urls = sidecar_urls("kafka/KEYS", "KEYS");
    if (urls.empty()) return LiveKeys();
    KA_TRY(auto text, download_text("Kafka KEYS", urls, env));
    if (!text) return LiveKeys();
    auto ring = pgp::parse_keys(*text, "the live Kafka KEYS");
    if (!ring.ok()) return Error(ring.error()).note("the live KEYS could not be read; the pinned KEYS alone did not know the signer");
    return LiveKeys(std::make_pair(std::move(ring).value(), std::move(*text)));
  }

  // The catalog in effect (--catalog FILE or the built-in one), loaded once.
  Result<const KafkaCatalog*> catalog() {
    if (!catalog_) {
      KA_TRY(KafkaCatalog c, KafkaCatalog::select(o.catalog_file));
      catalog_ = std::move(c);
    }
    return &*catalog_;
  }

  // --sha512, normalized and checked against the catalog; empty when not given.
  Result<std::string> user_kafka_digest(const KafkaRelease* rel, const std::string& version) const {
    if (o.private_build && o.sha512.empty())
      return bad_input("--private-build needs --sha512 HEX").note("a private build is trusted by the digest you pin, nothing else");
    if (o.sha512.empty()) return std::string();
    KA_TRY(std::string user_sha, normalize_hex_digest(o.sha512, DigestAlgo::sha512, "--sha512"));
    if (rel && user_sha != rel->sha512 && !o.private_build)
      return bad_input("--sha512 does not match the catalogued digest of Kafka " + version)
          .note("catalog: " + rel->sha512)
          .note("drop --sha512 for the released tarball; for a private build of " + version +
                " pass --private-build --sha512 HEX");
    return user_sha;
  }

  // An uncatalogued version verified by an earlier run: the index says where to look; the
  // signature recorded with the file is what is trusted, checked again on reuse.
  Result<std::string> indexed_kafka_digest(const KafkaTarget& t) const {
    KA_TRY(auto idx, cache.read_index(t.index_key));
    if (!idx) return std::string();
    json j = json::parse(*idx, nullptr, false);
    if (!j.is_object() || j.value("name", "") != t.name) return std::string();
    std::string h = j.value("sha512", "");
    return normalize_hex_digest(h, DigestAlgo::sha512, "the cache index").ok() ? h : std::string();
  }

  // The version, the file and what vouches for its bytes.
  Result<KafkaTarget> kafka_target(const KafkaCatalog& cat) const {
    KafkaTarget t;
    t.version = o.kafka_version.empty() ? cat.default_version() : o.kafka_version;
    if (!KafkaVersion::parse(t.version).ok())
      return bad_input("--kafka-version " + t.version + ": not a Kafka version").note("expected MAJOR.MINOR.PATCH, e.g. " + cat.default_version());
    t.rel = cat.find(t.version);
    const std::string scala = t.rel ? t.rel->scala : "2.13";
    t.name = "kafka_" + scala + "-" + t.version + ".tgz";
    t.index_key = "kafka_" + scala + "-" + t.version;
    FetchedArtifact& a = t.a;
    a.what = "Kafka " + t.version;
    a.version = t.version;
    a.name = t.name;
    a.algo = "sha512";
    if (!cat.is_builtin()) override_used(a, cat.origin(), "trusting " + cat.origin() + " instead of the built-in Kafka catalog");
    KA_TRY(std::string user_sha, user_kafka_digest(t.rel, t.version));
    if (o.private_build) {
      t.expected = user_sha;
      t.root = KafkaRoot::user;
      a.trust = "--private-build --sha512";
      override_used(a, "--private-build",
                    "--private-build: trusting " + t.name + " by the --sha512 you gave" +
                        (t.rel ? " instead of the digest the catalog pins for Kafka " + t.version : std::string()));
    } else if (t.rel) {
      t.expected = t.rel->sha512;
      t.root = KafkaRoot::catalog;
      a.trust = cat.is_builtin() ? "catalog" : "--catalog";
    } else if (!user_sha.empty()) {
      t.expected = user_sha;
      t.root = KafkaRoot::user;
      a.trust = "--sha512";
    } else {
      t.root = KafkaRoot::sha512_file;
      a.trust = ".sha512 + signature";
      KA_TRY(t.expected, indexed_kafka_digest(t));
    }
    return t;
  }

  // The cached tarball, when it passes the checks a download would.
  Result<bool> kafka_from_cache(KafkaTarget& t, const pgp::KeyRing& ring, ByteSink* consumer, std::string& why) {
    const bool live_ok = t.root == KafkaRoot::catalog;
    auto keys = [&](const CacheEntry& e) -> Result<pgp::KeyRing> {
      pgp::KeyRing use = ring;
      if (live_ok && e.live_keys) {  // a catalogued release: the live KEYS may vouch, as on download
        auto live = pgp::parse_keys(*e.live_keys, "the live KEYS kept with the cached release");
        if (live.ok()) {
          use.add(*live);
          use.origin += " and the live KEYS kept with the cached release";
        }
      }
      return use;
    };
    const std::string no_sig = t.root != KafkaRoot::sha512_file ? std::string()
        : "the cached " + t.name + " has no signature on record (it was fetched with --sha512 alone), and an "
          "uncatalogued version without --sha512 needs a good signature";
    KA_TRY(auto hit, reuse_verified(DigestAlgo::sha512, t.expected, t.name, no_sig, keys,
                                    "a download is checked the same way: check --keys and the signing key's status",
                                    consumer, why));
    if (!hit) return false;
    t.a.path = hit->path.string();
    t.a.digest = t.expected;
    t.a.signer = hit->signer;
    t.a.from_cache = true;
    t.a.source = "cache";
    if (consumer) KA_TRY_STATUS(consumer->finish());
    return true;
  }

  // The digest from the .sha512 beside the tarball, for an uncatalogued version.
  Result<std::string> kafka_sha512_file(const KafkaTarget& t, const KafkaCatalog& cat) {
    KA_TRY(auto text, download_text(t.name + ".sha512", sidecar_urls(kafka_dist_path(t.version, t.name + ".sha512"), t.name + ".sha512"), env));
    if (!text)
      return fail("Kafka " + t.version + " is not in the catalog and no " + t.name + ".sha512 was found")
          .note("catalogued releases: " + cat.releases().front().version + " to " + cat.releases().back().version)
          .note("for a private build, pin its digest with --sha512 HEX (and its signer with --keys FILE)");
    return parse_sha512_file(*text, t.name);
  }

  // The .asc, when it can be had (required for an uncatalogued release without --sha512), and
  // the live KEYS when the pinned ones do not know its signer.
  Status kafka_signature(KafkaTarget& t, Expectation& x) {
    const std::string file = t.name + ".asc";
    KA_TRY(auto sig, fetch_signature(file, sidecar_urls(kafka_dist_path(t.version, file), file), t.name));
    if (!sig) {
      if (t.root == KafkaRoot::sha512_file)
        return fail("no signature " + file + " for Kafka " + t.version + ", which is not in the catalog")
            .note("an uncatalogued release needs a good signature, or its digest pinned with --sha512 HEX");
      t.a.warnings.push_back("no " + file + " found: relying on the " + t.a.trust + " digest alone");
      spdlog::warn("{}", t.a.warnings.back());
      return ok_status();
    }
    x.sig = std::move(sig->first);
    x.sig_file = std::move(sig->second);
    const std::string issuer = !x.sig->issuer_fingerprint.empty() ? x.sig->issuer_fingerprint : x.sig->issuer_key_id;
    if (t.root == KafkaRoot::catalog && !x.ring.find(issuer)) {
      KA_TRY(x.live, live_kafka_keys());
    }
    return ok_status();
  }

  Result<FetchedArtifact> kafka(ByteSink* consumer) {
    KA_TRY(const KafkaCatalog* cat, catalog());
    KA_TRY(KafkaTarget t, kafka_target(*cat));
    Expectation x;
    x.digest_origin = t.a.trust;
    KA_TRY(x.ring, pgp::kafka_keys_with(o.key_files));
    for (const auto& f : o.key_files)
      override_used(t.a, "--keys " + f, "trusting the Kafka release keys in --keys " + f + " besides the pinned KEYS");
    std::string cache_miss_why;
    if (!t.expected.empty()) {
      KA_TRY(bool hit, kafka_from_cache(t, x.ring, consumer, cache_miss_why));
      if (hit) return t.a;
    }
    if (o.offline && o.artifacts_dir.empty()) {
      Error e = fail("--offline: " + t.name + " (Kafka " + t.version + ") is not in the cache " + cache.dir().string());
      if (!cache_miss_why.empty()) e.note(cache_miss_why);
      return std::move(e)
          .note("run `kafka-appliance fetch` once with network access, or")
          .note("pass --artifacts-dir DIR holding " + t.name + ", " + t.name + ".sha512 and " + t.name + ".asc");
    }
    if (!cache_miss_why.empty()) spdlog::info("{}: downloading it again", cache_miss_why);
    KA_TRY_STATUS(cache.prepare());
    if (t.expected.empty() || t.root == KafkaRoot::sha512_file) {
      KA_TRY(t.expected, kafka_sha512_file(t, *cat));
    }
    x.digest = t.expected;
    KA_TRY_STATUS(kafka_signature(t, x));

    std::vector<std::string> urls;
    if (!o.artifacts_dir.empty()) urls.push_back(artifact_url(t.name));
    if (!o.offline)
      for (auto& u : kafka_tarball_urls(o.mirrors, o.asf_url, o.archive_url, t.version, t.name)) urls.push_back(std::move(u));
    const DownloadJob job{t.name, urls, cache.part_file(DigestAlgo::sha512, t.expected), 0};
    const json idx = {{"name", t.name}, {"version", t.version}, {"sha512", t.expected}};
    KA_TRY_STATUS(stream_verified(job, " was not found at any source", x, t.index_key, idx.dump(2) + "\n", consumer, t.a));
    return t.a;
  }

  // --- Temurin ---------------------------------------------------------------------------
  // The key Temurin's .sig must be made by: the pinned Adoptium key (from the cache or the key
  // server, accepted only with the pinned fingerprint), or the key in --adoptium-key FILE.
  Result<pgp::KeyRing> adoptium_key() {
    if (adoptium_ring_) return *adoptium_ring_;
    const std::string& fpr = pgp::pinned_adoptium_fingerprint();
    auto pick = [&](const std::string& text, const std::string& origin) -> Result<pgp::KeyRing> {
      auto r = pgp::accept_key_with_fingerprint(text, fpr, origin);
      if (!r.ok()) return Error(r.error()).note("the Adoptium key is pinned by fingerprint; a key with another fingerprint is not accepted");
      return r;
    };
    if (!o.adoptium_key_file.empty()) {
      const std::string origin = "--adoptium-key " + o.adoptium_key_file;
      KA_TRY(std::string text, read_named_file(o.adoptium_key_file, "--adoptium-key"));
      KA_TRY(pgp::KeyRing all, pgp::parse_keys(text, origin));
      if (all.find(fpr)) {  // a copy of the pinned key: nothing is overridden
        KA_TRY(adoptium_ring_, pick(text, origin));
        return *adoptium_ring_;
      }
      std::vector<std::string> primaries;
      for (const auto& k : all.keys)
        if (k.primary_fingerprint.empty()) primaries.push_back(k.fingerprint);
      if (primaries.empty()) return bad_input(origin + ": no usable key in it (RSA or Ed25519, OpenPGP v4)");
      if (primaries.size() > 1)
        return bad_input(origin + ": holds " + std::to_string(primaries.size()) + " keys")
            .note("give a file with exactly the one key to trust for Temurin instead of the pinned Adoptium key");
      all.origin = origin;
      adoptium_override_ = origin + " (" + primaries.front() + ")";
      spdlog::warn("trusting {} for Temurin instead of the pinned Adoptium key {}", *adoptium_override_, fpr);
      adoptium_ring_ = std::move(all);
      return *adoptium_ring_;
    }
    KA_TRY_STATUS(cache.check_safe());
    const fs::path cached = cache.key_file("adoptium-" + fpr + ".asc");
    std::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(cached, ec))) {
      KA_TRY(std::string text, read_named_file(cached, "the cached Adoptium key"));
      auto r = pick(text, cached.string());
      if (r.ok()) {
        adoptium_ring_ = std::move(r).value();
        return *adoptium_ring_;
      }
    }
    if (o.offline)
      return fail("--offline: the Adoptium signing key is not in the cache").note("pass --adoptium-key FILE (fingerprint " + fpr + ")");
    KA_TRY(auto text, download_text("the Adoptium key", {o.adoptium_key_url}, env, 1 << 20));
    if (!text)
      return fail("the key server has no Adoptium key at " + redact_url(o.adoptium_key_url)).note("pass --adoptium-key FILE");
    KA_TRY(pgp::KeyRing ring, pick(*text, redact_url(o.adoptium_key_url)));
    KA_TRY_STATUS(cache.prepare());
    auto w = write_file_atomic(cached, *text, 0644, Owner{geteuid(), getegid()});
    if (!w.ok()) return std::move(w).error();
    adoptium_ring_ = ring;
    return ring;
  }

  Result<JavaRequest> java_request() const {
    JavaRequest r;
    r.java = o.java;
    r.image = o.java_image;
    if (o.arch.empty()) {
      struct utsname u {};
      uname(&u);
      KA_TRY(r.arch, adoptium_arch(u.machine));
    } else {
      KA_TRY(r.arch, adoptium_arch(o.arch));
    }
    KA_TRY_STATUS(check_java_request(r));
    return r;
  }

  Result<std::optional<TemurinPackage>> from_index(const std::string& key) const {
    KA_TRY(auto idx, cache.read_index(key));
    if (!idx) return std::optional<TemurinPackage>();
    json j = json::parse(*idx, nullptr, false);
    if (!j.is_object()) return std::optional<TemurinPackage>();
    TemurinPackage p;
    p.release_name = j.value("release_name", "");
    p.name = j.value("name", "");
    p.sha256 = j.value("sha256", "");
    p.link = j.value("link", "");
    if (p.name.empty() || p.sha256.size() != 64) return std::optional<TemurinPackage>();
    return std::optional<TemurinPackage>(p);
  }

  // --artifacts-dir for Temurin: the newest OpenJDK<feature>U-<image>_<arch>_linux_hotspot_*.tar.gz
  // with its .sha256.txt and .sig beside it.
  Result<std::optional<TemurinPackage>> from_artifacts_dir(const JavaRequest& r) const {
    if (o.artifacts_dir.empty()) return std::optional<TemurinPackage>();
    std::string prefix = is_java_feature_version(r.java) ? "OpenJDK" + r.java + "U-" + r.image + "_" + r.arch + "_linux_hotspot_"
                                                          : "";
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(o.artifacts_dir, ec)) {
      std::string n = e.path().filename().string();
      if (prefix.empty() || n.rfind(prefix, 0) != 0 || n.size() < 7 || n.substr(n.size() - 7) != ".tar.gz") continue;
      names.push_back(n);
    }
    if (names.empty()) return std::optional<TemurinPackage>();
    std::sort(names.begin(), names.end());
    TemurinPackage p;
    p.name = names.back();
    p.release_name = p.name;
    p.link = artifact_url(p.name);
    p.checksum_link = artifact_url(p.name + ".sha256.txt");
    p.signature_link = artifact_url(p.name + ".sig");
    return std::optional<TemurinPackage>(p);
  }

  // A cached JDK is checked as a download is: its digest, and the .sig recorded with it
  // against the Adoptium key in effect now. The index only says which file to look at.
  Result<std::optional<FetchedArtifact>> java_from_cache(const TemurinPackage& p, FetchedArtifact a, ByteSink* consumer,
                                                         std::string& why) {
    auto keys = [this](const CacheEntry&) { return adoptium_key(); };
    KA_TRY(auto hit, reuse_verified(DigestAlgo::sha256, p.sha256, p.name,
                                    "the cached " + p.name + " has no signature on record: not trusting it", keys,
                                    "a download is checked the same way", consumer, why));
    if (!hit) return std::optional<FetchedArtifact>();
    a.what = "Temurin " + p.release_name;
    a.version = p.release_name;
    a.name = p.name;
    a.path = hit->path.string();
    a.digest = p.sha256;
    a.signer = hit->signer;
    a.from_cache = true;
    a.source = "cache";
    if (adoptium_override_) a.overrides = {*adoptium_override_};
    if (consumer) KA_TRY_STATUS(consumer->finish());
    return std::optional<FetchedArtifact>(a);
  }

  // Which Temurin package: a resolution kept from an earlier run (unless --refresh), the
  // Adoptium API, or offline the newest matching file in --artifacts-dir. `hit` when the cache
  // already holds it, verified and streamed into `consumer`.
  struct JavaChoice {
    std::optional<TemurinPackage> pkg;
    bool api_checksum = true;  // the API named the digest (else only the .sha256.txt does)
    std::optional<FetchedArtifact> hit;
  };
  Result<JavaChoice> choose_java(const JavaRequest& req, const std::string& key, const FetchedArtifact& a,
                                 ByteSink* consumer, std::string& why) {
    JavaChoice c;
    if (!o.refresh || o.offline) {
      KA_TRY(c.pkg, from_index(key));
      if (c.pkg) {
        KA_TRY(c.hit, java_from_cache(*c.pkg, a, consumer, why));
        if (c.hit) return c;
      }
    }
    if (o.offline) {
      KA_TRY(c.pkg, from_artifacts_dir(req));
      c.api_checksum = false;
      if (!c.pkg)
        return fail("--offline: no Temurin " + req.java + " " + req.image + " for " + req.arch + " in the cache " + cache.dir().string())
            .note(why.empty() ? "nothing usable is cached" : why)
            .note("run `kafka-appliance fetch` once with network access, or")
            .note("pass --artifacts-dir DIR holding OpenJDK" + req.java + "U-" + req.image + "_" + req.arch +
                  "_linux_hotspot_*.tar.gz with its .sha256.txt and .sig, or use --java system");
      return c;
    }
    const std::string api = adoptium_query_url(o.adoptium_api_url, req);
    KA_TRY(auto text, download_text("the Adoptium API answer", {api}, env));
    if (!text)
      return fail("the Adoptium API knows no Temurin " + req.java + " " + req.image + " for linux/" + req.arch)
          .note(redact_url(api) + ": not found")
          .note("check --java (17, 21, 25 or a release name such as jdk-21.0.5+11)");
    KA_TRY(TemurinPackage p, parse_adoptium_assets(*text, req, redact_url(api)));
    c.pkg = p;
    KA_TRY(c.hit, java_from_cache(p, a, consumer, why));
    if (c.hit) KA_TRY_STATUS(write_java_index(key, p));
    return c;
  }

  // The .sha256.txt beside the package: it must agree with the API, or (offline) it is the digest.
  Status java_checksum(TemurinPackage& p, bool api_checksum, FetchedArtifact& a) {
    if (p.checksum_link.empty() || p.signature_link.empty())
      return fail("the Adoptium API gives no checksum or signature link for " + p.name).note("not trusting an unsigned JDK");
    KA_TRY(auto sumtext, download_text(p.name + ".sha256.txt", {p.checksum_link}, env));
    if (!sumtext) return fail("no " + p.name + ".sha256.txt at " + redact_url(p.checksum_link));
    KA_TRY(std::string sum, parse_sha256_file(*sumtext, p.name));
    if (!api_checksum) {
      p.sha256 = sum;
      a.trust = ".sha256.txt + signature";
    } else if (sum != p.sha256) {
      return fail("the SHA-256 of " + p.name + " differs between the Adoptium API and " + redact_url(p.checksum_link))
          .note("API:         " + p.sha256)
          .note(".sha256.txt: " + sum)
          .note("nothing was downloaded; try again later or pin another release with --java jdk-...");
    }
    return ok_status();
  }

  Result<std::optional<FetchedArtifact>> java(ByteSink* consumer) {
    if (o.java == "system") return std::optional<FetchedArtifact>();
    KA_TRY(JavaRequest req, java_request());
    const std::string key = "temurin-" + req.java + "-" + req.image + "-" + req.arch;
    FetchedArtifact a;
    a.algo = "sha256";
    a.trust = "Adoptium API + .sha256.txt + signature";
    std::string cache_miss_why;
    KA_TRY(JavaChoice c, choose_java(req, key, a, consumer, cache_miss_why));
    if (c.hit) return c.hit;
    TemurinPackage& pkg = *c.pkg;
    a.what = "Temurin " + pkg.release_name;
    a.version = pkg.release_name;
    a.name = pkg.name;
    KA_TRY_STATUS(cache.prepare());
    KA_TRY_STATUS(java_checksum(pkg, c.api_checksum, a));
    if (!c.api_checksum) {  // the digest is only known now
      KA_TRY(auto hit, java_from_cache(pkg, a, consumer, cache_miss_why));
      if (hit) return hit;
    }
    Expectation x;
    x.algo = DigestAlgo::sha256;
    x.digest = pkg.sha256;
    KA_TRY(auto sig, fetch_signature(pkg.name + ".sig", {pkg.signature_link}, pkg.name));
    if (!sig) return fail("no signature " + pkg.name + ".sig at " + redact_url(pkg.signature_link)).note("not trusting an unsigned JDK");
    x.sig = std::move(sig->first);
    x.sig_file = std::move(sig->second);
    KA_TRY(x.ring, adoptium_key());
    if (adoptium_override_) a.overrides = {*adoptium_override_};
    const DownloadJob job{pkg.name, {pkg.link}, cache.part_file(DigestAlgo::sha256, pkg.sha256), pkg.size};
    KA_TRY_STATUS(stream_verified(job, " was not found", x, key, java_index_text(pkg), consumer, a));
    return std::optional<FetchedArtifact>(a);
  }

  static std::string java_index_text(const TemurinPackage& p) {
    json j = {{"release_name", p.release_name}, {"name", p.name}, {"sha256", p.sha256}, {"link", redact_url(p.link)}};
    return j.dump(2) + "\n";
  }
  Status write_java_index(const std::string& key, const TemurinPackage& p) const {
    return cache.write_index(key, java_index_text(p));
  }
};

Fetcher::Fetcher(FetchOptions opts, DownloadEnv env) : impl_(std::make_unique<Impl>(std::move(opts), std::move(env))) {}
Fetcher::~Fetcher() = default;
Result<FetchedArtifact> Fetcher::fetch_kafka(ByteSink* consumer) { return impl_->kafka(consumer); }
Result<std::optional<FetchedArtifact>> Fetcher::fetch_java(ByteSink* consumer) { return impl_->java(consumer); }

Result<FetchResult> run_fetch(const FetchOptions& opts, const DownloadEnv& env) {
  if (!opts.artifacts_dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(opts.artifacts_dir, ec))
      return bad_input("--artifacts-dir " + opts.artifacts_dir + ": not a directory").note("name the directory holding the tarball, .sha512 and .asc");
  }
  for (const auto& m : opts.mirrors)
    if (!is_network_url(m)) return bad_input("--mirror " + redact_url(m) + ": expected an http:// or https:// URL");
  Fetcher f(opts, env);
  FetchResult r;
  KA_TRY(r.kafka, f.fetch_kafka(nullptr));
  KA_TRY(r.java, f.fetch_java(nullptr));
  return r;
}

namespace {
json artifact_json(const FetchedArtifact& a) {
  return {{"what", a.what},         {"version", a.version}, {"name", a.name},     {"path", a.path},
          {"algorithm", a.algo},    {"digest", a.digest},   {"trust", a.trust},   {"signer", a.signer},
          {"from_cache", a.from_cache}, {"source", a.source}, {"warnings", a.warnings}, {"overrides", a.overrides}};
}
std::string artifact_line(const char* label, const FetchedArtifact& a) {
  std::string s = std::string(label) + ": " + a.path + "\n";
  s += "  " + a.what + ", " + a.algo + " " + a.digest.substr(0, 16) + "... (" + a.trust + ")";
  s += a.from_cache ? ", used the cache\n" : ", downloaded from " + a.source + "\n";
  if (!a.signer.empty()) s += "  signed by " + a.signer + "\n";
  for (const auto& x : a.overrides) s += "  trust override: " + x + "\n";
  return s;
}
}  // namespace

std::string format_fetch_result(const FetchResult& r, bool as_json) {
  if (as_json) {
    json j = {{"kafka", artifact_json(r.kafka)}, {"java", r.java ? artifact_json(*r.java) : json("system")}};
    return j.dump(2) + "\n";
  }
  std::string s = artifact_line("kafka", r.kafka);
  s += r.java ? artifact_line("java", *r.java) : "java: system (none fetched)\n";
  return s;
}

}  // namespace ka::fetch

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

Result<std::string> read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return bad_input("cannot read " + what + " " + path + ": " + errno_text(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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

}  // namespace

struct Fetcher::Impl {
  FetchOptions o;
  std::unique_ptr<Http> http;
  std::unique_ptr<Progress> progress;
  DownloadEnv env;
  Cache cache;
  std::optional<KafkaCatalog> catalog_;
  std::optional<pgp::KeyRing> adoptium_ring_;
  std::optional<std::string> adoptium_override_;  // "--adoptium-key FILE (FINGERPRINT)" when it replaced the pin

  Impl(FetchOptions opts, std::unique_ptr<Http> h)
      : o(std::move(opts)),
        http(h ? std::move(h) : make_http(o.http)),
        progress(make_progress(isatty(STDERR_FILENO) == 1, o.quiet)),
        env(default_download_env(http.get(), progress.get())),
        cache(RootFs(o.root).host_path(o.cache_dir)) {}

  std::string artifact_url(const std::string& name) const {
    return "file://" + (fs::absolute(o.artifacts_dir) / name).string();
  }

  // Sidecar files (.sha512, .asc, KEYS) from --artifacts-dir, then the ASF (never a mirror).
  std::vector<std::string> sidecar_urls(const std::string& version, const std::string& name) const {
    std::vector<std::string> u;
    if (!o.artifacts_dir.empty()) u.push_back(artifact_url(name));
    if (!o.offline)
      for (auto& x : asf_urls(o.asf_url, o.archive_url, kafka_dist_path(version, name))) u.push_back(std::move(x));
    return u;
  }

  Result<pgp::KeyRing> trusted_kafka_keys() const {
    pgp::KeyRing ring = pgp::pinned_kafka_keys();
    for (const auto& f : o.key_files) {
      KA_TRY(std::string text, read_text_file(f, "--keys"));
      auto extra = pgp::parse_keys(text, f);
      if (!extra.ok()) return Error(extra.error()).note("--keys " + f + " must be an armored KEYS file or key block");
      if (extra->keys.empty()) return bad_input("--keys " + f + ": no usable key in it (RSA or Ed25519, OpenPGP v4)");
      ring.add(*extra);
    }
    // Messages name every source of trust, not only the pinned one.
    for (size_t i = 0; i < o.key_files.size(); ++i) ring.origin += (i ? ", " : " and --keys ") + o.key_files[i];
    return ring;
  }

  // The live KEYS (ASF, or a KEYS file in --artifacts-dir): only consulted for artifacts whose
  // digest is pinned by the catalog.
  // Returns the keys and the text (kept with the cached release, for its re-check).
  using LiveKeys = std::optional<std::pair<pgp::KeyRing, std::string>>;
  Result<LiveKeys> live_kafka_keys() {
    std::vector<std::string> urls;
    if (!o.artifacts_dir.empty()) urls.push_back(artifact_url("KEYS"));
    if (!o.offline)
      for (auto& x : asf_urls(o.asf_url, o.archive_url, "kafka/KEYS")) urls.push_back(std::move(x));
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

  // Re-checks a cached Kafka tarball under the policy of a download: the digest, and the
  // signature recorded beside it against the keys in effect now. nullopt: not usable from the
  // cache (`why` then says why); an error when the recorded signature no longer verifies or the
  // bytes reached `consumer` and were bad.
  Result<std::optional<std::string>> reuse_kafka(const std::string& expected, const std::string& name, bool need_sig,
                                                 bool live_ok, const pgp::KeyRing& ring, ByteSink* consumer,
                                                 std::string& why) {
    using Out = std::optional<std::string>;
    KA_TRY(auto entry, cache.lookup(DigestAlgo::sha512, expected, name));
    if (!entry) return Out();
    if (need_sig && !entry->signature) {
      why = "the cached " + name + " has no signature on record (it was fetched with --sha512 alone), and an "
            "uncatalogued version without --sha512 needs a good signature";
      return Out();
    }
    std::optional<pgp::SignatureCheck> check;
    if (entry->signature) {
      auto s = pgp::parse_signature(entry->signature->text, entry->file.parent_path().string() + "/" + entry->signature->name);
      if (!s.ok()) {
        cache.remove(DigestAlgo::sha512, expected);
        return Error(s.error()).note("the cached copy was removed; run again to download it");
      }
      check.emplace(std::move(s).value());
    }
    NullSink none;
    std::vector<ByteSink*> sinks;
    if (check) sinks.push_back(&*check);
    sinks.push_back(consumer ? consumer : &none);
    TeeSink tee(sinks);
    KA_TRY(auto hit, cache.reuse(DigestAlgo::sha512, expected, name, &tee, consumer == nullptr));
    if (!hit) return Out();
    if (!check) return Out(std::string());
    pgp::KeyRing use = ring;
    if (live_ok && entry->live_keys) {  // a catalogued release: the live KEYS may vouch, as on download
      auto live = pgp::parse_keys(*entry->live_keys, "the live KEYS kept with the cached release");
      if (live.ok()) {
        use.add(*live);
        use.origin += " and the live KEYS kept with the cached release";
      }
    }
    auto v = check->verify(use, std::time(nullptr));
    if (!v.ok()) {
      cache.remove(DigestAlgo::sha512, expected);
      return Error(v.error())
          .note("the cached " + name + " is not trusted any more, so it was removed from the cache")
          .note("a download is checked the same way: check --keys and the signing key's status");
    }
    return Out(signer_text(*v));
  }

  Result<FetchedArtifact> kafka(ByteSink* consumer) {
    KA_TRY(const KafkaCatalog* cat, catalog());
    const std::string version = o.kafka_version.empty() ? cat->default_version() : o.kafka_version;
    if (!KafkaVersion::parse(version).ok())
      return bad_input("--kafka-version " + version + ": not a Kafka version").note("expected MAJOR.MINOR.PATCH, e.g. " + cat->default_version());
    const KafkaRelease* rel = cat->find(version);
    const std::string scala = rel ? rel->scala : "2.13";
    const std::string name = "kafka_" + scala + "-" + version + ".tgz";
    FetchedArtifact a;
    a.what = "Kafka " + version;
    a.version = version;
    a.name = name;
    a.algo = "sha512";
    auto override_used = [&a](std::string what, const std::string& warning) {
      spdlog::warn("{}", warning);
      a.warnings.push_back(warning);
      a.overrides.push_back(std::move(what));
    };
    if (!cat->is_builtin())
      override_used(cat->origin(), "trusting " + cat->origin() + " instead of the built-in Kafka catalog");

    std::string user_sha;
    if (o.private_build && o.sha512.empty())
      return bad_input("--private-build needs --sha512 HEX").note("a private build is trusted by the digest you pin, nothing else");
    if (!o.sha512.empty()) {
      KA_TRY(user_sha, normalize_hex_digest(o.sha512, DigestAlgo::sha512, "--sha512"));
      if (rel && user_sha != rel->sha512 && !o.private_build)
        return bad_input("--sha512 does not match the catalogued digest of Kafka " + version)
            .note("catalog: " + rel->sha512)
            .note("drop --sha512 for the released tarball; for a private build of " + version +
                  " pass --private-build --sha512 HEX");
    }

    // What vouches for the bytes, known before a byte is downloaded.
    std::string expected;
    enum class Root { catalog, user, sha512_file } root;
    const std::string index_key = "kafka_" + scala + "-" + version;
    if (o.private_build) {
      expected = user_sha;
      root = Root::user;
      a.trust = "--private-build --sha512";
      override_used("--private-build",
                    "--private-build: trusting " + name + " by the --sha512 you gave" +
                        (rel ? " instead of the digest the catalog pins for Kafka " + version : std::string()));
    } else if (rel) {
      expected = rel->sha512;
      root = Root::catalog;
      a.trust = cat->is_builtin() ? "catalog" : "--catalog";
    } else if (!user_sha.empty()) {
      expected = user_sha;
      root = Root::user;
      a.trust = "--sha512";
    } else {
      root = Root::sha512_file;
      a.trust = ".sha512 + signature";
      // An uncatalogued version verified by an earlier run: the index says where to look; the
      // signature recorded with the file is what is trusted, checked again below.
      KA_TRY(auto idx, cache.read_index(index_key));
      if (idx) {
        json j = json::parse(*idx, nullptr, false);
        if (j.is_object() && j.value("name", "") == name) {
          std::string h = j.value("sha512", "");
          if (normalize_hex_digest(h, DigestAlgo::sha512, "the cache index").ok()) expected = h;
        }
      }
    }
    KA_TRY(pgp::KeyRing ring, trusted_kafka_keys());
    for (const auto& f : o.key_files) override_used("--keys " + f, "trusting the Kafka release keys in --keys " + f + " besides the pinned KEYS");
    std::string cache_miss_why;
    if (!expected.empty()) {
      KA_TRY(auto signer, reuse_kafka(expected, name, root == Root::sha512_file, root == Root::catalog, ring, consumer,
                                      cache_miss_why));
      if (signer) {
        a.path = cache.verified_file(DigestAlgo::sha512, expected, name).string();
        a.digest = expected;
        a.signer = *signer;
        a.from_cache = true;
        a.source = "cache";
        if (consumer) KA_TRY_STATUS(consumer->finish());
        return a;
      }
    }
    if (o.offline && o.artifacts_dir.empty()) {
      Error e = fail("--offline: " + name + " (Kafka " + version + ") is not in the cache " + cache.dir().string());
      if (!cache_miss_why.empty()) e.note(cache_miss_why);
      return std::move(e)
          .note("run `kafka-appliance fetch` once with network access, or")
          .note("pass --artifacts-dir DIR holding " + name + ", " + name + ".sha512 and " + name + ".asc");
    }
    if (!cache_miss_why.empty()) spdlog::info("{}: downloading it again", cache_miss_why);
    KA_TRY_STATUS(cache.prepare());

    if (expected.empty() || root == Root::sha512_file) {
      KA_TRY(auto text, download_text(name + ".sha512", sidecar_urls(version, name + ".sha512"), env));
      if (!text)
        return fail("Kafka " + version + " is not in the catalog and no " + name + ".sha512 was found")
            .note("catalogued releases: " + cat->releases().front().version + " to " + cat->releases().back().version)
            .note("for a private build, pin its digest with --sha512 HEX (and its signer with --keys FILE)");
      auto parsed = parse_sha512_file(*text, name);
      if (!parsed.ok()) return std::move(parsed).error();
      expected = *parsed;
    }

    // The signature, when it can be had.
    std::optional<pgp::Signature> sig;
    std::optional<CachedSignature> sig_file;
    {
      KA_TRY(auto asc, download_text(name + ".asc", sidecar_urls(version, name + ".asc"), env, 1 << 20));
      if (asc) {
        auto s = pgp::parse_signature(*asc, name + ".asc");
        if (!s.ok()) return Error(s.error()).note("the signature of " + name + " is unreadable: not trusting the download");
        sig = std::move(s).value();
        sig_file = CachedSignature{name + ".asc", *asc};
      } else if (root == Root::sha512_file) {
        return fail("no signature " + name + ".asc for Kafka " + version + ", which is not in the catalog")
            .note("an uncatalogued release needs a good signature, or its digest pinned with --sha512 HEX");
      } else {
        a.warnings.push_back("no " + name + ".asc found: relying on the " + a.trust + " digest alone");
        spdlog::warn("{}", a.warnings.back());
      }
    }
    std::optional<pgp::KeyRing> live;
    std::optional<std::string> live_text;
    if (sig && root == Root::catalog) {
      const std::string issuer = !sig->issuer_fingerprint.empty() ? sig->issuer_fingerprint : sig->issuer_key_id;
      if (!ring.find(issuer)) {
        KA_TRY(auto lk, live_kafka_keys());
        if (lk) {
          live = std::move(lk->first);
          live_text = std::move(lk->second);
        }
      }
    }

    // One pass: digest, signature and the consumer see the same bytes.
    DigestSink digest(DigestAlgo::sha512);
    std::optional<pgp::SignatureCheck> check;
    if (sig) {
      check.emplace(*sig);
      check->share_digest(digest);
    }
    NullSink none;
    std::vector<ByteSink*> sinks{&digest};
    if (check) sinks.push_back(&*check);
    sinks.push_back(consumer ? consumer : &none);
    TeeSink tee(sinks);

    std::vector<std::string> urls;
    if (!o.artifacts_dir.empty()) urls.push_back(artifact_url(name));
    if (!o.offline)
      for (auto& u : kafka_tarball_urls(o.mirrors, o.asf_url, o.archive_url, version, name)) urls.push_back(std::move(u));
    const fs::path part = cache.part_file(DigestAlgo::sha512, expected);
    KA_TRY(Downloaded got, download(DownloadJob{name, urls, part, 0}, env, tee));
    if (got.not_found) {
      Error e = fail(name + " was not found at any source");
      for (const auto& f : got.failures) e.note(f);
      return e;
    }
    a.source = redact_url(got.url);
    if (digest.hex() != expected) {
      discard(part);
      return fail("SHA-512 mismatch for " + name + " from " + a.source)
          .note("expected " + expected + " (" + a.trust + ")")
          .note("got      " + digest.hex())
          .note("the download was discarded; nothing was cached");
    }
    bool used_live = false;
    if (check) {
      pgp::KeyRing use = ring;
      if (live) {  // the digest matched the catalog pin: see the policy above
        use.add(*live);
        use.origin += " and the live KEYS";
      }
      auto v = check->verify(use, std::time(nullptr));
      if (!v.ok()) {
        discard(part);
        return Error(v.error()).note("the download was discarded; nothing was cached");
      }
      a.signer = signer_text(*v);
      used_live = live && !ring.find(v->fingerprint);
    }
    KA_TRY(fs::path dest, cache.commit(part, DigestAlgo::sha512, expected, name, sig_file,
                                       used_live ? live_text : std::nullopt, a.trust, a.signer));
    a.path = dest.string();
    a.digest = expected;
    // Only a pointer for offline runs: what the cached file is trusted by is checked on reuse.
    json idx = {{"name", name}, {"version", version}, {"sha512", expected}};
    KA_TRY_STATUS(cache.write_index(index_key, idx.dump(2) + "\n"));
    if (consumer) KA_TRY_STATUS(consumer->finish());
    return a;
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
      KA_TRY(std::string text, read_text_file(o.adoptium_key_file, "--adoptium-key"));
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
      KA_TRY(std::string text, read_text_file(cached.string(), "the cached Adoptium key"));
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

  Result<std::optional<FetchedArtifact>> java(ByteSink* consumer) {
    if (o.java == "system") return std::optional<FetchedArtifact>();
    KA_TRY(JavaRequest req, java_request());
    const std::string key = "temurin-" + req.java + "-" + req.image + "-" + req.arch;
    FetchedArtifact a;
    a.algo = "sha256";
    a.trust = "Adoptium API + .sha256.txt + signature";

    std::string cache_miss_why;
    // A cached JDK is checked as a download is: its digest, and the .sig recorded with it
    // against the Adoptium key in effect now. The index only says which file to look at.
    auto done_from_cache = [&](const TemurinPackage& p) -> Result<std::optional<FetchedArtifact>> {
      KA_TRY(auto entry, cache.lookup(DigestAlgo::sha256, p.sha256, p.name));
      if (!entry) return std::optional<FetchedArtifact>();
      if (!entry->signature) {
        cache_miss_why = "the cached " + p.name + " has no signature on record: not trusting it";
        return std::optional<FetchedArtifact>();
      }
      auto sig = pgp::parse_signature(entry->signature->text, entry->file.parent_path().string() + "/" + entry->signature->name);
      if (!sig.ok()) {
        cache.remove(DigestAlgo::sha256, p.sha256);
        return Error(sig.error()).note("the cached copy was removed; run again to download it");
      }
      KA_TRY(pgp::KeyRing ring, adoptium_key());
      pgp::SignatureCheck check(std::move(sig).value());
      NullSink none;
      TeeSink tee({&check, consumer ? consumer : &none});
      KA_TRY(auto hit, cache.reuse(DigestAlgo::sha256, p.sha256, p.name, &tee, consumer == nullptr));
      if (!hit) return std::optional<FetchedArtifact>();
      auto v = check.verify(ring, std::time(nullptr));
      if (!v.ok()) {
        cache.remove(DigestAlgo::sha256, p.sha256);
        return Error(v.error())
            .note("the cached " + p.name + " is not trusted any more, so it was removed from the cache")
            .note("a download is checked the same way");
      }
      a.what = "Temurin " + p.release_name;
      a.version = p.release_name;
      a.name = p.name;
      a.path = hit->string();
      a.digest = p.sha256;
      a.signer = signer_text(*v);
      a.from_cache = true;
      a.source = "cache";
      if (adoptium_override_) a.overrides = {*adoptium_override_};
      if (consumer) KA_TRY_STATUS(consumer->finish());
      return std::optional<FetchedArtifact>(a);
    };

    std::optional<TemurinPackage> pkg;
    // A resolution made earlier is kept, so a second run needs no network (--refresh resolves again).
    if (!o.refresh || o.offline) {
      KA_TRY(pkg, from_index(key));
      if (pkg) {
        KA_TRY(auto hit, done_from_cache(*pkg));
        if (hit) return hit;
      }
    }
    bool api_checksum = true;
    if (o.offline) {
      KA_TRY(pkg, from_artifacts_dir(req));
      api_checksum = false;
      if (!pkg)
        return fail("--offline: no Temurin " + req.java + " " + req.image + " for " + req.arch + " in the cache " + cache.dir().string())
            .note(cache_miss_why.empty() ? "nothing usable is cached" : cache_miss_why)
            .note("run `kafka-appliance fetch` once with network access, or")
            .note("pass --artifacts-dir DIR holding OpenJDK" + req.java + "U-" + req.image + "_" + req.arch +
                  "_linux_hotspot_*.tar.gz with its .sha256.txt and .sig, or use --java system");
    } else {
      const std::string api = adoptium_query_url(o.adoptium_api_url, req);
      KA_TRY(auto text, download_text("the Adoptium API answer", {api}, env));
      if (!text)
        return fail("the Adoptium API knows no Temurin " + req.java + " " + req.image + " for linux/" + req.arch)
            .note(redact_url(api) + ": not found")
            .note("check --java (17, 21, 25 or a release name such as jdk-21.0.5+11)");
      KA_TRY(TemurinPackage p, parse_adoptium_assets(*text, req, redact_url(api)));
      pkg = p;
      KA_TRY(auto hit, done_from_cache(*pkg));
      if (hit) {
        KA_TRY_STATUS(write_java_index(key, *pkg));
        return hit;
      }
    }
    a.what = "Temurin " + pkg->release_name;
    a.version = pkg->release_name;
    a.name = pkg->name;
    KA_TRY_STATUS(cache.prepare());

    if (pkg->checksum_link.empty() || pkg->signature_link.empty())
      return fail("the Adoptium API gives no checksum or signature link for " + pkg->name).note("not trusting an unsigned JDK");
    KA_TRY(auto sumtext, download_text(pkg->name + ".sha256.txt", {pkg->checksum_link}, env));
    if (!sumtext) return fail("no " + pkg->name + ".sha256.txt at " + redact_url(pkg->checksum_link));
    auto sum = parse_sha256_file(*sumtext, pkg->name);
    if (!sum.ok()) return std::move(sum).error();
    if (!api_checksum) {
      pkg->sha256 = *sum;
      a.trust = ".sha256.txt + signature";
    } else if (*sum != pkg->sha256) {
      return fail("the SHA-256 of " + pkg->name + " differs between the Adoptium API and " + redact_url(pkg->checksum_link))
          .note("API:         " + pkg->sha256)
          .note(".sha256.txt: " + *sum)
          .note("nothing was downloaded; try again later or pin another release with --java jdk-...");
    }
    if (!api_checksum) {  // the digest is only known now
      KA_TRY(auto hit, done_from_cache(*pkg));
      if (hit) return hit;
    }
    KA_TRY(auto sigtext, download_text(pkg->name + ".sig", {pkg->signature_link}, env, 1 << 20));
    if (!sigtext) return fail("no signature " + pkg->name + ".sig at " + redact_url(pkg->signature_link)).note("not trusting an unsigned JDK");
    auto sig = pgp::parse_signature(*sigtext, pkg->name + ".sig");
    if (!sig.ok()) return Error(sig.error()).note("the signature of " + pkg->name + " is unreadable: not trusting the download");
    KA_TRY(pgp::KeyRing ring, adoptium_key());

    DigestSink digest(DigestAlgo::sha256);
    pgp::SignatureCheck check(*sig);
    check.share_digest(digest);
    NullSink none;
    TeeSink tee({&digest, &check, consumer ? consumer : &none});
    const fs::path part = cache.part_file(DigestAlgo::sha256, pkg->sha256);
    KA_TRY(Downloaded got, download(DownloadJob{pkg->name, {pkg->link}, part, pkg->size}, env, tee));
    if (got.not_found) {
      Error e = fail(pkg->name + " was not found");
      for (const auto& f : got.failures) e.note(f);
      return e;
    }
    a.source = redact_url(got.url);
    if (digest.hex() != pkg->sha256) {
      discard(part);
      return fail("SHA-256 mismatch for " + pkg->name + " from " + a.source)
          .note("expected " + pkg->sha256)
          .note("got      " + digest.hex())
          .note("the download was discarded; nothing was cached");
    }
    auto v = check.verify(ring, std::time(nullptr));
    if (!v.ok()) {
      discard(part);
      return Error(v.error()).note("the download was discarded; nothing was cached");
    }
    a.signer = signer_text(*v);
    if (adoptium_override_) a.overrides = {*adoptium_override_};
    KA_TRY(fs::path dest, cache.commit(part, DigestAlgo::sha256, pkg->sha256, pkg->name,
                                       CachedSignature{pkg->name + ".sig", *sigtext}, std::nullopt, a.trust, a.signer));
    a.path = dest.string();
    a.digest = pkg->sha256;
    KA_TRY_STATUS(write_java_index(key, *pkg));
    if (consumer) KA_TRY_STATUS(consumer->finish());
    return std::optional<FetchedArtifact>(a);
  }

  Status write_java_index(const std::string& key, const TemurinPackage& p) const {
    json j = {{"release_name", p.release_name}, {"name", p.name}, {"sha256", p.sha256}, {"link", redact_url(p.link)}};
    return cache.write_index(key, j.dump(2) + "\n");
  }
};

Fetcher::Fetcher(FetchOptions opts, std::unique_ptr<Http> http) : impl_(std::make_unique<Impl>(std::move(opts), std::move(http))) {}
Fetcher::~Fetcher() = default;
Result<FetchedArtifact> Fetcher::fetch_kafka(ByteSink* consumer) { return impl_->kafka(consumer); }
Result<std::optional<FetchedArtifact>> Fetcher::fetch_java(ByteSink* consumer) { return impl_->java(consumer); }

Result<FetchResult> run_fetch(const FetchOptions& opts) {
  if (!opts.artifacts_dir.empty()) {
    std::error_code ec;
    if (!fs::is_directory(opts.artifacts_dir, ec))
      return bad_input("--artifacts-dir " + opts.artifacts_dir + ": not a directory").note("name the directory holding the tarball, .sha512 and .asc");
  }
  for (const auto& m : opts.mirrors)
    if (!is_network_url(m)) return bad_input("--mirror " + redact_url(m) + ": expected an http:// or https:// URL");
  Fetcher f(opts);
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

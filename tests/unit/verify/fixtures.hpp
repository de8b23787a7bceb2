// GnuPG-made keys and signatures, generated once per test binary run (RSA-4096 keygen takes a few
// seconds) by tests/support/make_pgp_fixtures.sh into a temp dir removed at exit.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace verify_test {

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void spit(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

struct PgpFixtures {
  std::filesystem::path dir;
  std::string data;  // the signed payload
  PgpFixtures() {
    char tmpl[] = "/tmp/ka-verify-test-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir = tmpl;
    for (int i = 0; i < 5000; ++i) data.push_back(static_cast<char>((i * 7919) & 0xFF));
    const std::string script = std::string(KA_SOURCE_DIR) + "/tests/support/make_pgp_fixtures.sh";
    // One signature per (key, digest, armor) case: the script signs FILE into FILE.asc / FILE.sig.
    struct Case { const char* name; const char* env; };
    const Case cases[] = {
        {"rsa256", "KA_PGP_KEY=rsa KA_PGP_DIGEST=SHA256"}, {"rsa512", "KA_PGP_KEY=rsa KA_PGP_DIGEST=SHA512"},
        {"ed", "KA_PGP_KEY=ed KA_PGP_DIGEST=SHA256"},       {"exp", "KA_PGP_KEY=exp"},
        {"sub", "KA_PGP_KEY=sub"},                           {"other", "KA_PGP_KEY=other"},
        {"rsabin", "KA_PGP_KEY=rsa KA_PGP_ARMOR=0"},         {"rsasha1", "KA_PGP_KEY=rsa KA_PGP_DIGEST=SHA1"},
    };
    std::string cmd = "set -e; cd '" + dir.string() + "'; '" + script + "' . >/dev/null 2>&1";
    for (const auto& c : cases) {
      spit(dir / c.name, data);
      cmd += "; " + std::string(c.env) + " '" + script + "' . " + c.name + " >/dev/null 2>&1";
    }
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("make_pgp_fixtures.sh failed (is gpg installed?)");
  }
  ~PgpFixtures() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string file(const std::string& name) const { return slurp(dir / name); }
  std::string fpr(const std::string& name) const { return trim(file(name + ".fpr")); }
};

inline const PgpFixtures& fixtures() {
  static PgpFixtures f;
  return f;
}

}  // namespace verify_test

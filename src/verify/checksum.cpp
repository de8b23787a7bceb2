#include "verify/checksum.hpp"

#include <openssl/evp.h>

#include <cctype>
#include <vector>

#include "core/properties.hpp"
#include "core/text.hpp"

namespace ka {

namespace {

const char* algo_name(DigestAlgo a) { return a == DigestAlgo::sha256 ? "SHA-256" : "SHA-512"; }
size_t hex_len(DigestAlgo a) { return a == DigestAlgo::sha256 ? 64 : 128; }

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// The file name as written in a checksum file, reduced to what can be compared with the name we
// downloaded: sha*sum marks binary mode with '*', and some release scripts hash "./name" or a path.
std::string base_name(std::string n) {
  n = trim(n);
  if (!n.empty() && n[0] == '*') n.erase(0, 1);
  auto slash = n.find_last_of('/');
  if (slash != std::string::npos) n.erase(0, slash + 1);
  return n;
}

Status check_name(const std::string& found, const std::string& expected, const std::string& what) {
  if (expected.empty() || found.empty()) return ok_status();
  if (base_name(found) != base_name(expected))
    return bad_input(what + " is for '" + base_name(found) + "', not for '" + base_name(expected) + "'")
        .note("the checksum file does not belong to this artifact: fetch the checksum file published next to it");
  return ok_status();
}

Result<std::string> parse_sum_layout(const std::string& text, const std::string& expected_name, DigestAlgo algo,
                                     const std::string& what) {
  auto lines = split_list(text, '\n');  // trimmed, blank lines dropped
  if (lines.empty()) return bad_input(what + " is empty").note("expected '<hex>  <file name>'");
  std::vector<std::pair<std::string, std::string>> entries;
  for (const auto& l : lines) {
    size_t sp = 0;
    while (sp < l.size() && !is_space(l[sp])) ++sp;
    entries.emplace_back(l.substr(0, sp), trim(l.substr(sp)));
  }
  // A file listing several artifacts: take the line for ours.
  const std::pair<std::string, std::string>* pick = &entries.front();
  if (entries.size() > 1) {
    pick = nullptr;
    for (const auto& e : entries)
      if (!expected_name.empty() && base_name(e.second) == base_name(expected_name)) pick = &e;
    if (!pick)
      return bad_input(what + " has " + std::to_string(entries.size()) + " lines and none is for '" +
                       base_name(expected_name) + "'")
          .note("expected '<hex>  <file name>'");
  }
  KA_TRY_STATUS(check_name(pick->second, expected_name, what));
  return normalize_hex_digest(pick->first, algo, what);
}

}  // namespace

struct DigestSink::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

DigestSink::DigestSink(DigestAlgo algo) : algo_(algo), impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  // Only allocation failure can make these fail; write() reports it then.
  if (impl_->ctx && EVP_DigestInit_ex(impl_->ctx, algo == DigestAlgo::sha256 ? EVP_sha256() : EVP_sha512(), nullptr) != 1) {
    EVP_MD_CTX_free(impl_->ctx);
    impl_->ctx = nullptr;
  }
}

DigestSink::~DigestSink() = default;

const void* DigestSink::evp_ctx() const { return impl_->ctx; }

Status DigestSink::write(const unsigned char* data, size_t n) {
  if (!impl_->ctx) return fail(std::string("cannot initialise ") + algo_name(algo_) + " (OpenSSL)");
  if (n && EVP_DigestUpdate(impl_->ctx, data, n) != 1) return fail(std::string(algo_name(algo_)) + " update failed (OpenSSL)");
  return ok_status();
}

std::string DigestSink::hex() const {
  if (!impl_->ctx) return {};
  // Finalise a copy so hex() can be asked for mid-stream and writing can continue.
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string out;
  if (copy && EVP_MD_CTX_copy_ex(copy, impl_->ctx) == 1 && EVP_DigestFinal_ex(copy, md, &len) == 1)
    out = hex_encode(md, len);
  EVP_MD_CTX_free(copy);
  return out;
}

Result<std::string> normalize_hex_digest(const std::string& hex, DigestAlgo algo, const std::string& what) {
  std::string out;
  out.reserve(hex.size());
  for (char c : hex) {
    if (is_space(c)) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return bad_input(what + ": '" + std::string(1, c) + "' is not a hex digit in the " + algo_name(algo) + " digest")
          .note(std::string("a ") + algo_name(algo) + " digest is " + std::to_string(hex_len(algo)) + " hex digits");
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (out.size() != hex_len(algo))
    return bad_input(what + ": a " + algo_name(algo) + " digest has " + std::to_string(hex_len(algo)) +
                     " hex digits, this one has " + std::to_string(out.size()))
        .note("check that the digest was copied whole and is of the right algorithm");
  return out;
}

Result<std::string> parse_sha512_file(const std::string& text, const std::string& expected_name) {
  const std::string what = expected_name.empty() ? std::string("the .sha512 file") : expected_name + ".sha512";
  auto t = trim(text);
  if (t.empty()) return bad_input(what + " is empty").note("expected the gpg --print-md or sha512sum layout");
  // BSD / `openssl dgst` layout: "SHA512 (name) = hex".
  if (t.rfind("SHA512 (", 0) == 0 || t.rfind("SHA2-512(", 0) == 0 || t.rfind("SHA512(", 0) == 0) {
    auto open = t.find('(');
    auto close = t.rfind(") =");
    if (close == std::string::npos || close < open)
      return bad_input(what + ": malformed 'SHA512 (name) = hex' line");
    KA_TRY_STATUS(check_name(t.substr(open + 1, close - open - 1), expected_name, what));
    return normalize_hex_digest(t.substr(close + 3), DigestAlgo::sha512, what);
  }
  // gpg --print-md: "name: HEX HEX ..." with continuation lines; the digest never contains ':',
  // so the last colon ends the name (a name may itself contain colons).
  auto colon = t.rfind(':');
  if (colon != std::string::npos) {
    KA_TRY_STATUS(check_name(t.substr(0, colon), expected_name, what));
    return normalize_hex_digest(t.substr(colon + 1), DigestAlgo::sha512, what);
  }
  return parse_sum_layout(t, expected_name, DigestAlgo::sha512, what);
}

Result<std::string> parse_sha256_file(const std::string& text, const std::string& expected_name) {
  const std::string what = expected_name.empty() ? std::string("the .sha256.txt file") : expected_name + ".sha256.txt";
  return parse_sum_layout(text, expected_name, DigestAlgo::sha256, what);
}

}  // namespace ka

// Errors as values: every fallible step returns Result<T>; only main() turns an Error into an
// exit code and a message (DESIGN.md §7.1, §7.4).
#pragma once
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace ka {

// Exit codes of the binary (DESIGN.md §1).
enum class Exit : int {
  ok = 0,
  failed = 1,     // something went wrong (network, disk, a child process)
  usage = 2,      // bad usage or input: a flag, a config file, a property that Kafka would refuse
  refused = 3,    // refused to protect data: foreign cluster ID, hand-edited file, ...
};

struct Error {
  Exit code = Exit::failed;
  std::string message;             // one line: what failed, naming the input
  std::vector<std::string> notes;  // context and the way out, one per line

  Error& note(std::string n) & { notes.push_back(std::move(n)); return *this; }
  Error&& note(std::string n) && { notes.push_back(std::move(n)); return std::move(*this); }
};

inline Error fail(std::string msg) { return Error{Exit::failed, std::move(msg), {}}; }
inline Error bad_input(std::string msg) { return Error{Exit::usage, std::move(msg), {}}; }
inline Error refuse(std::string msg) { return Error{Exit::refused, std::move(msg), {}}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}          // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace ka

// Propagate an error: KA_TRY(auto x, f()); or KA_TRY_STATUS(g());
#define KA_CAT2(a, b) a##b
#define KA_CAT(a, b) KA_CAT2(a, b)
#define KA_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                 \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define KA_TRY(decl, expr) KA_TRY_IMPL(KA_CAT(ka_try_, __LINE__), decl, expr)
#define KA_TRY_STATUS(expr)                                   \
  do {                                                        \
    auto ka_st_ = (expr);                                     \
    if (!ka_st_.ok()) return std::move(ka_st_).error();      \
  } while (0)

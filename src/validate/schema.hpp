// The configuration schema of every Kafka release validate knows: each key of KafkaConfig's
// ConfigDef with its type, default, validator, importance and doc line, generated from Kafka's
// own jars by scripts/gen-config-schema.sh (assets/schema/kafka-config.tsv, compiled in).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/version.hpp"

namespace ka::schema {

enum class Type { boolean, string, int_, short_, long_, double_, list, class_, password };

// A ConfigDef.Validator as the generator described it (class and fields).
struct Validator {
  enum class Kind { none, range, valid_string, case_insensitive_string, valid_list, non_empty_string, non_null,
                    quorum_voters, quorum_bootstrap_servers, gzip_level, metadata_version, other };
  Kind kind = Kind::none;
  std::optional<double> min, max;            // range
  std::string min_text, max_text;            // the bounds as Java prints them ("1", "0.5")
  std::vector<std::string> allowed;          // valid_string, case_insensitive_string, valid_list
  bool list_checks_elements = false;         // valid_list from 4.2: no empty, duplicate or (unless allowed) missing values
  bool list_empty_allowed = true, list_null_allowed = true;
  std::string text;                          // as generated, for --explain and unknown kinds
};

struct KeyDef {
  std::string name;
  std::string versions;  // the releases it is defined in with this definition ("3.6.0-3.9.1")
  Type type = Type::string;
  bool required = false;       // no default: Kafka refuses a config without it
  bool default_null = false;
  std::string default_text;    // ConfigDef.convertToString of the default
  Validator validator;
  std::string importance;      // HIGH, MEDIUM, LOW
  bool internal = false;
  std::string doc;             // the first sentence of Kafka's documentation
  bool deprecated() const;     // Kafka's doc says so
};

// The releases the schema was generated from, oldest first.
const std::vector<KafkaVersion>& releases();
// The release whose schema stands for `v`: `v` itself, else the newest generated one before it,
// else the oldest; `exact` says whether it is `v` itself.
KafkaVersion release_for(const KafkaVersion& v, bool* exact = nullptr);
// The definition of `name` in release `v` (via release_for), or nullptr when `v` has no such key.
const KeyDef* find(const std::string& name, const KafkaVersion& v);
// Every definition of `name` across releases, oldest first (empty: no release knows it).
std::vector<const KeyDef*> history(const std::string& name);
// Every key of release `v` (via release_for), sorted by name.
std::vector<const KeyDef*> keys_of(const KafkaVersion& v);
// Up to `n` keys of release `v` closest to `name` (edit distance), best first; only plausible ones.
std::vector<std::string> closest(const std::string& name, const KafkaVersion& v, size_t n = 1);

std::string type_name(Type t);  // INT, LONG, ... as Kafka names them
// "3.6.0-3.9.1, 4.1.0" style summary of the releases that know `name`.
std::string releases_text(const std::string& name);

// ConfigDef.parseType followed by the key's validator, on a raw value from a properties file.
// Returns Kafka's message when Kafka would refuse the value; nullopt when it accepts it.
struct ValueError {
  std::string kind;     // "type", "range" or "validator"
  std::string message;  // Kafka's wording ("Invalid value x for configuration k: Not a number of type INT")
};
std::optional<ValueError> check_value(const KeyDef& def, const std::string& raw);

// The position of a metadata version (as MetadataVersion.fromVersionString reads it: "3.0-IV1",
// "3.0" = the newest IV of 3.0, "3.0.2" = "3.0") in the release's MetadataVersion order; nullopt
// when the key has no such validator or the value is not a version.
std::optional<size_t> metadata_version_rank(const KeyDef& def, const std::string& value);

// ConfigDef.parseType LIST: the trimmed value split at commas (with the spaces around them),
// empty items kept ("a,,b" and "," have empty items; "" is the empty list).
std::vector<std::string> kafka_list(const std::string& raw);

// java.lang.String.trim(): strips every char <= U+0020 at both ends.
std::string java_trim(const std::string& s);

}  // namespace ka::schema

#include "validate/command.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "core/fs.hpp"
#include "core/number.hpp"
#include "validate/detail.hpp"
#include "validate/schema.hpp"

namespace ka {

namespace {

Result<std::string> read_input(const std::string& file) {
  auto text = read_named_file(file, "");
  if (!text.ok())
    return std::move(text).error().note("give the path of a server.properties or zookeeper.properties file this user may read");
  return text;
}

// What ZooKeeper's setupMyId finds in <dataDir>/myid: the id (first line, Long.parseLong as it
// is), or none; `absent` when the dataDir is there but holds no myid file.
struct MyidFile {
  std::optional<int> id;
  bool absent = false;
};
Result<MyidFile> read_myid(const Properties& props, const std::filesystem::path& root) {
  auto data_dir = schema::java_trim(props.get_or("dataDir", ""));
  if (data_dir.empty()) return MyidFile{};
  RootFs rfs(root);
  std::filesystem::path target = std::filesystem::path(data_dir) / "myid";
  KA_TRY(auto text, rfs.read_file(target));
  if (!text) {
    std::error_code ec;
    return MyidFile{std::nullopt, std::filesystem::is_directory(rfs.host_path(data_dir), ec)};
  }
  std::string first = text->substr(0, text->find_first_of("\r\n"));
  bool digits = !first.empty() && first.size() < 10;
  for (char c : first) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (!digits)
    return bad_input(rfs.host_path(target).string() + ": myid file does not hold a number ('" + first + "')")
        .note("ZooKeeper refuses it too (serverid " + first + " is not a number): write this node's ensemble id into it, or pass --myid N");
  KA_TRY(int id, parse_number<int>(first, rfs.host_path(target).string()));
  return MyidFile{id, false};
}

size_t count(const std::vector<Violation>& v, Severity s) {
  size_t n = 0;
  for (const auto& x : v) n += x.severity == s ? 1 : 0;
  return n;
}

}  // namespace

bool looks_like_zookeeper(const std::string& file, const Properties& props) {
  size_t zk = 0, kafka = 0;
  for (const auto& [k, v] : props.entries()) {
    if (is_zookeeper_key(k))
      ++zk;
    else if (!schema::history(k).empty())
      ++kafka;
  }
  if (zk != kafka) return zk > kafka;
  auto name = std::filesystem::path(file).filename();
  return name == "zookeeper.properties" || name == "zoo.cfg";
}

Result<std::vector<FileReport>> validate_files(const ValidateOptions& opts, const std::filesystem::path& root) {
  if (opts.files.empty()) return bad_input("validate: no file given").note("usage: kafka-appliance validate --kafka-version V FILE...");
  std::optional<KafkaVersion> version;
  if (!opts.kafka_version.empty()) {
    auto v = KafkaVersion::parse(opts.kafka_version);
    if (!v.ok())
      return bad_input("--kafka-version " + opts.kafka_version + " is not a Kafka version").note("write it as 3.9.1 or 4.0");
    if (!v->supported())
      return bad_input("--kafka-version " + opts.kafka_version + " is not supported: the start-up rules are known for Kafka 3.6 to 4.x")
          .note("use a version from 3.6.0 up to (not including) 5.0");
    version = *v;
  }
  std::vector<FileReport> reports;
  for (const auto& file : opts.files) {
    KA_TRY(auto text, read_input(file));
    KA_TRY(auto props, Properties::parse(text, file));
    FileReport r;
    r.file = file;
    if (looks_like_zookeeper(file, props)) {
      r.kind = "zookeeper";
      r.myid = opts.myid;
      bool myid_absent = false;
      if (!r.myid) {
        KA_TRY(auto from_disk, read_myid(props, root));
        r.myid = from_disk.id;
        myid_absent = from_disk.absent;
      }
      r.violations = validate_zookeeper_properties(props, r.myid, myid_absent);
    } else {
      if (!version)
        return bad_input("--kafka-version is required to check " + file)
            .note("the start-up rules differ per Kafka version: pass e.g. --kafka-version 4.0.0");
      r.kind = "server";
      r.kafka_version = version->str();
      r.violations = validate_server_properties(props, *version, opts.check_format ? std::optional<FormatOptions>(opts.format) : std::nullopt);
    }
    if (opts.strict)
      for (auto& v : r.violations) v.severity = Severity::error;
    reports.push_back(std::move(r));
  }
  return reports;
}

std::optional<Error> reports_error(const std::vector<FileReport>& reports) {
  std::vector<Error> errors;
  for (const auto& r : reports)
    if (has_errors(r.violations)) errors.push_back(violations_to_error(r.violations, r.file));
  if (errors.empty()) return std::nullopt;
  if (errors.size() == 1) return errors[0];
  Error e = bad_input(std::to_string(errors.size()) + " files have settings that Kafka would refuse");
  for (const auto& x : errors) {
    e.notes.push_back(x.message);
    for (const auto& n : x.notes) e.notes.push_back("  " + n);
  }
  return e;
}

std::string reports_text(const std::vector<FileReport>& reports) {
  std::string out;
  for (const auto& r : reports) {
    size_t errs = count(r.violations, Severity::error), warns = count(r.violations, Severity::warning);
    std::string what = r.kind == "server" ? "Kafka " + r.kafka_version + " start-up rules" : "ZooKeeper ensemble rules";
    if (r.kind == "zookeeper") what += r.myid ? " (myid " + std::to_string(*r.myid) + ")" : " (myid unknown)";
    out += r.file + ": " + (errs ? std::to_string(errs) + " error(s)" : std::string("ok")) + ", " + std::to_string(warns) +
           " warning(s) against " + what + "\n";
    std::vector<Violation> w;
    for (const auto& v : r.violations)
      if (v.severity == Severity::warning) w.push_back(v);
    if (!w.empty()) out += format_violations(w);
  }
  return out;
}

std::string reports_json(const std::vector<FileReport>& reports) {
  nlohmann::json files = nlohmann::json::array();
  bool all_ok = true;
  for (const auto& r : reports) {
    nlohmann::json vs = nlohmann::json::array();
    for (const auto& v : r.violations)
      vs.push_back({{"severity", v.severity == Severity::error ? "error" : "warning"},
                    {"id", v.id},
                    {"key", v.key},
                    {"value", v.value},
                    {"rule", v.rule},
                    {"fix", v.fix},
                    {"source", v.source}});
    bool ok = !has_errors(r.violations);
    all_ok = all_ok && ok;
    nlohmann::json f = {{"file", r.file},
                        {"kind", r.kind},
                        {"ok", ok},
                        {"errors", count(r.violations, Severity::error)},
                        {"warnings", count(r.violations, Severity::warning)},
                        {"violations", vs}};
    if (r.kind == "server") f["kafka_version"] = r.kafka_version;
    f["myid"] = r.myid ? nlohmann::json(*r.myid) : nlohmann::json(nullptr);
    files.push_back(f);
  }
  return nlohmann::json{{"ok", all_ok}, {"files", files}}.dump(2) + "\n";
}

std::string rules_text() {
  std::string out;
  for (const auto& r : rule_catalog())
    out += r.id + "  [" + r.versions + "]  " + r.key + ": " + r.summary + "\n    " + r.source + "\n";
  return out;
}

std::string rules_json() {
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : rule_catalog())
    rules.push_back({{"id", r.id}, {"versions", r.versions}, {"key", r.key}, {"summary", r.summary}, {"source", r.source}});
  return rules.dump(2) + "\n";
}

namespace {
// A validator the way Kafka's docs print it: "[1,...]", "[gzip, lz4]", "non-empty list".
std::string describe(const schema::Validator& v) {
  using K = schema::Validator::Kind;
  auto join = [](const std::vector<std::string>& xs) { return vdetail::join(xs, ", "); };
  switch (v.kind) {
    case K::range:
      if (v.text.rfind("LambdaValidator(", 0) == 0) return "-1 or at least 1";
      return "[" + (v.min_text == "null" ? std::string("...") : v.min_text + ",...") + (v.max_text == "null" ? "" : "," + v.max_text) + "]";
    case K::gzip_level: return "[1,...,9] or -1";
    case K::valid_string: return "[" + join(v.allowed) + "]";
    case K::case_insensitive_string: return "[" + join(v.allowed) + "] (case insensitive)";
    case K::valid_list: {
      std::string s = v.allowed.empty() ? "a list" : "a list of [" + join(v.allowed) + "]";
      if (v.list_checks_elements) s += std::string(v.list_empty_allowed ? "" : ", not empty") + ", no duplicate or blank items";
      return s;
    }
    case K::non_empty_string: return "a non-empty string";
    case K::non_null: return "a non-null string";
    case K::quorum_voters: return "{id}@{host}:{port},...";
    case K::quorum_bootstrap_servers: return "{host}:{port},...";
    case K::metadata_version: return "a metadata version (" + (v.allowed.empty() ? std::string() : v.allowed.front() + " ... " + v.allowed.back()) + ")";
    case K::none: return "any value of its type";
    case K::other: return v.text;
  }
  return v.text;
}
}  // namespace

Result<std::string> explain_key(const std::string& key, const std::string& kafka_version, bool json) {
  if (schema::releases().empty()) return fail("internal: no configuration schema compiled in");
  KafkaVersion v = schema::releases().back();
  if (!kafka_version.empty()) {
    auto parsed = KafkaVersion::parse(kafka_version);
    if (!parsed) return bad_input("--kafka-version " + kafka_version + " is not a version").note("write it as 4.3.1");
    v = *parsed;
  }
  const auto* d = schema::find(key, v);
  if (!d) {
    Error e = bad_input(key + " is not a setting of Kafka " + v.str());
    std::string known = schema::releases_text(key);
    if (!known.empty()) e.note("it exists in Kafka " + known);
    auto near = schema::closest(key, v);
    if (!near.empty()) e.note("did you mean " + near[0] + "?");
    return e;
  }
  std::string def = d->required ? "none (required)" : d->default_null ? "null" : d->default_text;
  std::string releases = schema::releases_text(key);
  if (json) {
    return nlohmann::json{{"key", d->name}, {"kafka_version", v.str()}, {"schema_release", schema::release_for(v).str()},
                          {"type", schema::type_name(d->type)}, {"default", d->required || d->default_null ? nlohmann::json(nullptr) : nlohmann::json(d->default_text)},
                          {"required", d->required}, {"valid", describe(d->validator)}, {"importance", d->importance},
                          {"internal", d->internal}, {"deprecated", d->deprecated()}, {"doc", d->doc}, {"releases", releases}}
               .dump(2) + "\n";
  }
  std::string out = d->name + " (Kafka " + v.str() + ")\n";
  out += "  type        " + schema::type_name(d->type) + "\n";
  out += "  default     " + def + "\n";
  out += "  valid       " + describe(d->validator) + "\n";
  out += "  importance  " + d->importance + (d->internal ? " (internal)" : "") + (d->deprecated() ? " (deprecated)" : "") + "\n";
  out += "  releases    " + releases + "\n";
  out += "  doc         " + d->doc + "\n";
  return out;
}

}  // namespace ka

#include "harness/scenario.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <utility>

#include "harness/command_template.h"
#include "harness/sha256.h"
#include "merge/error.h"

namespace pgo::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStage = "scenario";
constexpr const char* kFormatHint = "the format is described in scenarios/README.md";

// ---------------------------------------------------------------------------------------
// Problems and paths

struct Problem {
  std::string path;  // JSON path, e.g. "workloads[1].metric"; empty for the whole file
  std::string message;
  std::string hint;
};

std::string child(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string element(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string json_quoted(const std::string& s) { return json(s).dump(); }

// A short, readable rendering of a JSON value for messages (long values are cut).
std::string show(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "number";
  return v.type_name();
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The closest candidate when it is plausibly a typo (or a prefix, like "timeout" for
// "timeout_seconds"); empty when nothing is close.
std::string closest(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (!best.empty() && best_distance <= std::max<std::size_t>(1, word.size() / 3)) return best;
  for (const std::string& c : candidates) {
    if (word.size() >= 3 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0)) return c;
  }
  return {};
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::string& open = "\"", const std::string& close = "\"") {
  std::string c = closest(word, candidates);
  return c.empty() ? std::string() : "did you mean " + open + c + close + "?";
}

bool matches(const std::string& s, const std::regex& re) { return std::regex_match(s, re); }

const std::regex& identifier_re() {
  static const std::regex re("[A-Za-z0-9][A-Za-z0-9._-]*");
  return re;
}
const std::regex& suffix_re() {
  static const std::regex re("[A-Za-z0-9_]+");
  return re;
}
const std::regex& env_name_re() {
  static const std::regex re("[A-Za-z_][A-Za-z0-9_]*");
  return re;
}

// ---------------------------------------------------------------------------------------
// Reading typed fields while collecting problems

class Checker {
 public:
  void add(std::string path, std::string message, std::string hint = {}) {
    problems_.push_back({std::move(path), std::move(message), std::move(hint)});
  }
  const std::vector<Problem>& problems() const { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// One JSON object of the file: knows its allowed keys, reports unknown ones, and reads
// members as typed values. Absent members leave the target (holding its default) alone.
class ObjectReader {
 public:
  ObjectReader(Checker& check, const json& value, std::string path,
               std::vector<std::string> allowed)
      : check_(check), path_(std::move(path)), allowed_(std::move(allowed)) {
    if (!value.is_object()) {
      check_.add(path_.empty() ? "(root)" : path_,
                 "expected an object, got " + type_name(value) + " " + show(value));
      return;
    }
    object_ = &value;
    for (const auto& [key, member] : value.items()) {
      if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) continue;
      check_.add(child(path_, key), "unknown key", did_you_mean(key, allowed_));
    }
  }

  bool ok() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string path_of(const std::string& key) const { return child(path_, key); }
  Checker& check() { return check_; }

  // The member, or nullptr when absent (or when this is not an object).
  const json* get(const std::string& key) const {
    if (object_ == nullptr) return nullptr;
    auto it = object_->find(key);
    return it == object_->end() ? nullptr : &*it;
  }
  bool has(const std::string& key) const { return get(key) != nullptr; }
  // Present and not null.
  bool has_value(const std::string& key) const {
    const json* v = get(key);
    return v != nullptr && !v->is_null();
  }

  void require(const std::string& key, const std::string& hint = {}) {
    if (ok() && !has(key)) check_.add(path_of(key), "required field is missing", hint);
  }

  bool read_string(const std::string& key, std::string& out, bool non_empty = true) {
    const json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_string()) {
      type_error(key, "a string", *v);
      return false;
    }
    if (non_empty && v->get_ref<const std::string&>().empty()) {
      check_.add(path_of(key), "must not be empty");
      return false;
    }
    out = v->get<std::string>();
    return true;
  }

  bool read_bool(const std::string& key, bool& out) {
    const json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) {
      type_error(key, "true or false", *v);
      return false;
    }
    out = v->get<bool>();
    return true;
  }

  bool read_int(const std::string& key, int& out, std::int64_t min, std::int64_t max) {
    const json* v = get(key);
    if (v == nullptr) return false;
    return int_value(path_of(key), *v, out, min, max);
  }

  bool read_optional_int(const std::string& key, std::optional<int>& out, std::int64_t min,
                         std::int64_t max) {
    const json* v = get(key);
    if (v == nullptr) return false;
    if (v->is_null()) {
      out.reset();
      return true;
    }
    int x = 0;
    if (!int_value(path_of(key), *v, x, min, max)) return false;
    out = x;
    return true;
  }

  // A number in [min, max] (or (min, max] when exclusive_min), in the unit the field
  // name says.
  bool read_number(const std::string& key, double& out, double min, double max,
                   bool exclusive_min = false) {
    const json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_number()) {
      type_error(key, "a number", *v);
      return false;
    }
    double x = v->get<double>();
    bool below = exclusive_min ? !(x > min) : !(x >= min);
    if (below || !(x <= max)) {
      std::string range = (exclusive_min ? "(" : "[") + format_number(min) + ", " +
                          (std::isinf(max) ? std::string("inf") : format_number(max)) + "]";
      check_.add(path_of(key), show(*v) + " is out of range " + range);
      return false;
    }
    out = x;
    return true;
  }

  bool read_string_array(const std::string& key, std::vector<std::string>& out,
                         bool non_empty) {
    const json* v = get(key);
    if (v == nullptr) return false;
    return string_array_value(path_of(key), *v, out, non_empty);
  }

  // A string enum; `names` lists the spellings in the order of `values`.
  template <typename T>
  bool read_enum(const std::string& key, T& out, const std::vector<std::string>& names,
                 const std::vector<T>& values) {
    const json* v = get(key);
    if (v == nullptr) return false;
    std::string listed;
    for (const std::string& n : names) listed += (listed.empty() ? "" : ", ") + json_quoted(n);
    if (!v->is_string()) {
      type_error(key, "one of " + listed, *v);
      return false;
    }
    const std::string& s = v->get_ref<const std::string&>();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == s) {
        out = values[i];
        return true;
      }
    }
    std::string hint = did_you_mean(s, names);
    check_.add(path_of(key), json_quoted(s) + " is not one of " + listed, hint);
    return false;
  }

  // An object of strings whose keys match `key_re` (described by `key_rule`).
  bool read_string_map(const std::string& key, std::map<std::string, std::string>& out,
                       const std::regex& key_re, const std::string& key_rule,
                       bool non_empty_values) {
    const json* v = get(key);
    if (v == nullptr) return false;
    if (!v->is_object()) {
      type_error(key, "an object of strings", *v);
      return false;
    }
    bool good = true;
    for (const auto& [name, value] : v->items()) {
      std::string p = child(path_of(key), name);
      if (!matches(name, key_re)) {
        check_.add(p, json_quoted(name) + " is not a valid name (" + key_rule + ")");
        good = false;
      }
      if (!value.is_string()) {
        check_.add(p, "expected a string, got " + type_name(value) + " " + show(value));
        good = false;
      } else if (non_empty_values && value.get_ref<const std::string&>().empty()) {
        check_.add(p, "must not be empty");
        good = false;
      } else {
        out[name] = value.get<std::string>();
      }
    }
    return good;
  }

  bool int_value(const std::string& path, const json& v, int& out, std::int64_t min,
                 std::int64_t max) {
    if (!v.is_number_integer()) {
      check_.add(path, "expected an integer, got " + type_name(v) + " " + show(v));
      return false;
    }
    bool in_range = false;
    if (v.is_number_unsigned()) {
      std::uint64_t u = v.get<std::uint64_t>();
      in_range = u <= static_cast<std::uint64_t>(max) &&
                 (min <= 0 || u >= static_cast<std::uint64_t>(min));
    } else {
      std::int64_t x = v.get<std::int64_t>();
      in_range = x >= min && x <= max;
    }
    if (!in_range) {
      check_.add(path, show(v) + " is out of range " + std::to_string(min) + ".." +
                           std::to_string(max));
      return false;
    }
    out = static_cast<int>(v.get<std::int64_t>());
    return true;
  }

  bool string_array_value(const std::string& path, const json& v, std::vector<std::string>& out,
                          bool non_empty) {
    if (!v.is_array()) {
      check_.add(path, "expected an array of strings, got " + type_name(v) + " " + show(v));
      return false;
    }
    if (non_empty && v.empty()) {
      check_.add(path, "must not be empty");
      return false;
    }
    std::vector<std::string> result;
    bool good = true;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        check_.add(element(path, i),
                   "expected a string, got " + type_name(v[i]) + " " + show(v[i]));
        good = false;
      } else {
        result.push_back(v[i].get<std::string>());
      }
    }
    if (good) out = std::move(result);
    return good;
  }

 private:
  void type_error(const std::string& key, const std::string& expected, const json& v) {
    check_.add(path_of(key), "expected " + expected + ", got " + type_name(v) + " " + show(v));
  }

  Checker& check_;
  const json* object_ = nullptr;
  std::string path_;
  std::vector<std::string> allowed_;
};

// ---------------------------------------------------------------------------------------
// Enum spellings

const std::vector<std::string> kKindNames = {"command", "http", "gotest"};
const std::vector<WorkloadKind> kKinds = {WorkloadKind::kCommand, WorkloadKind::kHttp,
                                          WorkloadKind::kGotest};
const std::vector<std::string> kMetricNames = {"wall", "cpu", "ns_per_op"};
const std::vector<Metric> kMetrics = {Metric::kWall, Metric::kCpu, Metric::kNsPerOp};
const std::vector<std::string> kOrderNames = {"interleaved", "sequential"};
const std::vector<TrialOrder> kOrders = {TrialOrder::kInterleaved, TrialOrder::kSequential};

ProfileMethod method_of_kind(WorkloadKind k) {
  switch (k) {
    case WorkloadKind::kHttp:
      return ProfileMethod::kHttp;
    case WorkloadKind::kGotest:
      return ProfileMethod::kGotest;
    case WorkloadKind::kCommand:
      break;
  }
  return ProfileMethod::kFlag;
}

// ---------------------------------------------------------------------------------------
// Placeholders

// Which placeholders a template accepts and which it must contain.
struct TemplateRules {
  std::set<std::string> allowed;  // fixed names; input/input_*/tool_* handled separately
  bool inputs = true;             // {input}, {input_NAME}
  bool tools = true;              // {tool_NAME}
  std::vector<std::vector<std::string>> required;  // each inner list: one of these
  std::string profile_note;  // why {profile} is refused here, if it is
};

std::string braces(const std::string& name) { return "{" + name + "}"; }

void check_template(Checker& check, const std::string& path,
                    const std::vector<std::string>& args, const TemplateRules& rules,
                    const Workload& w, const Target& target) {
  std::vector<std::string> known = placeholder_names();
  for (const auto& [name, file] : w.inputs) known.push_back("input_" + name);
  for (const auto& [name, package] : target.tools) known.push_back("tool_" + name);

  std::set<std::string> used;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg_path = element(path, i);
    for (const std::string& name : command_placeholders({args[i]})) {
      used.insert(name);
      bool is_input = name == "input" || name.rfind("input_", 0) == 0;
      bool is_tool = name.rfind("tool_", 0) == 0;
      bool fixed = std::find(known.begin(), known.end(), name) != known.end();
      if (is_input && rules.inputs) {
        if (name == "input" && w.inputs.size() != 1) {
          check.add(arg_path,
                    "{input} needs exactly one input; this workload has " +
                        std::to_string(w.inputs.size()),
                    w.inputs.empty() ? "add \"inputs\": {\"NAME\": \"FILE\"}"
                                     : "use {input_NAME}");
        } else if (name != "input" && !w.inputs.count(name.substr(6))) {
          std::vector<std::string> names;
          for (const auto& [n, f] : w.inputs) names.push_back("input_" + n);
          std::string hint = did_you_mean(name, names, "{", "}");
          check.add(arg_path, "unknown input " + braces(name) + " (not in this workload's inputs)",
                    hint);
        }
        continue;
      }
      if (is_tool && rules.tools) {
        if (!target.tools.count(name.substr(5))) {
          std::vector<std::string> names;
          for (const auto& [n, p] : target.tools) names.push_back("tool_" + n);
          std::string hint = did_you_mean(name, names, "{", "}");
          check.add(arg_path, "unknown tool " + braces(name) + " (not in target.tools)",
                    hint.empty() ? "declare it in target.tools" : hint);
        }
        continue;
      }
      if (rules.allowed.count(name)) continue;
      if (fixed || is_input || is_tool) {
        std::string message = braces(name) + " is not available here";
        if (name == "profile" && !rules.profile_note.empty()) message += rules.profile_note;
        check.add(arg_path, message);
      } else {
        check.add(arg_path, "unknown placeholder " + braces(name),
                  did_you_mean(name, known, "{", "}"));
      }
    }
  }
  for (const std::vector<std::string>& one_of : rules.required) {
    bool found = std::any_of(one_of.begin(), one_of.end(),
                             [&](const std::string& n) { return used.count(n) != 0; });
    if (found) continue;
    std::string names;
    for (const std::string& n : one_of) names += (names.empty() ? "" : " or ") + braces(n);
    check.add(path, "must contain " + names);
  }
}

// Placeholders every template accepts.
std::set<std::string> common_placeholders() { return {"scenario_dir", "workdir"}; }

// ---------------------------------------------------------------------------------------
// Files and packages

// A `go build` package argument relative to the module: checks the directory exists when
// it is a relative path (import paths cannot be checked without the go command).
void check_package(Checker& check, const std::string& path, const std::string& package,
                   const fs::path& module, bool module_ok) {
  if (package.find("...") != std::string::npos) {
    check.add(path, json_quoted(package) + " is a pattern; name one package",
              "e.g. \"./cmd/server\"");
    return;
  }
  bool relative = package == "." || package == ".." || package.rfind("./", 0) == 0 ||
                  package.rfind("../", 0) == 0;
  if (!relative || !module_ok) return;
  std::error_code ec;
  if (!fs::is_directory(module / package, ec)) {
    check.add(path, "package directory " + (module / package).lexically_normal().string() +
                        " does not exist");
  }
}

// ---------------------------------------------------------------------------------------
// The sections

const std::vector<std::string> kRootKeys = {"$schema",   "name",       "description",
                                            "target",    "workloads",  "profiling",
                                            "iterations", "trials",    "convergence"};
const std::vector<std::string> kTargetKeys = {"module_dir", "package", "build_flags",
                                              "env",        "go",      "tools"};
const std::vector<std::string> kWorkloadKeys = {
    "name",   "kind",   "command", "profile_args", "profile_command", "stdin",
    "http",   "gotest", "inputs",  "metric",       "env",             "timeout_seconds",
    "profile_weight"};
const std::vector<std::string> kHttpKeys = {"server_command",      "ready_path",
                                            "ready_timeout_seconds", "load_command",
                                            "profile_load_command", "instances",
                                            "profile_seconds"};
const std::vector<std::string> kGotestKeys = {"bench", "benchtime", "count", "args"};
const std::vector<std::string> kProfilingKeys = {"method", "instances", "normalize"};
const std::vector<std::string> kTrialKeys = {
    "warmup",           "runs",  "min_runs", "max_runs", "target_precision",
    "max_time_seconds", "alpha", "order",    "seed",     "gomaxprocs",
    "pin_cpu"};
const std::vector<std::string> kConvergenceKeys = {"min_gain", "stable_within",
                                                   "oscillation_swing", "max_regression",
                                                   "min_hot_edge_overlap"};

constexpr double kInf = std::numeric_limits<double>::infinity();

void read_target(Checker& check, const json* value, Scenario& s, bool& module_ok) {
  module_ok = false;
  // An absent "target" means every default: the module is the scenario's own directory.
  json empty = json::object();
  ObjectReader r(check, value ? *value : empty, "target", kTargetKeys);
  Target& t = s.target;
  r.read_string("module_dir", t.module_dir);
  r.read_string("package", t.package);
  if (r.read_string_array("build_flags", t.build_flags, false)) {
    static const std::regex owned("--?(pgo|o)(=.*)?");
    for (std::size_t i = 0; i < t.build_flags.size(); ++i) {
      if (matches(t.build_flags[i], owned)) {
        check.add(element("target.build_flags", i),
                  json_quoted(t.build_flags[i]) + " is set by the harness",
                  "the harness chooses -pgo and -o for every build");
      }
    }
  }
  r.read_string_map("env", t.env, env_name_re(), "letters, digits and _", false);
  if (t.env.count("GOCACHE")) {
    check.add("target.env.GOCACHE", "is set by the harness",
              "the run controls the build cache so build times are comparable");
  }
  if (auto it = t.env.find("GOFLAGS"); it != t.env.end()) {
    if (it->second.find("-pgo") != std::string::npos) {
      check.add("target.env.GOFLAGS", "must not contain -pgo",
                "the harness chooses -pgo for every build");
    }
  }
  r.read_string("go", t.go);
  r.read_string_map("tools", t.tools, suffix_re(), "letters, digits and _", true);

  fs::path module = fs::path(s.directory) / t.module_dir;
  std::error_code ec;
  if (fs::path(t.module_dir).is_absolute()) {
    check.add("target.module_dir", "must be relative to the scenario's directory",
              "keeps the scenario usable from any clone");
  } else if (!fs::is_directory(module, ec)) {
    check.add("target.module_dir", "directory " + module.lexically_normal().string() +
                                       " does not exist");
  } else if (!fs::is_regular_file(module / "go.mod", ec)) {
    check.add("target.module_dir",
              "no go.mod in " + module.lexically_normal().string(),
              "module_dir is the directory holding the target's go.mod");
  } else {
    module_ok = true;
  }
  check_package(check, "target.package", t.package, module, module_ok);
  for (const auto& [name, package] : t.tools) {
    check_package(check, "target.tools." + name, package, module, module_ok);
  }
}

void read_http(ObjectReader& w_reader, const json& value, Workload& w) {
  Checker& check = w_reader.check();
  std::string path = w_reader.path_of("http");
  ObjectReader r(check, value, path, kHttpKeys);
  if (!r.ok()) return;
  HttpWorkload& h = w.http;
  r.require("server_command", "e.g. [\"{binary}\", \"-addr\", \"127.0.0.1:{port}\"]");
  r.require("load_command", "e.g. [\"{tool_loadgen}\", \"{urls}\"]");
  r.read_string_array("server_command", h.server_command, true);
  if (r.read_string("ready_path", h.ready_path) && h.ready_path.front() != '/') {
    check.add(r.path_of("ready_path"), "must start with \"/\"");
  }
  r.read_number("ready_timeout_seconds", h.ready_timeout_seconds, 0, kInf, true);
  r.read_string_array("load_command", h.load_command, true);
  if (r.has_value("profile_load_command")) {
    r.read_string_array("profile_load_command", h.profile_load_command, true);
  }
  r.read_int("instances", h.instances, 1, 16);
  r.read_int("profile_seconds", h.profile_seconds, 1, 300);
}

void read_gotest(ObjectReader& w_reader, const json& value, Workload& w) {
  Checker& check = w_reader.check();
  ObjectReader r(check, value, w_reader.path_of("gotest"), kGotestKeys);
  if (!r.ok()) return;
  GotestWorkload& g = w.gotest;
  r.read_string("bench", g.bench);
  if (r.read_string("benchtime", g.benchtime)) {
    // What `go test -benchtime` accepts: N iterations ("100x") or a Go duration.
    static const std::regex benchtime("[0-9]+x|([0-9]+(\\.[0-9]*)?(ns|us|µs|ms|s|m|h))+");
    if (!matches(g.benchtime, benchtime)) {
      check.add(r.path_of("benchtime"), json_quoted(g.benchtime) + " is not a Go benchtime",
                "a duration like \"1s\" or \"200ms\", or iterations like \"500x\"");
    }
  }
  r.read_int("count", g.count, 1, 100);
  r.read_string_array("args", g.args, false);
}

// Reads one workload. Template checks need target.tools, so the target is read first.
void read_workload(Checker& check, const json& value, std::size_t index, Scenario& s) {
  std::string path = element("workloads", index);
  ObjectReader r(check, value, path, kWorkloadKeys);
  Workload w;
  if (!r.ok()) {
    s.workloads.push_back(std::move(w));
    return;
  }
  r.require("name");
  if (r.read_string("name", w.name) && !matches(w.name, identifier_re())) {
    check.add(r.path_of("name"), json_quoted(w.name) + " is not a valid name",
              "letters, digits, '.', '_' and '-', starting with a letter or digit");
  }
  r.read_enum("kind", w.kind, kKindNames, kKinds);
  const std::string kind = to_string(w.kind);

  // Fields that belong to another kind are refused by name rather than ignored.
  struct KindField {
    const char* key;
    WorkloadKind kind;
  };
  for (KindField f : {KindField{"command", WorkloadKind::kCommand},
                      KindField{"profile_args", WorkloadKind::kCommand},
                      KindField{"profile_command", WorkloadKind::kCommand},
                      KindField{"stdin", WorkloadKind::kCommand},
                      KindField{"http", WorkloadKind::kHttp},
                      KindField{"gotest", WorkloadKind::kGotest}}) {
    if (f.kind != w.kind && r.has_value(f.key)) {
      std::string hint;
      if (w.kind == WorkloadKind::kHttp && f.kind == WorkloadKind::kCommand) {
        hint = "kind \"http\" uses http.server_command and http.load_command";
      } else if (w.kind == WorkloadKind::kGotest && f.kind == WorkloadKind::kCommand) {
        hint = "kind \"gotest\" builds its command from the gotest settings; extra "
               "arguments go in gotest.args";
      } else if (f.kind != WorkloadKind::kCommand || w.kind == WorkloadKind::kCommand) {
        hint = "set \"kind\": \"" + to_string(f.kind) + "\" to use it";
      }
      check.add(r.path_of(f.key),
                "is only valid for kind \"" + to_string(f.kind) + "\" (this workload is \"" +
                    kind + "\")",
                hint);
    }
  }

  if (r.read_string_map("inputs", w.inputs, suffix_re(), "letters, digits and _", true)) {
    for (const auto& [name, file] : w.inputs) {
      std::string p = child(r.path_of("inputs"), name);
      if (fs::path(file).is_absolute()) {
        check.add(p, "must be relative to the scenario's directory",
                  "keeps the scenario usable from any clone");
        continue;
      }
      std::error_code ec;
      fs::path resolved = (fs::path(s.directory) / file).lexically_normal();
      if (!fs::is_regular_file(resolved, ec)) {
        check.add(p, "input file " + resolved.string() + " does not exist");
      }
    }
  }

  w.metric = w.kind == WorkloadKind::kGotest ? Metric::kNsPerOp : Metric::kWall;
  if (r.read_enum("metric", w.metric, kMetricNames, kMetrics) &&
      w.metric == Metric::kNsPerOp && w.kind != WorkloadKind::kGotest) {
    check.add(r.path_of("metric"), "\"ns_per_op\" is only valid for kind \"gotest\"",
              "use \"wall\" or \"cpu\"");
  }
  r.read_string_map("env", w.env, env_name_re(), "letters, digits and _", false);
  r.read_number("timeout_seconds", w.timeout_seconds, 0, kInf, true);
  r.read_number("profile_weight", w.profile_weight, 0, kInf);

  const Target& t = s.target;
  std::set<std::string> common = common_placeholders();
  auto with = [&](std::initializer_list<const char*> names) {
    std::set<std::string> out = common;
    for (const char* n : names) out.insert(n);
    return out;
  };

  switch (w.kind) {
    case WorkloadKind::kCommand: {
      r.require("command", "e.g. [\"{binary}\", \"-n\", \"1000\"]");
      bool has_command = r.read_string_array("command", w.command, true);
      bool explicit_profile_command = r.has_value("profile_command");
      if (explicit_profile_command) {
        r.read_string_array("profile_command", w.profile_command, true);
      }
      if (explicit_profile_command && r.has_value("profile_args")) {
        check.add(r.path_of("profile_args"), "cannot be combined with profile_command",
                  "profile_command is the whole profiling template; drop one of them");
      }
      if (explicit_profile_command) {
        w.profile_args.clear();
      } else if (r.has(("profile_args")) && r.get("profile_args")->is_null()) {
        check.add(r.path_of("profile_args"), "is null but profile_command is not set",
                  "profiling runs need profile_args or profile_command");
      } else {
        r.read_string_array("profile_args", w.profile_args, true);
      }
      if (r.has_value("stdin") && r.read_string("stdin", w.stdin_input) &&
          !w.inputs.count(w.stdin_input)) {
        std::vector<std::string> names;
        for (const auto& [n, f] : w.inputs) names.push_back(n);
        std::string hint = did_you_mean(w.stdin_input, names);
        check.add(r.path_of("stdin"),
                  json_quoted(w.stdin_input) + " is not one of this workload's inputs",
                  hint.empty() ? "name an entry of \"inputs\"" : hint);
      }
      TemplateRules command_rules{with({"binary"}), true, true, {{"binary"}},
                                  " (timed runs are never profiled; use profile_args)"};
      if (has_command) {
        check_template(check, r.path_of("command"), w.command, command_rules, w, t);
        if (!explicit_profile_command &&
            std::find(w.command.begin(), w.command.end(), "{binary}") == w.command.end()) {
          check.add(r.path_of("command"),
                    "needs an argument that is exactly \"{binary}\" to insert profile_args "
                    "after",
                    "or give a complete profile_command");
        }
      }
      if (!w.profile_args.empty()) {
        TemplateRules rules{with({"profile"}), false, false, {{"profile"}}, ""};
        check_template(check, r.path_of("profile_args"), w.profile_args, rules, w, t);
      }
      if (!w.profile_command.empty()) {
        TemplateRules rules{with({"binary", "profile"}), true, true, {{"binary"}, {"profile"}},
                            ""};
        check_template(check, r.path_of("profile_command"), w.profile_command, rules, w, t);
      }
      break;
    }
    case WorkloadKind::kHttp: {
      if (!r.has_value("http")) {
        check.add(r.path_of("http"), "required for kind \"http\"",
                  "{\"server_command\": [...], \"load_command\": [...]}");
        break;
      }
      read_http(r, *r.get("http"), w);
      const HttpWorkload& h = w.http;
      std::string hp = r.path_of("http");
      const std::string no_profile = " (the http method fetches profiles over HTTP)";
      if (!h.server_command.empty()) {
        TemplateRules rules{with({"binary", "port"}), true, true, {{"binary"}, {"port"}},
                            no_profile};
        check_template(check, child(hp, "server_command"), h.server_command, rules, w, t);
      }
      TemplateRules load_rules{with({"binary", "port", "urls"}), true, true,
                               {{"urls", "port"}}, no_profile};
      if (!h.load_command.empty()) {
        check_template(check, child(hp, "load_command"), h.load_command, load_rules, w, t);
      }
      if (!h.profile_load_command.empty()) {
        check_template(check, child(hp, "profile_load_command"), h.profile_load_command,
                       load_rules, w, t);
      }
      break;
    }
    case WorkloadKind::kGotest: {
      if (r.has_value("gotest")) read_gotest(r, *r.get("gotest"), w);
      TemplateRules rules{common, true, true, {},
                          " (the harness adds -test.cpuprofile when profiling)"};
      check_template(check, child(r.path_of("gotest"), "args"), w.gotest.args, rules, w, t);
      break;
    }
  }
  s.workloads.push_back(std::move(w));
}

void read_profiling(Checker& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  ObjectReader r(check, *value, "profiling", kProfilingKeys);
  if (!r.ok()) return;
  Profiling& p = s.profiling;
  int method = 0;  // 0 = auto
  if (r.read_enum("method", method, {"auto", "flag", "http", "gotest"}, {0, 1, 2, 3}) &&
      method != 0) {
    p.method = static_cast<ProfileMethod>(method - 1);
  }
  r.read_int("instances", p.instances, 1, 64);
  r.read_bool("normalize", p.normalize);
}

void read_trials(Checker& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  ObjectReader r(check, *value, "trials", kTrialKeys);
  if (!r.ok()) return;
  Trials& t = s.trials;
  r.read_int("warmup", t.warmup, 0, 100);
  r.read_optional_int("runs", t.runs, 2, 10000);
  r.read_int("min_runs", t.min_runs, 2, 10000);
  r.read_int("max_runs", t.max_runs, 2, 10000);
  r.read_number("target_precision", t.target_precision, 0, 0.5);
  r.read_number("max_time_seconds", t.max_time_seconds, 0, kInf, true);
  r.read_number("alpha", t.alpha, 0, 0.5, true);
  r.read_enum("order", t.order, kOrderNames, kOrders);
  if (const json* seed = r.get("seed"); seed != nullptr && !seed->is_null()) {
    if (seed->is_number_unsigned()) {
      t.seed = seed->get<std::uint64_t>();
    } else {
      check.add("trials.seed",
                "expected null or a non-negative integer, got " + type_name(*seed) + " " +
                    show(*seed));
    }
  }
  r.read_optional_int("gomaxprocs", t.gomaxprocs, 1, 1024);
  if (const json* pin = r.get("pin_cpu"); pin != nullptr) {
    if (!pin->is_array()) {
      check.add("trials.pin_cpu", "expected an array of CPU numbers, got " + type_name(*pin) +
                                      " " + show(*pin));
    } else {
      std::vector<int> cpus;
      bool good = true;
      for (std::size_t i = 0; i < pin->size(); ++i) {
        int cpu = 0;
        if (!r.int_value(element("trials.pin_cpu", i), (*pin)[i], cpu, 0, 4095)) {
          good = false;
        } else if (std::find(cpus.begin(), cpus.end(), cpu) != cpus.end()) {
          check.add(element("trials.pin_cpu", i), "CPU " + std::to_string(cpu) + " is listed twice");
          good = false;
        } else {
          cpus.push_back(cpu);
        }
      }
      if (good) t.pin_cpu = std::move(cpus);
    }
  }
}

void read_convergence(Checker& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  ObjectReader r(check, *value, "convergence", kConvergenceKeys);
  if (!r.ok()) return;
  Convergence& c = s.convergence;
  r.read_number("min_gain", c.min_gain, 0, 0.5);
  r.read_number("stable_within", c.stable_within, 0, 0.5);
  r.read_number("oscillation_swing", c.oscillation_swing, 0, 0.5);
  r.read_number("max_regression", c.max_regression, 0, 0.5);
  r.read_number("min_hot_edge_overlap", c.min_hot_edge_overlap, 0, 1);
}

// Rules that span sections; run after every section is read.
void check_across(Checker& check, const json& root, const Scenario& s) {
  const Trials& t = s.trials;
  if (t.min_runs > t.max_runs) {
    check.add("trials.min_runs", std::to_string(t.min_runs) +
                                     " is greater than trials.max_runs (" +
                                     std::to_string(t.max_runs) + ")");
  }
  std::set<std::string> names;
  bool any_weight = false;
  for (std::size_t i = 0; i < s.workloads.size(); ++i) {
    const Workload& w = s.workloads[i];
    std::string path = element("workloads", i);
    if (!w.name.empty() && !names.insert(w.name).second) {
      check.add(child(path, "name"), json_quoted(w.name) + " is used by an earlier workload",
                "workload names must be unique");
    }
    if (w.profile_weight > 0) any_weight = true;
    if (t.gomaxprocs && w.env.count("GOMAXPROCS")) {
      check.add(child(path, "env.GOMAXPROCS"), "conflicts with trials.gomaxprocs",
                "set it in one place");
    }
    if (s.profiling.method && *s.profiling.method != method_of_kind(w.kind)) {
      check.add("profiling.method",
                json_quoted(to_string(*s.profiling.method)) + " does not fit " + path + " (kind " +
                    json_quoted(to_string(w.kind)) + " is profiled with " +
                    json_quoted(to_string(method_of_kind(w.kind))) + ")",
                "use \"auto\"");
    }
  }
  const json* workloads = root.is_object() && root.contains("workloads") ? &root["workloads"]
                                                                          : nullptr;
  if (workloads != nullptr && workloads->is_array() && !workloads->empty() && !any_weight) {
    check.add("workloads", "every profile_weight is 0: the merged profile would be empty",
              "give at least one workload a positive profile_weight");
  }
}

// ---------------------------------------------------------------------------------------
// Parsing: comments allowed, duplicate keys found (nlohmann keeps the last one silently).

struct ParseFrame {
  bool is_object = false;
  std::string path;
  std::set<std::string> keys;
  std::string key;   // object: the key of the member being parsed
  long index = -1;   // array: the index of the element being parsed
};

std::string frame_child_path(const ParseFrame& f) {
  return f.is_object ? child(f.path, f.key) : element(f.path, static_cast<std::size_t>(f.index));
}

std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

std::optional<json> parse_text(Checker& check, const std::string& text) {
  std::vector<ParseFrame> stack;
  auto enter_value = [&]() -> std::string {
    if (stack.empty()) return "";
    ParseFrame& top = stack.back();
    if (!top.is_object) ++top.index;
    return frame_child_path(top);
  };
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        ParseFrame f;
        f.is_object = event == json::parse_event_t::object_start;
        f.path = enter_value();
        stack.push_back(std::move(f));
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case json::parse_event_t::key:
        if (!stack.empty()) {
          ParseFrame& top = stack.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second) {
            check.add(child(top.path, top.key), "duplicate key",
                      "JSON keeps only the last one; remove the other");
          }
        }
        break;
      case json::parse_event_t::value:
        if (!stack.empty() && !stack.back().is_object) ++stack.back().index;
        break;
    }
    return true;
  };
  try {
    return json::parse(text, callback, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    auto [line, column] = line_and_column(text, e.byte);
    std::string what = e.what();
    // nlohmann's message is "[json.exception.parse_error.101] parse error at line 3,
    // column 5: syntax error while parsing ..."; keep the part after the position.
    std::size_t colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    check.add("", "invalid JSON at line " + std::to_string(line) + ", column " +
                      std::to_string(column) + ": " + detail);
    return std::nullopt;
  }
}

[[noreturn]] void throw_problems(const std::string& path, const std::vector<Problem>& problems) {
  auto line = [&](const Problem& p) {
    std::string problem = p.path.empty() ? p.message : p.path + ": " + p.message;
    return std::pair{problem, p.hint};
  };
  if (problems.size() == 1) {
    auto [problem, hint] = line(problems.front());
    throw Error(kStage, path, problem, hint);
  }
  std::string message = std::to_string(problems.size()) + " problems";
  for (const Problem& p : problems) {
    auto [problem, hint] = line(p);
    message += "\n  " + format_error("", path, problem, hint);
  }
  throw Error(kStage, path, message);
}

std::string directory_of(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  fs::path canonical = fs::weakly_canonical(dir, ec);
  return (ec ? dir : canonical).lexically_normal().string();
}

json template_or_null(const std::vector<std::string>& args) {
  return args.empty() ? json(nullptr) : json(args);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Public API

std::string to_string(WorkloadKind k) {
  return kKindNames[static_cast<std::size_t>(
      std::find(kKinds.begin(), kKinds.end(), k) - kKinds.begin())];
}
std::string to_string(Metric m) {
  return kMetricNames[static_cast<std::size_t>(
      std::find(kMetrics.begin(), kMetrics.end(), m) - kMetrics.begin())];
}
std::string to_string(ProfileMethod m) {
  switch (m) {
    case ProfileMethod::kHttp:
      return "http";
    case ProfileMethod::kGotest:
      return "gotest";
    case ProfileMethod::kFlag:
      break;
  }
  return "flag";
}
std::string to_string(TrialOrder o) {
  return o == TrialOrder::kSequential ? "sequential" : "interleaved";
}

const std::vector<std::string>& placeholder_names() {
  static const std::vector<std::string> names = {"binary", "profile", "port",   "urls",
                                                 "input",  "scenario_dir", "workdir"};
  return names;
}

std::string Scenario::module_path() const {
  return (fs::path(directory) / target.module_dir).lexically_normal().string();
}

std::string Scenario::input_path(const Workload& w, const std::string& input_name) const {
  auto it = w.inputs.find(input_name);
  if (it == w.inputs.end()) {
    throw Error(kStage, path, "workload \"" + w.name + "\" has no input \"" + input_name + "\"");
  }
  return (fs::path(directory) / it->second).lexically_normal().string();
}

ProfileMethod Scenario::method_for(const Workload& w) const {
  return profiling.method.value_or(method_of_kind(w.kind));
}

Scenario parse_scenario(const std::string& text, const std::string& path) {
  Checker check;
  Scenario s;
  s.path = path;
  s.directory = directory_of(path);

  std::optional<json> parsed = parse_text(check, text);
  if (!parsed) throw_problems(path, check.problems());
  const json& root = *parsed;

  ObjectReader r(check, root, "", kRootKeys);
  if (r.ok()) {
    r.require("name", "e.g. \"name\": \"my-service\"");
    if (r.read_string("name", s.name) && !matches(s.name, identifier_re())) {
      check.add("name", json_quoted(s.name) + " is not a valid name",
                "letters, digits, '.', '_' and '-', starting with a letter or digit; it "
                "names run directories");
    }
    r.read_string("description", s.description, false);
    if (const json* schema = r.get("$schema"); schema != nullptr && !schema->is_string()) {
      check.add("$schema", "expected a string, got " + type_name(*schema));
    }
    bool module_ok = false;
    read_target(check, r.get("target"), s, module_ok);

    r.require("workloads", "at least one workload");
    if (const json* workloads = r.get("workloads"); workloads != nullptr) {
      if (!workloads->is_array()) {
        check.add("workloads", "expected an array of workloads, got " + type_name(*workloads));
      } else if (workloads->empty()) {
        check.add("workloads", "must contain at least one workload");
      } else if (workloads->size() > 32) {
        check.add("workloads", std::to_string(workloads->size()) + " workloads; at most 32");
      } else {
        for (std::size_t i = 0; i < workloads->size(); ++i) {
          read_workload(check, (*workloads)[i], i, s);
        }
      }
    }
    read_profiling(check, r.get("profiling"), s);
    r.read_int("iterations", s.iterations, 1, 10);
    read_trials(check, r.get("trials"), s);
    read_convergence(check, r.get("convergence"), s);
    check_across(check, root, s);
  }
  if (!check.problems().empty()) throw_problems(path, check.problems());
  return s;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    throw Error(kStage, path, exists ? "cannot read the file" : "no such file",
                exists ? "check its permissions" : "pass the path of a scenario.json");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(kStage, path, "cannot read the file");
  return parse_scenario(text.str(), path);
}

json to_json(const Scenario& s) {
  json target = {
      {"module_dir", s.target.module_dir}, {"package", s.target.package},
      {"build_flags", s.target.build_flags}, {"env", s.target.env},
      {"go", s.target.go},                   {"tools", s.target.tools},
  };
  json workloads = json::array();
  for (const Workload& w : s.workloads) {
    json j = {
        {"name", w.name},
        {"kind", to_string(w.kind)},
        {"inputs", w.inputs},
        {"metric", to_string(w.metric)},
        {"env", w.env},
        {"timeout_seconds", w.timeout_seconds},
        {"profile_weight", w.profile_weight},
    };
    switch (w.kind) {
      case WorkloadKind::kCommand:
        j["command"] = w.command;
        j["profile_args"] = template_or_null(w.profile_args);
        j["profile_command"] = template_or_null(w.profile_command);
        j["stdin"] = w.stdin_input.empty() ? json(nullptr) : json(w.stdin_input);
        break;
      case WorkloadKind::kHttp:
        j["http"] = {
            {"server_command", w.http.server_command},
            {"ready_path", w.http.ready_path},
            {"ready_timeout_seconds", w.http.ready_timeout_seconds},
            {"load_command", w.http.load_command},
            {"profile_load_command", template_or_null(w.http.profile_load_command)},
            {"instances", w.http.instances},
            {"profile_seconds", w.http.profile_seconds},
        };
        break;
      case WorkloadKind::kGotest:
        j["gotest"] = {
            {"bench", w.gotest.bench},
            {"benchtime", w.gotest.benchtime},
            {"count", w.gotest.count},
            {"args", w.gotest.args},
        };
        break;
    }
    workloads.push_back(std::move(j));
  }
  const Trials& t = s.trials;
  json trials = {
      {"warmup", t.warmup},
      {"runs", t.runs ? json(*t.runs) : json(nullptr)},
      {"min_runs", t.min_runs},
      {"max_runs", t.max_runs},
      {"target_precision", t.target_precision},
      {"max_time_seconds", t.max_time_seconds},
      {"alpha", t.alpha},
      {"order", to_string(t.order)},
      {"seed", t.seed ? json(*t.seed) : json(nullptr)},
      {"gomaxprocs", t.gomaxprocs ? json(*t.gomaxprocs) : json(nullptr)},
      {"pin_cpu", t.pin_cpu},
  };
  const Convergence& c = s.convergence;
  return {
      {"name", s.name},
      {"description", s.description},
      {"target", std::move(target)},
      {"workloads", std::move(workloads)},
      {"profiling",
       {{"method", s.profiling.method ? to_string(*s.profiling.method) : "auto"},
        {"instances", s.profiling.instances},
        {"normalize", s.profiling.normalize}}},
      {"iterations", s.iterations},
      {"trials", std::move(trials)},
      {"convergence",
       {{"min_gain", c.min_gain},
        {"stable_within", c.stable_within},
        {"oscillation_swing", c.oscillation_swing},
        {"max_regression", c.max_regression},
        {"min_hot_edge_overlap", c.min_hot_edge_overlap}}},
  };
}

std::string scenario_hash(const Scenario& s) { return sha256_hex(to_json(s).dump()); }

}  // namespace pgo::harness

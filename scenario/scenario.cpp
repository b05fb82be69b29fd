#include "scenario/scenario.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"
#include "base/json_reader.h"
#include "base/sha256.h"
#include "process/command_template.h"

namespace pgo::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kStage = "scenario";
constexpr double kInf = std::numeric_limits<double>::infinity();

// lexically_normal keeps a trailing separator ("dir/." -> "dir/"); paths handed to other
// code should not carry one.
std::string normal_path(const fs::path& p) {
  fs::path n = p.lexically_normal();
  if (n.has_relative_path() && n.filename().empty()) n = n.parent_path();
  return n.string();
}

// Name rules are written out rather than as std::regex: <regex> is slow to compile and
// trips GCC 12's -Wmaybe-uninitialized under the sanitizer build.
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Names of scenarios and workloads (they name directories and files):
// [A-Za-z0-9][A-Za-z0-9._-]*
bool valid_identifier(const std::string& s) {
  return !s.empty() && is_alnum(s[0]) && std::all_of(s.begin(), s.end(), [](char c) {
    return is_alnum(c) || c == '.' || c == '_' || c == '-';
  });
}
// Names that become part of a placeholder ({input_NAME}, {tool_NAME}): [A-Za-z0-9_]+
bool valid_suffix(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '_'; });
}
// Environment variable names: [A-Za-z_][A-Za-z0-9_]*
bool valid_env_name(const std::string& s) { return valid_suffix(s) && !is_digit(s[0]); }

// -pgo, --pgo, -pgo=X, -o, --o=X: flags whose value the harness chooses.
bool harness_owned_flag(const std::string& flag) {
  std::size_t dashes = flag.rfind("--", 0) == 0 ? 2 : flag.rfind('-', 0) == 0 ? 1 : 0;
  if (dashes == 0) return false;
  std::string name = flag.substr(dashes, flag.find('=') - dashes);
  return name == "pgo" || name == "o";
}

// What `go test -benchtime` accepts: N iterations ("100x") or a Go duration ("1.5s",
// "1m30s", "10us", "10µs").
bool valid_benchtime(const std::string& s) {
  if (s.size() >= 2 && s.back() == 'x') {
    return std::all_of(s.begin(), s.end() - 1, is_digit);
  }
  static const std::vector<std::string> units = {"ns", "us", "\xc2\xb5s", "\xce\xbcs",
                                                 "ms", "s",  "m",         "h"};
  std::size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
    auto unit = std::find_if(units.begin(), units.end(),
                             [&](const std::string& u) { return s.compare(i, u.size(), u) == 0; });
    if (unit == units.end()) return false;
    i += unit->size();
    any = true;
  }
  return any;
}

// ---------------------------------------------------------------------------------------
// Enum spellings

const std::vector<std::string> kKindNames = {"command", "http", "gotest"};
const std::vector<WorkloadKind> kKinds = {WorkloadKind::kCommand, WorkloadKind::kHttp,
                                          WorkloadKind::kGotest};
const std::vector<std::string> kMetricNames = {
    "wall", "cpu", "ns_per_op", "instructions", "cycles_estimate", "hw_instructions", "hw_cycles"};
const std::vector<Metric> kMetrics = {Metric::kWall,           Metric::kCpu,
                                      Metric::kNsPerOp,        Metric::kInstructions,
                                      Metric::kCyclesEstimate, Metric::kHwInstructions,
                                      Metric::kHwCycles};
const std::vector<std::string> kOrderNames = {"interleaved", "sequential"};
const std::vector<TrialOrder> kOrders = {TrialOrder::kInterleaved, TrialOrder::kSequential};
const std::vector<std::string> kGotestDirectoryNames = {"package", "workdir"};
const std::vector<GotestDirectory> kGotestDirectories = {GotestDirectory::kPackage,
                                                         GotestDirectory::kWorkdir};

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
  std::string profile_note;                        // why {profile} is refused here, if it is
};

std::string braces(const std::string& name) { return "{" + name + "}"; }

void check_template(JsonProblems& check, const std::string& path,
                    const std::vector<std::string>& args, const TemplateRules& rules,
                    const Workload& w, const Target& target) {
  std::vector<std::string> known = placeholder_names();
  for (const auto& [name, file] : w.inputs) known.push_back("input_" + name);
  for (const auto& [name, package] : target.tools) known.push_back("tool_" + name);

  std::set<std::string> used;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg_path = json_element_path(path, i);
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
                    w.inputs.empty() ? "add \"inputs\": {\"NAME\": \"FILE\"}" : "use {input_NAME}");
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
void check_package(JsonProblems& check, const std::string& path, const std::string& package,
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
    check.add(path, "package directory " + normal_path(module / package) + " does not exist");
  }
}

// ---------------------------------------------------------------------------------------
// The sections

const std::vector<std::string> kRootKeys = {"$schema",     "name",      "description", "target",
                                            "workloads",   "profiling", "iterations",  "trials",
                                            "convergence", "profile",   "counting"};
const std::vector<std::string> kTargetKeys = {"module_dir", "package", "build_flags",
                                              "env",        "go",      "tools"};
const std::vector<std::string> kWorkloadKeys = {
    "name",   "kind",   "command", "profile_args", "profile_command", "stdin",         "http",
    "gotest", "inputs", "metric",  "env",          "timeout_seconds", "profile_weight"};
const std::vector<std::string> kHttpKeys = {
    "server_command",       "ready_path", "ready_timeout_seconds", "load_command",
    "profile_load_command", "instances",  "profile_seconds"};
const std::vector<std::string> kGotestKeys = {"bench", "benchtime", "count", "args",
                                              "working_directory"};
const std::vector<std::string> kProfilingKeys = {"method", "instances", "normalize"};
const std::vector<std::string> kTrialKeys = {
    "warmup", "runs",  "min_runs", "max_runs",   "target_precision", "max_time_seconds",
    "alpha",  "order", "seed",     "gomaxprocs", "pin_cpu"};
const std::vector<std::string> kCountingKeys = {
    "gomaxprocs", "gogc",      "gomemlimit",      "godebug",    "min_runs",
    "max_runs",   "tolerance", "spread_multiple", "min_effect", "gotest_iterations"};
const std::vector<std::string> kConvergenceKeys = {"min_gain", "stable_within", "oscillation_swing",
                                                   "max_regression", "min_hot_edge_overlap"};

void read_target(JsonProblems& check, const json* value, Scenario& s, bool& module_ok,
                 bool check_files) {
  module_ok = false;
  // An absent "target" means every default: the module is the scenario's own directory.
  json empty = json::object();
  JsonObjectReader r(check, value ? *value : empty, "target", kTargetKeys);
  Target& t = s.target;
  r.read_string("module_dir", t.module_dir);
  r.read_string("package", t.package);
  if (r.read_string_array("build_flags", t.build_flags, false)) {
    for (std::size_t i = 0; i < t.build_flags.size(); ++i) {
      if (harness_owned_flag(t.build_flags[i])) {
        check.add(json_element_path("target.build_flags", i),
                  json_quoted(t.build_flags[i]) + " is set by the harness",
                  "the harness chooses -pgo and -o for every build");
      }
    }
  }
  r.read_string_map("env", t.env, valid_env_name, "letters, digits and _", false);
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
  r.read_string_map("tools", t.tools, valid_suffix, "letters, digits and _", true);

  // Paths in a scenario (module_dir, inputs) are absolute, or relative to the scenario's
  // directory and free to leave it with "..": a scenario kept in a separate benchmarks
  // repository points at the service's checkout (scenarios/README.md, "Paths").
  if (!check_files) return;
  fs::path module = normal_path(fs::path(s.directory) / t.module_dir);
  std::error_code ec;
  if (!fs::is_directory(module, ec)) {
    check.add("target.module_dir", "directory " + normal_path(module) + " does not exist");
  } else if (!fs::is_regular_file(module / "go.mod", ec)) {
    check.add("target.module_dir", "no go.mod in " + normal_path(module),
              "module_dir is the directory holding the target's go.mod");
  } else {
    module_ok = true;
  }
  check_package(check, "target.package", t.package, module, module_ok);
  for (const auto& [name, package] : t.tools) {
    check_package(check, "target.tools." + name, package, module, module_ok);
  }
}

void read_http(JsonObjectReader& w_reader, const json& value, Workload& w) {
  JsonProblems& check = w_reader.problems();
  std::string path = w_reader.path_of("http");
  JsonObjectReader r(check, value, path, kHttpKeys);
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

void read_gotest(JsonObjectReader& w_reader, const json& value, Workload& w) {
  JsonProblems& check = w_reader.problems();
  JsonObjectReader r(check, value, w_reader.path_of("gotest"), kGotestKeys);
  if (!r.ok()) return;
  GotestWorkload& g = w.gotest;
  r.read_string("bench", g.bench);
  if (r.read_string("benchtime", g.benchtime)) {
    // What `go test -benchtime` accepts: N iterations ("100x") or a Go duration.
    if (!valid_benchtime(g.benchtime)) {
      check.add(r.path_of("benchtime"), json_quoted(g.benchtime) + " is not a Go benchtime",
                "a duration like \"1s\" or \"200ms\", or iterations like \"500x\"");
    }
  }
  r.read_int("count", g.count, 1, 100);
  r.read_string_array("args", g.args, false);
  r.read_enum("working_directory", g.working_directory, kGotestDirectoryNames, kGotestDirectories);
}

// Reads one workload. Template checks need target.tools, so the target is read first.
void read_workload(JsonProblems& check, const json& value, std::size_t index, Scenario& s,
                   bool check_files) {
  std::string path = json_element_path("workloads", index);
  JsonObjectReader r(check, value, path, kWorkloadKeys);
  Workload w;
  if (!r.ok()) {
    s.workloads.push_back(std::move(w));
    return;
  }
  r.require("name");
  if (r.read_string("name", w.name) && !valid_identifier(w.name)) {
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
  for (KindField f :
       {KindField{"command", WorkloadKind::kCommand},
        KindField{"profile_args", WorkloadKind::kCommand},
        KindField{"profile_command", WorkloadKind::kCommand},
        KindField{"stdin", WorkloadKind::kCommand}, KindField{"http", WorkloadKind::kHttp},
        KindField{"gotest", WorkloadKind::kGotest}}) {
    if (f.kind != w.kind && r.has_value(f.key)) {
      std::string hint;
      if (w.kind == WorkloadKind::kHttp && f.kind == WorkloadKind::kCommand) {
        hint = "kind \"http\" uses http.server_command and http.load_command";
      } else if (w.kind == WorkloadKind::kGotest && f.kind == WorkloadKind::kCommand) {
        hint =
            "kind \"gotest\" builds its command from the gotest settings; extra "
            "arguments go in gotest.args";
      } else if (f.kind != WorkloadKind::kCommand || w.kind == WorkloadKind::kCommand) {
        hint = "set \"kind\": \"" + to_string(f.kind) + "\" to use it";
      }
      check.add(r.path_of(f.key),
                "is only valid for kind \"" + to_string(f.kind) + "\" (this workload is \"" + kind +
                    "\")",
                hint);
    }
  }

  // Every well-formed entry is checked even when another one is not.
  r.read_string_map("inputs", w.inputs, valid_suffix, "letters, digits and _", true);
  if (check_files) {
    for (const auto& [name, file] : w.inputs) {
      std::string p = json_child_path(r.path_of("inputs"), name);
      std::error_code ec;
      fs::path resolved = normal_path(fs::path(s.directory) / file);
      if (!fs::is_regular_file(resolved, ec)) {
        check.add(p, "input file " + resolved.string() + " does not exist");
      }
    }
  }

  w.metric = w.kind == WorkloadKind::kGotest ? Metric::kNsPerOp : Metric::kWall;
  if (r.read_enum("metric", w.metric, kMetricNames, kMetrics) && w.metric == Metric::kNsPerOp &&
      w.kind != WorkloadKind::kGotest) {
    check.add(r.path_of("metric"), "\"ns_per_op\" is only valid for kind \"gotest\"",
              "use \"wall\" or \"cpu\"");
  }
  // Hardware counters attach to running servers (run/workload_runner.h); cachegrind cannot.
  if (is_counting(w.metric) && !is_hardware_counted(w.metric) && w.kind == WorkloadKind::kHttp) {
    check.add(r.path_of("metric"),
              json_quoted(to_string(w.metric)) +
                  " cannot be measured for kind \"http\": counting runs the program under "
                  "cachegrind, which makes servers too slow to answer the load generator",
              "use \"cpu\" for http workloads, \"hw_instructions\" or \"hw_cycles\" where the "
              "machine has hardware counters, or count a command or gotest workload that "
              "exercises the same code");
  }
  r.read_string_map("env", w.env, valid_env_name, "letters, digits and _", false);
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
      TemplateRules command_rules{with({"binary"}),
                                  true,
                                  true,
                                  {{"binary"}},
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
        TemplateRules rules{with({"binary", "profile"}), true, true, {{"binary"}, {"profile"}}, ""};
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
        TemplateRules rules{
            with({"binary", "port"}), true, true, {{"binary"}, {"port"}}, no_profile};
        check_template(check, json_child_path(hp, "server_command"), h.server_command, rules, w, t);
      }
      TemplateRules load_rules{
          with({"binary", "port", "urls"}), true, true, {{"urls", "port"}}, no_profile};
      if (!h.load_command.empty()) {
        check_template(check, json_child_path(hp, "load_command"), h.load_command, load_rules, w,
                       t);
      }
      if (!h.profile_load_command.empty()) {
        check_template(check, json_child_path(hp, "profile_load_command"), h.profile_load_command,
                       load_rules, w, t);
      }
      break;
    }
    case WorkloadKind::kGotest: {
      if (r.has_value("gotest")) read_gotest(r, *r.get("gotest"), w);
      TemplateRules rules{
          common, true, true, {}, " (the harness adds -test.cpuprofile when profiling)"};
      check_template(check, json_child_path(r.path_of("gotest"), "args"), w.gotest.args, rules, w,
                     t);
      break;
    }
  }
  s.workloads.push_back(std::move(w));
}

void read_profiling(JsonProblems& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  JsonObjectReader r(check, *value, "profiling", kProfilingKeys);
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

void read_trials(JsonProblems& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  JsonObjectReader r(check, *value, "trials", kTrialKeys);
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
      check.add("trials.seed", "expected null or a non-negative integer, got " +
                                   json_type_name(*seed) + " " + json_shown(*seed));
    }
  }
  r.read_optional_int("gomaxprocs", t.gomaxprocs, 1, 1024);
  if (const json* pin = r.get("pin_cpu"); pin != nullptr) {
    if (!pin->is_array()) {
      check.add("trials.pin_cpu", "expected an array of CPU numbers, got " + json_type_name(*pin) +
                                      " " + json_shown(*pin));
    } else {
      std::vector<int> cpus;
      bool good = true;
      for (std::size_t i = 0; i < pin->size(); ++i) {
        int cpu = 0;
        if (!r.int_value(json_element_path("trials.pin_cpu", i), (*pin)[i], cpu, 0, 4095)) {
          good = false;
        } else if (std::find(cpus.begin(), cpus.end(), cpu) != cpus.end()) {
          check.add(json_element_path("trials.pin_cpu", i),
                    "CPU " + std::to_string(cpu) + " is listed twice");
          good = false;
        } else {
          cpus.push_back(cpu);
        }
      }
      if (good) t.pin_cpu = std::move(cpus);
    }
  }
}

void read_counting(JsonProblems& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  JsonObjectReader r(check, *value, "counting", kCountingKeys);
  if (!r.ok()) return;
  Counting& c = s.counting;
  r.read_int("gomaxprocs", c.gomaxprocs, 1, 1024);
  r.read_string("gogc", c.gogc);
  r.read_string("gomemlimit", c.gomemlimit);
  r.read_string("godebug", c.godebug, false);
  r.read_int("min_runs", c.min_runs, 1, 100);
  r.read_int("max_runs", c.max_runs, 1, 100);
  r.read_number("tolerance", c.tolerance, 0, 0.5);
  r.read_number("spread_multiple", c.spread_multiple, 0, 100);
  r.read_number("min_effect", c.min_effect, 0, 0.5);
  r.read_int("gotest_iterations", c.gotest_iterations, 1, 1000000000);
}

void read_convergence(JsonProblems& check, const json* value, Scenario& s) {
  if (value == nullptr) return;
  JsonObjectReader r(check, *value, "convergence", kConvergenceKeys);
  if (!r.ok()) return;
  Convergence& c = s.convergence;
  r.read_number("min_gain", c.min_gain, 0, 0.5);
  r.read_number("stable_within", c.stable_within, 0, 0.5);
  r.read_number("oscillation_swing", c.oscillation_swing, 0, 0.5);
  r.read_number("max_regression", c.max_regression, 0, 0.5);
  r.read_number("min_hot_edge_overlap", c.min_hot_edge_overlap, 0, 1);
}

std::string to_lower_ascii(std::string s) {
  for (char& c : s) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return s;
}

// Rules that span sections; run after every section is read.
void check_across(JsonProblems& check, const json& root, const Scenario& s) {
  const Trials& t = s.trials;
  if (s.counting.min_runs > s.counting.max_runs) {
    check.add("counting.min_runs", std::to_string(s.counting.min_runs) +
                                       " is greater than counting.max_runs (" +
                                       std::to_string(s.counting.max_runs) + ")");
  }
  if (t.min_runs > t.max_runs) {
    check.add("trials.min_runs", std::to_string(t.min_runs) + " is greater than trials.max_runs (" +
                                     std::to_string(t.max_runs) + ")");
  }
  std::set<std::string> names;
  bool any_weight = false;
  for (std::size_t i = 0; i < s.workloads.size(); ++i) {
    const Workload& w = s.workloads[i];
    std::string path = json_element_path("workloads", i);
    if (!w.name.empty() && !names.insert(w.name).second) {
      check.add(json_child_path(path, "name"),
                json_quoted(w.name) + " is used by an earlier workload",
                "workload names must be unique");
    }
    if (w.profile_weight > 0) any_weight = true;
    if (is_counting(w.metric)) {
      for (const char* name : {"GOMAXPROCS", "GOGC", "GOMEMLIMIT", "GODEBUG"}) {
        if (w.env.count(name)) {
          check.add(
              json_child_path(path, std::string("env.") + name),
              "conflicts with the counting settings of metric " + json_quoted(to_string(w.metric)),
              "set it as counting." + to_lower_ascii(name));
        }
      }
    }
    if (t.gomaxprocs && w.env.count("GOMAXPROCS")) {
      check.add(json_child_path(path, "env.GOMAXPROCS"), "conflicts with trials.gomaxprocs",
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
  const json* workloads =
      root.is_object() && root.contains("workloads") ? &root["workloads"] : nullptr;
  if (workloads != nullptr && workloads->is_array() && !workloads->empty() && !any_weight) {
    check.add("workloads", "every profile_weight is 0: the merged profile would be empty",
              "give at least one workload a positive profile_weight");
  }
}

std::string directory_of(const std::string& path) {
  std::error_code ec;
  fs::path dir = fs::absolute(fs::path(path), ec).parent_path();
  fs::path canonical = fs::weakly_canonical(dir, ec);
  return normal_path(ec ? dir : canonical);
}

json template_or_null(const std::vector<std::string>& args) {
  return args.empty() ? json(nullptr) : json(args);
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Public API

std::string to_string(WorkloadKind k) {
  return kKindNames[static_cast<std::size_t>(std::find(kKinds.begin(), kKinds.end(), k) -
                                             kKinds.begin())];
}
bool is_counting(Metric m) {
  return m == Metric::kInstructions || m == Metric::kCyclesEstimate || is_hardware_counted(m);
}
bool is_hardware_counted(Metric m) {
  return m == Metric::kHwInstructions || m == Metric::kHwCycles;
}

std::string to_string(Metric m) {
  return kMetricNames[static_cast<std::size_t>(std::find(kMetrics.begin(), kMetrics.end(), m) -
                                               kMetrics.begin())];
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

std::string to_string(GotestDirectory d) {
  return d == GotestDirectory::kWorkdir ? "workdir" : "package";
}

const std::vector<std::string>& placeholder_names() {
  static const std::vector<std::string> names = {"binary", "profile",      "port",   "urls",
                                                 "input",  "scenario_dir", "workdir"};
  return names;
}

std::string Scenario::module_path() const {
  return normal_path(fs::path(directory) / target.module_dir);
}

std::string Scenario::package_path() const {
  const std::string& package = target.package;
  bool relative = package == "." || package == ".." || package.rfind("./", 0) == 0 ||
                  package.rfind("../", 0) == 0;
  if (relative) return normal_path(fs::path(module_path()) / package);
  // An import path: find the main module's path in go.mod's `module` line.
  std::ifstream in(fs::path(module_path()) / "go.mod");
  std::string line, module;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string word;
    if (words >> word && word == "module" && words >> module) {
      if (module.size() >= 2 && module.front() == '"' && module.back() == '"') {
        module = module.substr(1, module.size() - 2);
      }
      break;
    }
  }
  if (!module.empty() && package == module) return module_path();
  if (!module.empty() && package.rfind(module + "/", 0) == 0) {
    return normal_path(fs::path(module_path()) / package.substr(module.size() + 1));
  }
  throw Error(kStage, path,
              "target.package " + json_quoted(package) + " is not in the main module" +
                  (module.empty() ? std::string() : " (" + module + ")") +
                  ", so its source directory is unknown",
              "name the package relative to module_dir, e.g. \"./codec\"");
}

std::string Scenario::input_path(const Workload& w, const std::string& input_name) const {
  auto it = w.inputs.find(input_name);
  if (it == w.inputs.end()) {
    throw Error(kStage, path, "workload \"" + w.name + "\" has no input \"" + input_name + "\"");
  }
  return normal_path(fs::path(directory) / it->second);
}

ProfileMethod Scenario::method_for(const Workload& w) const {
  return profiling.method.value_or(method_of_kind(w.kind));
}

namespace {

// Everything parse_scenario checks, on JSON already parsed; the file-system checks (module
// directory, packages, input files) only with `check_files`.
void read_scenario(JsonProblems& check, const json& root, Scenario& s, bool check_files) {
  JsonObjectReader r(check, root, "", kRootKeys);
  if (!r.ok()) return;
  r.require("name", "e.g. \"name\": \"my-service\"");
  if (r.read_string("name", s.name) && !valid_identifier(s.name)) {
    check.add("name", json_quoted(s.name) + " is not a valid name",
              "letters, digits, '.', '_' and '-', starting with a letter or digit; it "
              "names run directories");
  }
  r.read_string("description", s.description, false);
  if (const json* schema = r.get("$schema"); schema != nullptr && !schema->is_string()) {
    check.add("$schema", "expected a string, got " + json_type_name(*schema));
  }
  bool module_ok = false;
  read_target(check, r.get("target"), s, module_ok, check_files);

  r.require("workloads", "at least one workload");
  if (const json* workloads = r.get("workloads"); workloads != nullptr) {
    if (!workloads->is_array()) {
      check.add("workloads", "expected an array of workloads, got " + json_type_name(*workloads));
    } else if (workloads->empty()) {
      check.add("workloads", "must contain at least one workload");
    } else if (workloads->size() > 32) {
      check.add("workloads", std::to_string(workloads->size()) + " workloads; at most 32");
    } else {
      for (std::size_t i = 0; i < workloads->size(); ++i) {
        read_workload(check, (*workloads)[i], i, s, check_files);
      }
    }
  }
  read_profiling(check, r.get("profiling"), s);
  r.read_int("iterations", s.iterations, 1, 10);
  if (r.read_string("profile", s.profile, false) && !s.profile.empty() && s.profile != "auto") {
    check.add("profile", "\"" + s.profile + "\" is not a profile setting",
              "\"auto\" evaluates the package's default.pgo; leave it out to collect profiles");
  }
  read_trials(check, r.get("trials"), s);
  read_convergence(check, r.get("convergence"), s);
  read_counting(check, r.get("counting"), s);
  check_across(check, root, s);
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& path) {
  JsonProblems check;
  Scenario s;
  s.path = path;
  s.directory = directory_of(path);
  std::optional<json> parsed = parse_json_checked(text, check);
  if (!parsed) throw_json_problems(kStage, path, check.list());
  read_scenario(check, *parsed, s, /*check_files=*/true);
  if (!check.list().empty()) throw_json_problems(kStage, path, check.list());
  return s;
}

Scenario scenario_from_json(const json& j, const std::string& path, JsonProblems& problems) {
  Scenario s;
  s.path = path;
  s.directory = directory_of(path);
  read_scenario(problems, j, s, /*check_files=*/false);
  return s;
}

Trials trials_from_json(const json& j, JsonProblems& problems) {
  Scenario s;
  read_trials(problems, &j, s);
  return s.trials;
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;  // ENOENT, ELOOP (a symlink loop), EACCES, ...
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    throw Error(kStage, path,
                exists ? "cannot read the file: " + pgo::describe_path_error(error)
                       : (ec ? pgo::describe_path_error(ec.value()) : "no such file"),
                exists ? "check its permissions" : "pass the path of a scenario.json");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw Error(kStage, path, "cannot read the file");
  return parse_scenario(text.str(), path);
}

json to_json(const Trials& t) {
  return {
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
}

json to_json(const Scenario& s) {
  json target = {
      {"module_dir", s.target.module_dir},
      {"package", s.target.package},
      {"build_flags", s.target.build_flags},
      {"env", s.target.env},
      {"go", s.target.go},
      {"tools", s.target.tools},
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
            {"working_directory", to_string(w.gotest.working_directory)},
        };
        break;
    }
    workloads.push_back(std::move(j));
  }
  const Convergence& c = s.convergence;
  json out = {
      {"name", s.name},
      {"description", s.description},
      {"target", std::move(target)},
      {"workloads", std::move(workloads)},
      {"profiling",
       {{"method", s.profiling.method ? to_string(*s.profiling.method) : "auto"},
        {"instances", s.profiling.instances},
        {"normalize", s.profiling.normalize}}},
      {"iterations", s.iterations},
      {"trials", to_json(s.trials)},
      {"convergence",
       {{"min_gain", c.min_gain},
        {"stable_within", c.stable_within},
        {"oscillation_swing", c.oscillation_swing},
        {"max_regression", c.max_regression},
        {"min_hot_edge_overlap", c.min_hot_edge_overlap}}},
  };
  // Only when set, so that the hash of every scenario without it stays what it was.
  if (!s.profile.empty()) out["profile"] = s.profile;
  // Only scenarios that count carry the section, so that adding it left the hash of every
  // earlier scenario unchanged.
  if (std::any_of(s.workloads.begin(), s.workloads.end(),
                  [](const Workload& w) { return is_counting(w.metric); })) {
    const Counting& k = s.counting;
    out["counting"] = {{"gomaxprocs", k.gomaxprocs}, {"gogc", k.gogc},
                       {"gomemlimit", k.gomemlimit}, {"godebug", k.godebug},
                       {"min_runs", k.min_runs},     {"max_runs", k.max_runs},
                       {"tolerance", k.tolerance},   {"spread_multiple", k.spread_multiple},
                       {"min_effect", k.min_effect}, {"gotest_iterations", k.gotest_iterations}};
  }
  return out;
}

std::string scenario_hash(const Scenario& s) { return sha256_hex(to_json(s).dump()); }

}  // namespace pgo::harness

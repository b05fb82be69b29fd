#include "reports/run_report_json.h"

#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/file_io.h"

namespace pgo::reports {

using harness::RunReport;
using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json comparison_to_json(const harness::Comparison& c) {
  json out{{"build", c.build},
           {"against", c.against},
           {"time_ratio", optional_number(c.time_ratio)},
           {"time_ratio_ci_lower", optional_number(c.time_ratio_ci_lower)},
           {"time_ratio_ci_upper", optional_number(c.time_ratio_ci_upper)},
           {"speedup", optional_number(c.speedup)},
           {"p_value", optional_number(c.p_value)},
           {"verdict", harness::to_string(c.verdict)},
           {"method", harness::to_string(c.method)}};
  if (c.pairs) out["pairs"] = *c.pairs;  // paired comparisons only
  return out;
}

json phase_to_json(const harness::PhaseRecord& p) {
  return json{{"name", p.name},
              {"status", harness::to_string(p.status)},
              {"started_at", p.started_at},
              {"wall_seconds", p.wall_seconds},
              {"child_seconds", p.child_seconds},
              {"error", p.error}};
}

json build_to_json(const harness::BuildRecord& b) {
  json j{{"label", b.label},
         {"iteration", b.iteration},
         {"pgo", b.pgo},
         {"profile_sha256", b.profile_sha256},
         {"pgo_build_setting", b.pgo_build_setting},
         {"binary", b.binary},
         {"binary_size_bytes", b.binary_size_bytes},
         {"binary_sha256", b.binary_sha256},
         {"build_seconds", b.build_seconds},
         {"log", b.log}};
  if (b.staleness) {
    json missing = json::array();
    for (const auto& m : b.staleness->hottest_missing) {
      missing.push_back(json{{"name", m.name}, {"weight", m.weight}});
    }
    j["staleness"] = json{{"function_names_from", b.staleness->function_names_from},
                          {"total_share", b.staleness->total_share},
                          {"hot_share", b.staleness->hot_share},
                          {"missing_functions", b.staleness->missing_functions},
                          {"hottest_missing", std::move(missing)}};
  }
  return j;
}

json profile_to_json(const harness::IterationProfile& p) {
  json inputs = json::array();
  for (const harness::ProfileInput& in : p.inputs) {
    inputs.push_back(json{{"workload", in.workload},
                          {"instance", in.instance},
                          {"path", in.path},
                          {"samples", in.samples},
                          {"pgo_weight", in.pgo_weight},
                          {"scale", in.scale},
                          {"sha256", in.sha256.empty() ? json(nullptr) : json(in.sha256)},
                          {"url", in.url.empty() ? json(nullptr) : json(in.url)},
                          {"window_seconds", in.window_seconds}});
  }
  json edges = json::array();
  for (const harness::HotEdge& e : p.view.top_hot_edges) {
    edges.push_back(json{{"caller", e.caller},
                         {"callee", e.callee},
                         {"offset", e.offset},
                         {"weight", e.weight},
                         {"share", e.share}});
  }
  json overlap = nullptr;
  if (p.overlap_with_previous) {
    overlap = json{{"hot_coverage", p.overlap_with_previous->hot_coverage},
                   {"weighted_overlap", p.overlap_with_previous->weighted_overlap},
                   {"hot_jaccard", p.overlap_with_previous->hot_jaccard}};
  }
  return json{{"iteration", p.iteration},
              {"collected_from", p.collected_from},
              {"inputs", std::move(inputs)},
              {"merged_path", p.merged_path},
              {"merged_sha256", p.merged_sha256},
              {"merged_size_bytes", p.merged_size_bytes},
              {"view",
               {{"samples", p.view.samples},
                {"total_weight", p.view.total_weight},
                {"edges", p.view.edges},
                {"hot_edges", p.view.hot_edges},
                {"hot_callees", p.view.hot_callees},
                {"top_hot_edges", std::move(edges)}}},
              {"overlap_with_previous", std::move(overlap)}};
}

json trials_to_json(const harness::TrialSeries& t) {
  json out{{"workload", t.workload},
           {"build", t.build},
           {"metric", t.metric},
           {"unit", t.unit},
           {"values", t.values},
           {"wall_seconds", t.wall_seconds},
           {"peak_rss_bytes", t.peak_rss_bytes},
           {"failed_runs", t.failed_runs},
           {"median", optional_number(t.median)},
           {"ci_lower", optional_number(t.ci_lower)},
           {"ci_upper", optional_number(t.ci_upper)},
           {"relative_half_width", optional_number(t.relative_half_width)},
           {"precision_reached", t.precision_reached},
           {"outliers", t.outliers}};
  if (!t.rounds.empty()) out["rounds"] = t.rounds;  // interleaved trials only
  // Counting series only, so that reports of timed runs read as before.
  if (t.spread) out["spread"] = *t.spread;
  if (t.deterministic) out["deterministic"] = *t.deterministic;
  if (!t.counts.empty()) out["counts"] = t.counts;
  if (!t.run_settings.empty()) out["run_settings"] = t.run_settings;
  return out;
}

json analysis_to_json(const harness::Analysis& a) {
  json workloads = json::array();
  for (const harness::WorkloadAnalysis& w : a.workloads) {
    json iterations = json::array();
    for (const harness::IterationAnalysis& it : w.iterations) {
      iterations.push_back(json{
          {"build", it.build},
          {"iteration", it.iteration},
          {"vs_off", comparison_to_json(it.vs_off)},
          {"vs_previous", it.vs_previous ? comparison_to_json(*it.vs_previous) : json(nullptr)}});
    }
    workloads.push_back(json{
        {"workload", w.workload}, {"metric", w.metric}, {"iterations", std::move(iterations)}});
  }
  json geomean = json::array();
  for (const harness::GeomeanSpeedup& g : a.geomean) {
    geomean.push_back(json{{"build", g.build},
                           {"iteration", g.iteration},
                           {"speedup", optional_number(g.speedup)},
                           {"ci_lower", optional_number(g.ci_lower)},
                           {"ci_upper", optional_number(g.ci_upper)},
                           {"significant", g.significant}});
  }
  json overhead = json::array();
  for (const harness::BuildOverhead& o : a.overhead) {
    overhead.push_back(json{{"build", o.build},
                            {"build_time_ratio", o.build_time_ratio},
                            {"binary_size_ratio", o.binary_size_ratio}});
  }
  return json{
      {"workloads", std::move(workloads)},
      {"geomean", std::move(geomean)},
      {"overhead", std::move(overhead)},
      {"build_times_comparable", a.build_times_comparable},
      {"verdict",
       {{"kind", harness::to_string(a.verdict.kind)},
        {"converged_at", a.verdict.converged_at ? json(*a.verdict.converged_at) : json(nullptr)},
        {"explanation", a.verdict.explanation}}}};
}

// --- Strict reading ----------------------------------------------------------------------

std::string type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return "an integer";
    case json::value_t::number_float:
      return "a number";
    case json::value_t::object:
      return "an object";
    case json::value_t::array:
      return "an array";
    default:
      return "an unsupported value";
  }
}

// Walks the JSON with the path of every value in hand, so that the first problem found
// names exactly where it is.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw Error("report", file_, path + ": " + problem,
                "report.json must be written by pgo-harness; re-run `pgo-harness run`");
  }

  const json& field(const json& object, const std::string& path, const char* key) const {
    if (!object.is_object()) fail(path, "expected an object, got " + type_name(object));
    auto it = object.find(key);
    if (it == object.end()) fail(path, std::string("missing field \"") + key + "\"");
    return *it;
  }

  std::string string(const json& object, const std::string& path, const char* key) const {
    const json& v = field(object, path, key);
    if (!v.is_string()) fail(path + "." + key, "expected a string, got " + type_name(v));
    return v.get<std::string>();
  }

  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "expected a number, got " + type_name(v));
    return v.get<double>();
  }
  double number(const json& object, const std::string& path, const char* key) const {
    return number(field(object, path, key), path + "." + key);
  }

  std::optional<double> optional_number(const json& object, const std::string& path,
                                        const char* key) const {
    const json& v = field(object, path, key);
    if (v.is_null()) return std::nullopt;
    return number(v, path + "." + key);
  }

  std::int64_t integer(const json& object, const std::string& path, const char* key) const {
    const json& v = field(object, path, key);
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(path + "." + key, "integer out of range");
      }
      return static_cast<std::int64_t>(v.get<std::uint64_t>());
    }
    if (!v.is_number_integer()) {
      fail(path + "." + key, "expected an integer, got " + type_name(v));
    }
    return v.get<std::int64_t>();
  }

  int small_integer(const json& object, const std::string& path, const char* key) const {
    const std::int64_t v = integer(object, path, key);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
      fail(path + "." + key, "integer out of range");
    }
    return static_cast<int>(v);
  }

  std::uint64_t unsigned_integer(const json& object, const std::string& path,
                                 const char* key) const {
    const json& v = field(object, path, key);
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
      return static_cast<std::uint64_t>(v.get<std::int64_t>());
    }
    fail(path + "." + key, "expected a non-negative integer, got " + type_name(v));
  }

  bool boolean(const json& object, const std::string& path, const char* key) const {
    const json& v = field(object, path, key);
    if (!v.is_boolean()) fail(path + "." + key, "expected a boolean, got " + type_name(v));
    return v.get<bool>();
  }

  const json& object(const json& parent, const std::string& path, const char* key) const {
    const json& v = field(parent, path, key);
    if (!v.is_object()) fail(path + "." + key, "expected an object, got " + type_name(v));
    return v;
  }

  // Calls read(element, element_path) for every element of the array at parent.key.
  void each(const json& parent, const std::string& path, const char* key,
            const std::function<void(const json&, const std::string&)>& read) const {
    const json& v = field(parent, path, key);
    const std::string array_path = path + "." + key;
    if (!v.is_array()) fail(array_path, "expected an array, got " + type_name(v));
    for (std::size_t i = 0; i < v.size(); ++i) {
      read(v[i], array_path + "[" + std::to_string(i) + "]");
    }
  }

  std::vector<double> numbers(const json& parent, const std::string& path, const char* key) const {
    std::vector<double> out;
    each(parent, path, key,
         [&](const json& v, const std::string& p) { out.push_back(number(v, p)); });
    return out;
  }

  std::vector<std::string> strings(const json& parent, const std::string& path,
                                   const char* key) const {
    std::vector<std::string> out;
    each(parent, path, key, [&](const json& v, const std::string& p) {
      if (!v.is_string()) fail(p, "expected a string, got " + type_name(v));
      out.push_back(v.get<std::string>());
    });
    return out;
  }

  // Every key optional (see run_report_json.h); a key present must have its type.
  harness::EnvironmentInfo environment(const json& j, const std::string& p) const {
    harness::EnvironmentInfo e;
    auto text = [&](const char* key, std::string& out) {
      if (j.contains(key)) out = string(j, p, key);
    };
    auto number_or_null = [&](const char* key, std::optional<double>& out) {
      if (j.contains(key)) out = optional_number(j, p, key);
    };
    text("cpu_model", e.cpu_model);
    if (j.contains("logical_cores")) e.logical_cores = small_integer(j, p, "logical_cores");
    text("governor", e.governor);
    if (j.contains("aslr") && !j["aslr"].is_null()) e.aslr = small_integer(j, p, "aslr");
    if (j.contains("load_average") && !j["load_average"].is_null()) {
      const std::vector<double> load = numbers(j, p, "load_average");
      if (load.size() != 3) fail(p + ".load_average", "expected 3 numbers (1, 5, 15 minutes)");
      e.load_average_1m = load[0];
      e.load_average_5m = load[1];
      e.load_average_15m = load[2];
    }
    number_or_null("load_average_1m", e.load_average_1m);
    number_or_null("load_average_5m", e.load_average_5m);
    number_or_null("load_average_15m", e.load_average_15m);
    text("kernel", e.kernel);
    text("hostname", e.hostname);
    text("harness_version", e.harness_version);
    text("date", e.date);
    return e;
  }

  harness::Comparison comparison(const json& j, const std::string& p) const {
    harness::Comparison c;
    c.build = string(j, p, "build");
    c.against = string(j, p, "against");
    c.time_ratio = optional_number(j, p, "time_ratio");
    c.time_ratio_ci_lower = optional_number(j, p, "time_ratio_ci_lower");
    c.time_ratio_ci_upper = optional_number(j, p, "time_ratio_ci_upper");
    c.speedup = optional_number(j, p, "speedup");
    c.p_value = optional_number(j, p, "p_value");
    const std::string verdict = string(j, p, "verdict");
    const auto parsed_verdict = harness::verdict_from_string(verdict);
    if (!parsed_verdict) {
      fail(p + ".verdict", "unknown verdict \"" + verdict +
                               "\" (expected faster, slower, no significant difference or not "
                               "enough data)");
    }
    c.verdict = *parsed_verdict;
    if (j.contains("method")) {
      const std::string method = string(j, p, "method");
      const auto parsed_method = harness::comparison_method_from_string(method);
      if (!parsed_method) {
        fail(p + ".method", "unknown method \"" + method +
                                "\" (expected u-test, count-spread or paired-signed-rank)");
      }
      c.method = *parsed_method;
    }
    if (j.contains("pairs")) c.pairs = integer(j, p, "pairs");
    return c;
  }

 private:
  std::string file_;
};

}  // namespace

json to_json(const RunReport& r) {
  json phases = json::array();
  for (const auto& p : r.phases) phases.push_back(phase_to_json(p));
  json builds = json::array();
  for (const auto& b : r.builds) builds.push_back(build_to_json(b));
  json profiles = json::array();
  for (const auto& p : r.profiles) profiles.push_back(profile_to_json(p));
  json trials = json::array();
  for (const auto& t : r.trials) trials.push_back(trials_to_json(t));

  // nlohmann::json sorts object keys, so the output is deterministic whatever the order
  // fields are listed in here.
  json out{{"schema_version", r.schema_version},
           {"tool_version", r.tool_version},
           {"status", harness::to_string(r.status)},
           {"error", r.error},
           {"started_at", r.started_at},
           {"finished_at", r.finished_at},
           {"scenario_name", r.scenario_name},
           {"scenario_path", r.scenario_path},
           {"scenario_hash", r.scenario_hash},
           {"scenario", r.scenario.is_null() ? json::object() : r.scenario},
           {"options", r.options.is_null() ? json::object() : r.options},
           {"go_version", r.go_version},
           {"environment", environment_to_json(r.environment)},
           {"phases", std::move(phases)},
           {"builds", std::move(builds)},
           {"profiles", std::move(profiles)},
           {"trials", std::move(trials)},
           {"trial_seed", r.trial_seed},
           {"analysis", analysis_to_json(r.analysis)},
           {"warnings", r.warnings},
           {"harness_seconds", r.harness_seconds()},
           {"harness_share", r.harness_share()}};
  // Only when known, so reports of sources outside git keep their shape.
  if (!r.source_revision.empty()) {
    out["source"] =
        json{{"vcs", "git"}, {"revision", r.source_revision}, {"dirty", r.source_dirty}};
  }
  return out;
}

std::string run_report_to_string(const RunReport& report) { return to_json(report).dump(2) + "\n"; }

RunReport run_report_from_json(const json& j, const std::string& file) {
  const Reader in(file);
  const std::string root = "$";
  if (!j.is_object()) in.fail(root, "expected an object, got " + type_name(j));

  RunReport r;
  const json& version = in.field(j, root, "schema_version");
  if (!version.is_number_integer() ||
      version.get<std::int64_t>() != harness::kRunReportSchemaVersion) {
    throw Error("report", file,
                "$.schema_version: " + version.dump() + " is not supported (this harness reads " +
                    std::to_string(harness::kRunReportSchemaVersion) + ")",
                "use the pgo-harness version that wrote the report, or re-run the scenario");
  }
  r.schema_version = harness::kRunReportSchemaVersion;
  r.tool_version = in.string(j, root, "tool_version");
  const std::string status = in.string(j, root, "status");
  const auto parsed_status = harness::run_status_from_string(status);
  if (!parsed_status) {
    in.fail("$.status", "unknown status \"" + status +
                            "\" (expected running, complete, failed or interrupted)");
  }
  r.status = *parsed_status;
  r.error = in.string(j, root, "error");
  r.started_at = in.string(j, root, "started_at");
  r.finished_at = in.string(j, root, "finished_at");
  r.scenario_name = in.string(j, root, "scenario_name");
  r.scenario_path = in.string(j, root, "scenario_path");
  r.scenario_hash = in.string(j, root, "scenario_hash");
  r.scenario = in.object(j, root, "scenario");
  r.options = in.object(j, root, "options");
  r.go_version = in.string(j, root, "go_version");
  if (auto src = j.find("source"); src != j.end() && !src->is_null()) {
    r.source_revision = in.string(*src, root + ".source", "revision");
    const json& dirty = in.field(*src, root + ".source", "dirty");
    if (!dirty.is_boolean()) in.fail(root + ".source.dirty", "expected a boolean");
    r.source_dirty = dirty.get<bool>();
  }
  r.environment = in.environment(in.object(j, root, "environment"), root + ".environment");

  in.each(j, root, "phases", [&](const json& e, const std::string& p) {
    harness::PhaseRecord ph;
    ph.name = in.string(e, p, "name");
    const std::string status = in.string(e, p, "status");
    const auto parsed = harness::phase_status_from_string(status);
    if (!parsed) {
      in.fail(p + ".status",
              "unknown status \"" + status + "\" (expected done, failed or interrupted)");
    }
    ph.status = *parsed;
    ph.started_at = in.string(e, p, "started_at");
    ph.wall_seconds = in.number(e, p, "wall_seconds");
    ph.child_seconds = in.number(e, p, "child_seconds");
    ph.error = in.string(e, p, "error");
    r.phases.push_back(std::move(ph));
  });

  in.each(j, root, "builds", [&](const json& e, const std::string& p) {
    harness::BuildRecord b;
    b.label = in.string(e, p, "label");
    b.iteration = in.small_integer(e, p, "iteration");
    b.pgo = in.string(e, p, "pgo");
    b.profile_sha256 = in.string(e, p, "profile_sha256");
    b.pgo_build_setting = in.string(e, p, "pgo_build_setting");
    b.binary = in.string(e, p, "binary");
    b.binary_size_bytes = in.integer(e, p, "binary_size_bytes");
    b.binary_sha256 = in.string(e, p, "binary_sha256");
    b.build_seconds = in.number(e, p, "build_seconds");
    b.log = in.string(e, p, "log");
    if (auto st = e.find("staleness"); st != e.end() && !st->is_null()) {
      const std::string sp = p + ".staleness";
      harness::StalenessRecord s;
      s.function_names_from = in.string(*st, sp, "function_names_from");
      s.total_share = in.number(*st, sp, "total_share");
      s.hot_share = in.number(*st, sp, "hot_share");
      s.missing_functions = in.integer(*st, sp, "missing_functions");
      in.each(*st, sp, "hottest_missing", [&](const json& m, const std::string& mp) {
        s.hottest_missing.push_back({in.string(m, mp, "name"), in.integer(m, mp, "weight")});
      });
      b.staleness = std::move(s);
    }
    r.builds.push_back(std::move(b));
  });

  in.each(j, root, "profiles", [&](const json& e, const std::string& p) {
    harness::IterationProfile ip;
    ip.iteration = in.small_integer(e, p, "iteration");
    ip.collected_from = in.string(e, p, "collected_from");
    in.each(e, p, "inputs", [&](const json& x, const std::string& xp) {
      harness::ProfileInput pi;
      pi.workload = in.string(x, xp, "workload");
      pi.instance = in.small_integer(x, xp, "instance");
      pi.path = in.string(x, xp, "path");
      pi.samples = in.integer(x, xp, "samples");
      pi.pgo_weight = in.integer(x, xp, "pgo_weight");
      pi.scale = in.number(x, xp, "scale");
      // Provenance fields are absent in reports written before they were recorded.
      if (x.contains("sha256") && !x["sha256"].is_null()) pi.sha256 = in.string(x, xp, "sha256");
      if (x.contains("url") && !x["url"].is_null()) pi.url = in.string(x, xp, "url");
      if (x.contains("window_seconds")) pi.window_seconds = in.number(x, xp, "window_seconds");
      ip.inputs.push_back(std::move(pi));
    });
    ip.merged_path = in.string(e, p, "merged_path");
    ip.merged_sha256 = in.string(e, p, "merged_sha256");
    ip.merged_size_bytes = in.integer(e, p, "merged_size_bytes");
    const json& view = in.object(e, p, "view");
    const std::string vp = p + ".view";
    ip.view.samples = in.integer(view, vp, "samples");
    ip.view.total_weight = in.integer(view, vp, "total_weight");
    ip.view.edges = in.integer(view, vp, "edges");
    ip.view.hot_edges = in.integer(view, vp, "hot_edges");
    ip.view.hot_callees = in.integer(view, vp, "hot_callees");
    in.each(view, vp, "top_hot_edges", [&](const json& x, const std::string& xp) {
      harness::HotEdge h;
      h.caller = in.string(x, xp, "caller");
      h.callee = in.string(x, xp, "callee");
      h.offset = in.integer(x, xp, "offset");
      h.weight = in.integer(x, xp, "weight");
      h.share = in.number(x, xp, "share");
      ip.view.top_hot_edges.push_back(std::move(h));
    });
    const json& overlap = in.field(e, p, "overlap_with_previous");
    if (!overlap.is_null()) {
      const std::string op = p + ".overlap_with_previous";
      harness::ProfileOverlap o;
      o.hot_coverage = in.number(overlap, op, "hot_coverage");
      o.weighted_overlap = in.number(overlap, op, "weighted_overlap");
      o.hot_jaccard = in.number(overlap, op, "hot_jaccard");
      ip.overlap_with_previous = o;
    }
    r.profiles.push_back(std::move(ip));
  });

  in.each(j, root, "trials", [&](const json& e, const std::string& p) {
    harness::TrialSeries t;
    t.workload = in.string(e, p, "workload");
    t.build = in.string(e, p, "build");
    t.metric = in.string(e, p, "metric");
    t.unit = in.string(e, p, "unit");
    t.values = in.numbers(e, p, "values");
    t.wall_seconds = in.numbers(e, p, "wall_seconds");
    if (e.is_object() && e.contains("rounds")) {  // interleaved trials, once recorded
      in.each(e, p, "rounds", [&](const json& v, const std::string& vp) {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
          in.fail(vp, "expected a non-negative integer, got " + type_name(v));
        }
        t.rounds.push_back(v.get<std::int64_t>());
      });
    }
    if (e.is_object() && e.contains("peak_rss_bytes")) {  // absent before it was recorded
      in.each(e, p, "peak_rss_bytes", [&](const json& v, const std::string& vp) {
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0) {
          in.fail(vp, "expected a non-negative integer, got " + type_name(v));
        }
        t.peak_rss_bytes.push_back(v.get<std::int64_t>());
      });
    }
    t.failed_runs = in.integer(e, p, "failed_runs");
    t.median = in.optional_number(e, p, "median");
    t.ci_lower = in.optional_number(e, p, "ci_lower");
    t.ci_upper = in.optional_number(e, p, "ci_upper");
    t.relative_half_width = in.optional_number(e, p, "relative_half_width");
    t.precision_reached = in.boolean(e, p, "precision_reached");
    t.outliers = in.integer(e, p, "outliers");
    if (e.contains("spread")) t.spread = in.number(e, p, "spread");
    if (e.contains("deterministic")) t.deterministic = in.boolean(e, p, "deterministic");
    if (e.contains("counts")) {
      const json& counts = in.object(e, p, "counts");
      for (auto it = counts.begin(); it != counts.end(); ++it) {
        t.counts[it.key()] = in.numbers(counts, p + ".counts", it.key().c_str());
      }
    }
    if (e.contains("run_settings")) {
      const json& settings = in.object(e, p, "run_settings");
      for (auto it = settings.begin(); it != settings.end(); ++it) {
        t.run_settings[it.key()] = in.string(settings, p + ".run_settings", it.key().c_str());
      }
    }
    r.trials.push_back(std::move(t));
  });

  r.trial_seed = in.unsigned_integer(j, root, "trial_seed");

  const json& analysis = in.object(j, root, "analysis");
  const std::string ap = "$.analysis";
  in.each(analysis, ap, "workloads", [&](const json& e, const std::string& p) {
    harness::WorkloadAnalysis w;
    w.workload = in.string(e, p, "workload");
    w.metric = in.string(e, p, "metric");
    in.each(e, p, "iterations", [&](const json& x, const std::string& xp) {
      harness::IterationAnalysis it;
      it.build = in.string(x, xp, "build");
      it.iteration = in.small_integer(x, xp, "iteration");
      it.vs_off = in.comparison(in.object(x, xp, "vs_off"), xp + ".vs_off");
      const json& previous = in.field(x, xp, "vs_previous");
      if (!previous.is_null()) it.vs_previous = in.comparison(previous, xp + ".vs_previous");
      w.iterations.push_back(std::move(it));
    });
    r.analysis.workloads.push_back(std::move(w));
  });
  in.each(analysis, ap, "geomean", [&](const json& e, const std::string& p) {
    harness::GeomeanSpeedup g;
    g.build = in.string(e, p, "build");
    g.iteration = in.small_integer(e, p, "iteration");
    g.speedup = in.optional_number(e, p, "speedup");
    g.ci_lower = in.optional_number(e, p, "ci_lower");
    g.ci_upper = in.optional_number(e, p, "ci_upper");
    g.significant = in.boolean(e, p, "significant");
    r.analysis.geomean.push_back(std::move(g));
  });
  in.each(analysis, ap, "overhead", [&](const json& e, const std::string& p) {
    harness::BuildOverhead o;
    o.build = in.string(e, p, "build");
    o.build_time_ratio = in.number(e, p, "build_time_ratio");
    o.binary_size_ratio = in.number(e, p, "binary_size_ratio");
    r.analysis.overhead.push_back(std::move(o));
  });
  // Absent in reports written before the field existed: their builds were taken as
  // comparable then.
  if (analysis.contains("build_times_comparable")) {
    r.analysis.build_times_comparable = in.boolean(analysis, ap, "build_times_comparable");
  }
  const json& verdict = in.object(analysis, ap, "verdict");
  const std::string vp = ap + ".verdict";
  const std::string kind = in.string(verdict, vp, "kind");
  const auto parsed_kind = harness::convergence_kind_from_string(kind);
  if (!parsed_kind) {
    in.fail(vp + ".kind", "unknown verdict \"" + kind +
                              "\" (expected converged, still_improving, oscillating, "
                              "no_significant_gain, regressed or incomplete)");
  }
  r.analysis.verdict.kind = *parsed_kind;
  const json& converged_at = in.field(verdict, vp, "converged_at");
  if (!converged_at.is_null()) {
    r.analysis.verdict.converged_at = in.small_integer(verdict, vp, "converged_at");
  }
  r.analysis.verdict.explanation = in.string(verdict, vp, "explanation");

  r.warnings = in.strings(j, root, "warnings");
  return r;
}

RunReport parse_run_report(const std::string& text, const std::string& file) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {  // syntax, or a number out of range ("1e999")
    throw Error("report", file, std::string("not valid JSON: ") + e.what(),
                "the file may be truncated; re-run `pgo-harness run`");
  }
  return run_report_from_json(j, file);
}

std::string resolve_report_path(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return path + "/report.json";
  return path;
}

RunReport read_run_report(const std::string& path) {
  const std::string file = resolve_report_path(path);
  return parse_run_report(pgo::read_text_file(file, "report"), file);
}

void write_run_report(const RunReport& report, const std::string& path) {
  pgo::write_file_atomically(path, run_report_to_string(report));
}

}  // namespace pgo::reports

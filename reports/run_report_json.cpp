#include "reports/run_report_json.h"

#include <sys/stat.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/file_io.h"
#include "base/json_reader.h"

namespace pgo::reports {

using harness::RunReport;
using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

template <typename T>
json optional_json(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
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
  if (c.u_test_p_value) out["u_test_p_value"] = *c.u_test_p_value;
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
  // Gotest series only, so that reports of other workloads read as before.
  if (!t.benchmarks.empty()) out["benchmarks"] = t.benchmarks;
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
    json workload{
        {"workload", w.workload}, {"metric", w.metric}, {"iterations", std::move(iterations)}};
    if (!w.benchmarks.empty()) {
      json benchmarks = json::array();
      for (const harness::BenchmarkAnalysis& b : w.benchmarks) {
        json rows = json::array();
        for (const harness::BenchmarkIteration& it : b.iterations) {
          json ratios = json::object();
          for (const auto& [unit, ratio] : it.unit_ratios_vs_off) {
            ratios[unit] = optional_number(ratio);
          }
          rows.push_back(json{
              {"build", it.build},
              {"iteration", it.iteration},
              {"vs_off", comparison_to_json(it.vs_off)},
              {"vs_previous", it.vs_previous ? comparison_to_json(*it.vs_previous) : json(nullptr)},
              {"unit_ratios_vs_off", std::move(ratios)}});
        }
        benchmarks.push_back(json{{"benchmark", b.benchmark}, {"iterations", std::move(rows)}});
      }
      workload["benchmarks"] = std::move(benchmarks);
    }
    workloads.push_back(std::move(workload));
  }
  json geomean = json::array();
  for (const harness::GeomeanSpeedup& g : a.geomean) {
    geomean.push_back(json{{"build", g.build},
                           {"iteration", g.iteration},
                           {"speedup", optional_number(g.speedup)},
                           {"ci_lower", optional_number(g.ci_lower)},
                           {"ci_upper", optional_number(g.ci_upper)},
                           {"significant", g.significant},
                           {"paired", g.paired}});
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

const char* const kReportHint =
    "report.json must be written by pgo-harness; re-run `pgo-harness run`";
constexpr std::int64_t kIntMin = std::numeric_limits<int>::min();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A string member that must be one of an enum's words (`parse` returns nullopt otherwise).
template <typename T, typename Parse>
void read_word(JsonObjectReader& r, const char* key, T& out, Parse parse, const std::string& what,
               const std::string& expected) {
  std::string word;
  if (!r.read_string(key, word, false)) return;
  if (auto parsed = parse(word)) {
    out = *parsed;
  } else {
    r.problems().add(r.path_of(key),
                     "unknown " + what + " \"" + word + "\" (expected " + expected + ")");
  }
}

void read_number(JsonObjectReader& r, const char* key, double& out) {
  r.read_number(key, out, -kInf, kInf);
}

// Every key optional (see run_report_json.h); a key present must have its type.
harness::EnvironmentInfo read_environment(JsonObjectReader e) {
  harness::EnvironmentInfo env;
  auto text = [&](const char* key, std::string& out) {
    if (e.has(key)) e.read_string(key, out, false);
  };
  auto number_or_null = [&](const char* key, std::optional<double>& out) {
    if (e.has(key)) e.read_optional_number(key, out);
  };
  text("cpu_model", env.cpu_model);
  if (e.has("logical_cores")) e.read_int("logical_cores", env.logical_cores, kIntMin, kIntMax);
  text("governor", env.governor);
  if (e.has_value("aslr")) e.read_optional_int("aslr", env.aslr, kIntMin, kIntMax);
  if (e.has_value("load_average")) {
    std::vector<double> load;
    if (e.read_number_array("load_average", load)) {
      if (load.size() != 3) {
        e.problems().add(e.path_of("load_average"), "expected 3 numbers (1, 5, 15 minutes)");
      } else {
        env.load_average_1m = load[0];
        env.load_average_5m = load[1];
        env.load_average_15m = load[2];
      }
    }
  }
  number_or_null("load_average_1m", env.load_average_1m);
  number_or_null("load_average_5m", env.load_average_5m);
  number_or_null("load_average_15m", env.load_average_15m);
  text("kernel", env.kernel);
  text("hostname", env.hostname);
  text("harness_version", env.harness_version);
  text("date", env.date);
  return env;
}

harness::Comparison read_comparison(JsonObjectReader r) {
  harness::Comparison c;
  r.read_string("build", c.build, false);
  r.read_string("against", c.against, false);
  r.read_optional_number("time_ratio", c.time_ratio);
  r.read_optional_number("time_ratio_ci_lower", c.time_ratio_ci_lower);
  r.read_optional_number("time_ratio_ci_upper", c.time_ratio_ci_upper);
  r.read_optional_number("speedup", c.speedup);
  r.read_optional_number("p_value", c.p_value);
  read_word(r, "verdict", c.verdict, harness::verdict_from_string, "verdict",
            "faster, slower, no significant difference or not enough data");
  if (r.has("method")) {
    read_word(r, "method", c.method, harness::comparison_method_from_string, "method",
              "u-test, count-spread or paired-signed-rank");
  }
  if (r.has_value("pairs")) {
    std::int64_t pairs = 0;
    if (r.read_int64("pairs", pairs)) c.pairs = pairs;
  }
  if (r.has_value("u_test_p_value")) {
    double p = 0;
    if (r.read_number("u_test_p_value", p, 0, 1)) c.u_test_p_value = p;
  }
  return c;
}

harness::BuildRecord read_build(JsonObjectReader r) {
  harness::BuildRecord b;
  r.read_string("label", b.label, false);
  r.read_int("iteration", b.iteration, kIntMin, kIntMax);
  r.read_string("pgo", b.pgo, false);
  r.read_string("profile_sha256", b.profile_sha256, false);
  r.read_string("pgo_build_setting", b.pgo_build_setting, false);
  r.read_string("binary", b.binary, false);
  r.read_int64("binary_size_bytes", b.binary_size_bytes);
  r.read_string("binary_sha256", b.binary_sha256, false);
  read_number(r, "build_seconds", b.build_seconds);
  r.read_string("log", b.log, false);
  if (r.has_value("staleness")) {
    JsonObjectReader st = r.member_record("staleness");
    harness::StalenessRecord s;
    st.read_string("function_names_from", s.function_names_from, false);
    read_number(st, "total_share", s.total_share);
    read_number(st, "hot_share", s.hot_share);
    st.read_int64("missing_functions", s.missing_functions);
    st.read_array("hottest_missing", [&](const json& m, const std::string& path) {
      JsonObjectReader missing = JsonObjectReader::record(st.problems(), m, path);
      harness::MissingFunctionRecord f;
      missing.read_string("name", f.name, false);
      missing.read_int64("weight", f.weight);
      s.hottest_missing.push_back(std::move(f));
    });
    b.staleness = std::move(s);
  }
  return b;
}

harness::IterationProfile read_profile(JsonObjectReader r) {
  harness::IterationProfile ip;
  r.read_int("iteration", ip.iteration, kIntMin, kIntMax);
  r.read_string("collected_from", ip.collected_from, false);
  r.read_array("inputs", [&](const json& x, const std::string& path) {
    JsonObjectReader in = JsonObjectReader::record(r.problems(), x, path);
    harness::ProfileInput pi;
    in.read_string("workload", pi.workload, false);
    in.read_int("instance", pi.instance, kIntMin, kIntMax);
    in.read_string("path", pi.path, false);
    in.read_int64("samples", pi.samples);
    in.read_int64("pgo_weight", pi.pgo_weight);
    read_number(in, "scale", pi.scale);
    // Provenance fields are absent in reports written before they were recorded.
    if (in.has_value("sha256")) in.read_string("sha256", pi.sha256, false);
    if (in.has_value("url")) in.read_string("url", pi.url, false);
    if (in.has("window_seconds")) read_number(in, "window_seconds", pi.window_seconds);
    ip.inputs.push_back(std::move(pi));
  });
  r.read_string("merged_path", ip.merged_path, false);
  r.read_string("merged_sha256", ip.merged_sha256, false);
  r.read_int64("merged_size_bytes", ip.merged_size_bytes);
  JsonObjectReader view = r.member_record("view");
  view.read_int64("samples", ip.view.samples);
  view.read_int64("total_weight", ip.view.total_weight);
  view.read_int64("edges", ip.view.edges);
  view.read_int64("hot_edges", ip.view.hot_edges);
  view.read_int64("hot_callees", ip.view.hot_callees);
  view.read_array("top_hot_edges", [&](const json& x, const std::string& path) {
    JsonObjectReader e = JsonObjectReader::record(r.problems(), x, path);
    harness::HotEdge h;
    e.read_string("caller", h.caller, false);
    e.read_string("callee", h.callee, false);
    e.read_int64("offset", h.offset);
    e.read_int64("weight", h.weight);
    read_number(e, "share", h.share);
    ip.view.top_hot_edges.push_back(std::move(h));
  });
  r.require("overlap_with_previous");
  if (r.has_value("overlap_with_previous")) {
    JsonObjectReader o = r.member_record("overlap_with_previous");
    harness::ProfileOverlap overlap;
    read_number(o, "hot_coverage", overlap.hot_coverage);
    read_number(o, "weighted_overlap", overlap.weighted_overlap);
    read_number(o, "hot_jaccard", overlap.hot_jaccard);
    ip.overlap_with_previous = overlap;
  }
  return ip;
}

harness::TrialSeries read_trial_series(JsonObjectReader r) {
  harness::TrialSeries t;
  r.read_string("workload", t.workload, false);
  r.read_string("build", t.build, false);
  r.read_string("metric", t.metric, false);
  r.read_string("unit", t.unit, false);
  r.read_number_array("values", t.values);
  r.read_number_array("wall_seconds", t.wall_seconds);
  if (r.has("rounds")) {  // interleaved trials, once recorded
    r.read_array("rounds", [&](const json& v, const std::string& path) {
      std::int64_t round = 0;
      if (r.int64_value(path, v, round, 0, std::numeric_limits<std::int64_t>::max())) {
        t.rounds.push_back(round);
      }
    });
  }
  if (r.has("peak_rss_bytes")) {  // absent before it was recorded
    r.read_array("peak_rss_bytes", [&](const json& v, const std::string& path) {
      std::int64_t bytes = 0;
      if (r.int64_value(path, v, bytes, 0, std::numeric_limits<std::int64_t>::max())) {
        t.peak_rss_bytes.push_back(bytes);
      }
    });
  }
  r.read_int64("failed_runs", t.failed_runs);
  r.read_optional_number("median", t.median);
  r.read_optional_number("ci_lower", t.ci_lower);
  r.read_optional_number("ci_upper", t.ci_upper);
  r.read_optional_number("relative_half_width", t.relative_half_width);
  r.read_bool("precision_reached", t.precision_reached);
  r.read_int64("outliers", t.outliers);
  if (r.has("spread")) {
    double spread = 0;
    if (r.read_number("spread", spread, -kInf, kInf)) t.spread = spread;
  }
  if (r.has("deterministic")) {
    bool deterministic = false;
    if (r.read_bool("deterministic", deterministic)) t.deterministic = deterministic;
  }
  if (r.has("counts")) {
    JsonObjectReader counts = r.member_record("counts");
    if (counts.ok()) {
      for (const auto& [name, values] : r.get("counts")->items()) {
        counts.read_number_array(name, t.counts[name]);
      }
    }
  }
  if (r.has("run_settings")) {
    JsonObjectReader settings = r.member_record("run_settings");
    if (settings.ok()) {
      for (const auto& [name, value] : r.get("run_settings")->items()) {
        settings.read_string(name, t.run_settings[name], false);
      }
    }
  }
  if (r.has("benchmarks")) {  // gotest series; absent before it was recorded
    JsonObjectReader benchmarks = r.member_record("benchmarks");
    if (benchmarks.ok()) {
      for (const auto& [name, units] : r.get("benchmarks")->items()) {
        JsonObjectReader unit_reader = benchmarks.member_record(name);
        if (!unit_reader.ok()) continue;
        for (const auto& [unit, values] : units.items()) {
          unit_reader.read_number_array(unit, t.benchmarks[name][unit]);
        }
      }
    }
  }
  return t;
}

// Every key optional: reports of every version wrote what they knew.
harness::RunOptionsRecord read_options(JsonObjectReader o) {
  harness::RunOptionsRecord record;
  harness::RunOptions& g = record.given;
  auto optional_int = [](JsonObjectReader& r, const char* key, std::optional<int>& out) {
    if (r.has(key)) r.read_optional_int(key, out, kIntMin, kIntMax);
  };
  auto optional_number = [](JsonObjectReader& r, const char* key, std::optional<double>& out) {
    if (r.has(key)) r.read_optional_number(key, out);
  };
  auto optional_string = [](JsonObjectReader& r, const char* key, std::optional<std::string>& out) {
    std::string s;
    if (r.has_value(key) && r.read_string(key, s, false)) out = s;
  };
  optional_int(o, "iterations", g.iterations);
  optional_string(o, "profile", g.profile);
  optional_string(o, "candidate_profile", g.candidate_profile);
  optional_string(o, "emit_default_pgo", g.emit_default_pgo);
  if (o.has("quick")) o.read_bool("quick", g.quick);
  if (o.has("build_cache")) {
    read_word(o, "build_cache", g.build_cache, harness::build_cache_from_string, "build cache",
              "fresh, run or go");
  }
  if (o.has("trial_overrides")) {
    JsonObjectReader t = o.member_record("trial_overrides");
    optional_int(t, "warmup", g.trials.warmup);
    optional_int(t, "runs", g.trials.runs);
    optional_int(t, "min_runs", g.trials.min_runs);
    optional_int(t, "max_runs", g.trials.max_runs);
    optional_number(t, "target_precision", g.trials.target_precision);
    optional_number(t, "max_time_seconds", g.trials.max_time_seconds);
    std::uint64_t seed = 0;
    if (t.has_value("seed") && t.read_uint64("seed", seed)) g.trials.seed = seed;
  }
  if (o.has("effective")) {
    JsonObjectReader e = o.member_record("effective");
    e.read_int("iterations", record.effective_iterations, kIntMin, kIntMax);
    if (e.has("trials")) {
      JsonProblems trials;
      record.effective_trials = harness::trials_from_json(*e.get("trials"), trials);
      e.problems().add_all(e.path(), trials);
    }
  }
  return record;
}

// The members a workload's and a benchmark's iteration share: build, iteration and the two
// comparisons (vs_previous null for v1).
template <class Iteration>
void read_iteration_comparisons(JsonObjectReader& i, Iteration& it) {
  i.read_string("build", it.build, false);
  i.read_int("iteration", it.iteration, kIntMin, kIntMax);
  it.vs_off = read_comparison(i.member_record("vs_off"));
  i.require("vs_previous");
  if (i.has_value("vs_previous")) it.vs_previous = read_comparison(i.member_record("vs_previous"));
}

harness::Analysis read_analysis(JsonObjectReader a) {
  harness::Analysis out;
  a.read_array("workloads", [&](const json& e, const std::string& path) {
    JsonObjectReader r = JsonObjectReader::record(a.problems(), e, path);
    harness::WorkloadAnalysis w;
    r.read_string("workload", w.workload, false);
    r.read_string("metric", w.metric, false);
    r.read_array("iterations", [&](const json& x, const std::string& xpath) {
      JsonObjectReader i = JsonObjectReader::record(a.problems(), x, xpath);
      harness::IterationAnalysis it;
      read_iteration_comparisons(i, it);
      w.iterations.push_back(std::move(it));
    });
    if (r.has("benchmarks")) {  // gotest workloads; absent before it was computed
      r.read_array("benchmarks", [&](const json& x, const std::string& xpath) {
        JsonObjectReader b = JsonObjectReader::record(a.problems(), x, xpath);
        harness::BenchmarkAnalysis benchmark;
        b.read_string("benchmark", benchmark.benchmark, false);
        b.read_array("iterations", [&](const json& y, const std::string& ypath) {
          JsonObjectReader i = JsonObjectReader::record(a.problems(), y, ypath);
          harness::BenchmarkIteration it;
          read_iteration_comparisons(i, it);
          JsonObjectReader ratios = i.member_record("unit_ratios_vs_off");
          if (ratios.ok()) {
            for (const auto& [unit, ratio] : i.get("unit_ratios_vs_off")->items()) {
              ratios.read_optional_number(unit, it.unit_ratios_vs_off[unit]);
            }
          }
          benchmark.iterations.push_back(std::move(it));
        });
        w.benchmarks.push_back(std::move(benchmark));
      });
    }
    out.workloads.push_back(std::move(w));
  });
  a.read_array("geomean", [&](const json& e, const std::string& path) {
    JsonObjectReader r = JsonObjectReader::record(a.problems(), e, path);
    harness::GeomeanSpeedup g;
    r.read_string("build", g.build, false);
    r.read_int("iteration", g.iteration, kIntMin, kIntMax);
    r.read_optional_number("speedup", g.speedup);
    r.read_optional_number("ci_lower", g.ci_lower);
    r.read_optional_number("ci_upper", g.ci_upper);
    r.read_bool("significant", g.significant);
    if (r.has("paired")) r.read_bool("paired", g.paired);  // absent in older reports
    out.geomean.push_back(std::move(g));
  });
  a.read_array("overhead", [&](const json& e, const std::string& path) {
    JsonObjectReader r = JsonObjectReader::record(a.problems(), e, path);
    harness::BuildOverhead o;
    r.read_string("build", o.build, false);
    read_number(r, "build_time_ratio", o.build_time_ratio);
    read_number(r, "binary_size_ratio", o.binary_size_ratio);
    out.overhead.push_back(std::move(o));
  });
  // Absent in reports written before the field existed: their builds were taken as
  // comparable then.
  if (a.has("build_times_comparable")) {
    a.read_bool("build_times_comparable", out.build_times_comparable);
  }
  JsonObjectReader v = a.member_record("verdict");
  read_word(v, "kind", out.verdict.kind, harness::convergence_kind_from_string, "verdict",
            "converged, still_improving, oscillating, no_significant_gain, regressed or "
            "incomplete");
  v.require("converged_at");
  if (v.has_value("converged_at")) {
    int at = 0;
    if (v.read_int("converged_at", at, kIntMin, kIntMax)) out.verdict.converged_at = at;
  }
  v.read_string("explanation", out.verdict.explanation, false);
  return out;
}

}  // namespace

json options_to_json(const harness::RunOptionsRecord& o) {
  const harness::RunOptions& g = o.given;
  const harness::TrialOverrides& t = g.trials;
  return {
      {"iterations", optional_json(g.iterations)},
      {"trial_overrides",
       {{"warmup", optional_json(t.warmup)},
        {"runs", optional_json(t.runs)},
        {"min_runs", optional_json(t.min_runs)},
        {"max_runs", optional_json(t.max_runs)},
        {"target_precision", optional_json(t.target_precision)},
        {"max_time_seconds", optional_json(t.max_time_seconds)},
        {"seed", optional_json(t.seed)}}},
      {"profile", optional_json(g.profile)},
      {"candidate_profile", optional_json(g.candidate_profile)},
      {"emit_default_pgo", optional_json(g.emit_default_pgo)},
      {"quick", g.quick},
      {"build_cache", harness::to_string(g.build_cache)},
      {"effective",
       {{"iterations", o.effective_iterations}, {"trials", harness::to_json(o.effective_trials)}}}};
}

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
           {"scenario", r.scenario ? harness::to_json(*r.scenario) : json::object()},
           {"options", r.options ? options_to_json(*r.options) : json::object()},
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
  JsonProblems problems;
  JsonObjectReader in = JsonObjectReader::record(problems, j, "");
  in.require("schema_version");
  if (!problems.empty()) throw_json_problems("report", file, problems.list(), kReportHint);
  const json& version = *in.get("schema_version");
  if (!version.is_number_integer() ||
      version.get<std::int64_t>() != harness::kRunReportSchemaVersion) {
    throw Error("report", file,
                "schema_version: " + version.dump() + " is not supported (this harness reads " +
                    std::to_string(harness::kRunReportSchemaVersion) + ")",
                "use the pgo-harness version that wrote the report, or re-run the scenario");
  }

  RunReport r;
  r.schema_version = harness::kRunReportSchemaVersion;
  in.read_string("tool_version", r.tool_version, false);
  read_word(in, "status", r.status, harness::run_status_from_string, "status",
            "running, complete, failed or interrupted");
  in.read_string("error", r.error, false);
  in.read_string("started_at", r.started_at, false);
  in.read_string("finished_at", r.finished_at, false);
  in.read_string("scenario_name", r.scenario_name, false);
  in.read_string("scenario_path", r.scenario_path, false);
  in.read_string("scenario_hash", r.scenario_hash, false);
  // {} when not recorded (reports/run_report_json.h); else the scenario as its loader
  // reads it, without looking for its files (they may be on another machine).
  if (JsonObjectReader scenario = in.member_record("scenario");
      scenario.ok() && !in.get("scenario")->empty()) {
    JsonProblems scenario_problems;
    r.scenario =
        harness::scenario_from_json(*in.get("scenario"), r.scenario_path, scenario_problems);
    problems.add_all("scenario", scenario_problems);
  }
  if (JsonObjectReader options = in.member_record("options");
      options.ok() && !in.get("options")->empty()) {
    r.options = read_options(options);
  }
  in.read_string("go_version", r.go_version, false);
  if (in.has_value("source")) {
    JsonObjectReader source = in.member_record("source");
    source.read_string("revision", r.source_revision, false);
    source.read_bool("dirty", r.source_dirty);
  }
  r.environment = read_environment(in.member_record("environment"));

  in.read_array("phases", [&](const json& e, const std::string& path) {
    JsonObjectReader p = JsonObjectReader::record(problems, e, path);
    harness::PhaseRecord ph;
    p.read_string("name", ph.name, false);
    read_word(p, "status", ph.status, harness::phase_status_from_string, "status",
              "done, failed or interrupted");
    p.read_string("started_at", ph.started_at, false);
    read_number(p, "wall_seconds", ph.wall_seconds);
    read_number(p, "child_seconds", ph.child_seconds);
    p.read_string("error", ph.error, false);
    r.phases.push_back(std::move(ph));
  });
  in.read_array("builds", [&](const json& e, const std::string& path) {
    r.builds.push_back(read_build(JsonObjectReader::record(problems, e, path)));
  });
  in.read_array("profiles", [&](const json& e, const std::string& path) {
    r.profiles.push_back(read_profile(JsonObjectReader::record(problems, e, path)));
  });
  in.read_array("trials", [&](const json& e, const std::string& path) {
    r.trials.push_back(read_trial_series(JsonObjectReader::record(problems, e, path)));
  });
  in.read_uint64("trial_seed", r.trial_seed);
  r.analysis = read_analysis(in.member_record("analysis"));
  in.read_string_array("warnings", r.warnings, false);
  if (!problems.empty()) throw_json_problems("report", file, problems.list(), kReportHint);
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

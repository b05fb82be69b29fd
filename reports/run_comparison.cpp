#include "reports/run_comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "go/go_bench_format.h"
#include "stats/count_comparison.h"
#include "stats/random.h"
#include "stats/sample_comparison.h"
#include "stats/statistics.h"
#include "base/error.h"
#include "base/file_io.h"
#include "reports/benchfmt_comparison.h"
#include "reports/run_report_json.h"
#include "reports/text_format.h"

namespace pgo::reports {

using harness::RunReport;
using nlohmann::json;

namespace {

// A comparison row from the statistics of two samples.
ComparisonRow row_from_comparison(const harness::SampleComparison& s, const std::string& kind,
                                  const std::string& workload, const std::string& build,
                                  const std::string& unit, bool higher_is_better,
                                  double threshold) {
  ComparisonRow row;
  row.kind = kind;
  row.workload = workload;
  row.build = build;
  row.unit = unit;
  row.higher_is_better = higher_is_better;
  row.base = s.reference_median;
  row.candidate = s.candidate_median;
  row.ratio = s.median_ratio;
  if (s.median_ratio_interval) {
    row.ci_lower = s.median_ratio_interval->lower;
    row.ci_upper = s.median_ratio_interval->upper;
  }
  row.p_value = s.p_value;
  if (s.verdict == harness::Verdict::kNotEnoughData || !s.median_ratio) {
    row.verdict = ChangeVerdict::kInsufficientData;
  } else {
    const bool significant =
        s.verdict == harness::Verdict::kFaster || s.verdict == harness::Verdict::kSlower;
    row.verdict = change_verdict(significant, *s.median_ratio, higher_is_better, threshold);
  }
  return row;
}

ChangeVerdict decide(bool significant, double ratio, bool higher_is_better, double threshold) {
  return change_verdict(significant, ratio, higher_is_better, threshold);
}

ComparisonRow time_row(const std::string& workload, const std::string& build,
                       const std::string& unit, const std::vector<double>& base,
                       const std::vector<double>& candidate, const CompareOptions& o,
                       bool counting) {
  if (!counting) return compare_sample_row("time", workload, build, unit, base, candidate, false, o);
  // Counts (instructions, estimated cycles) are near-deterministic: a few runs per side,
  // judged by the tolerance rule of stats/count_comparison.h, not the rank test.
  return row_from_comparison(harness::compare_counts(base, candidate, harness::CountRule{}),
                             "time", workload, build, unit, false, o.threshold);
}

// The four samples behind one PGO speedup change: v0 and vi of the base and new reports.
struct SpeedupSamples {
  const std::vector<double>* base_off;
  const std::vector<double>* base_pgo;
  const std::vector<double>* new_off;
  const std::vector<double>* new_pgo;
  bool counting = false;  // a counting metric (stats/count_comparison.h)
};

double median_of(const std::vector<double>& xs) { return harness::median(xs); }

double resampled_median(const std::vector<double>& xs, harness::SeededRng& rng,
                        std::vector<double>& scratch) {
  scratch.resize(xs.size());
  for (double& x : scratch) x = xs[rng.uniform_index(xs.size())];
  return harness::median(scratch);
}

bool usable(const SpeedupSamples& s, double alpha, bool counting) {
  for (const auto* xs : {s.base_off, s.base_pgo, s.new_off, s.new_pgo}) {
    if (xs->empty()) return false;
    for (double x : *xs) {
      if (!(x > 0)) return false;  // ratios of medians need positive values
    }
  }
  // Counting samples: two runs on a side measure their spread; the rank test's minimum
  // sizes do not apply.
  if (counting) {
    return std::max(s.base_off->size(), s.base_pgo->size()) >= 2 &&
           std::max(s.new_off->size(), s.new_pgo->size()) >= 2;
  }
  return harness::mann_whitney_min_p_value(s.base_off->size(), s.base_pgo->size()) < alpha &&
         harness::mann_whitney_min_p_value(s.new_off->size(), s.new_pgo->size()) < alpha;
}

// Geometric mean over the workloads of (new speedup / base speedup), and its percentile
// bootstrap interval; one workload gives the plain change.
ComparisonRow speedup_row(const std::string& workload, const std::string& build,
                          const std::vector<SpeedupSamples>& samples, const CompareOptions& o) {
  ComparisonRow row;
  row.kind = "pgo_speedup";
  row.workload = workload;
  row.build = build;
  row.unit = "x";
  row.higher_is_better = true;
  bool ok = !samples.empty();
  for (const auto& s : samples) ok = ok && usable(s, o.alpha, s.counting);
  if (!ok) {
    row.verdict = ChangeVerdict::kInsufficientData;
    return row;
  }
  const double k = static_cast<double>(samples.size());
  double log_base = 0, log_new = 0;
  for (const auto& s : samples) {
    log_base += std::log(median_of(*s.base_off) / median_of(*s.base_pgo)) / k;
    log_new += std::log(median_of(*s.new_off) / median_of(*s.new_pgo)) / k;
  }
  row.base = std::exp(log_base);
  row.candidate = std::exp(log_new);
  row.ratio = *row.candidate / *row.base;

  harness::SeededRng rng(o.seed);
  std::vector<double> scratch;
  std::vector<double> ratios;
  ratios.reserve(o.bootstrap_resamples);
  for (std::size_t r = 0; r < o.bootstrap_resamples; ++r) {
    double log_change = 0;
    for (const auto& s : samples) {
      const double b =
          resampled_median(*s.base_off, rng, scratch) / resampled_median(*s.base_pgo, rng, scratch);
      const double n =
          resampled_median(*s.new_off, rng, scratch) / resampled_median(*s.new_pgo, rng, scratch);
      log_change += std::log(n / b) / k;
    }
    ratios.push_back(std::exp(log_change));
  }
  std::sort(ratios.begin(), ratios.end());
  row.ci_lower = harness::quantile_of_sorted(ratios, o.alpha / 2);
  row.ci_upper = harness::quantile_of_sorted(ratios, 1 - o.alpha / 2);
  const bool significant = *row.ci_lower > 1.0 || *row.ci_upper < 1.0;
  row.verdict = decide(significant, *row.ratio, true, o.threshold);
  return row;
}

std::string env_string(const json& environment, const char* key) {
  if (environment.is_object() && environment.contains(key) && environment[key].is_string()) {
    return environment[key].get<std::string>();
  }
  return "";
}

void warn_if_differs(std::vector<std::string>& warnings, const std::string& what,
                     const std::string& base, const std::string& candidate) {
  if (!base.empty() && !candidate.empty() && base != candidate) {
    warnings.push_back(what + " differs: \"" + base + "\" (base) vs \"" + candidate +
                       "\" (new); differences may come from the machine, not the code");
  }
}

void check_scenarios(const RunReport& base, const RunReport& candidate, const CompareOptions& o,
                     const std::string& candidate_file, std::vector<std::string>& warnings) {
  std::vector<std::string> reasons;
  if (base.scenario_name != candidate.scenario_name) {
    reasons.push_back("scenario \"" + base.scenario_name + "\" vs \"" + candidate.scenario_name +
                      "\"");
  }
  for (const char* part : {"target", "workloads"}) {
    const json* a =
        base.scenario.is_object() && base.scenario.contains(part) ? &base.scenario[part] : nullptr;
    const json* b = candidate.scenario.is_object() && candidate.scenario.contains(part)
                        ? &candidate.scenario[part]
                        : nullptr;
    if (a && b && *a != *b) reasons.push_back(std::string("the scenarios' ") + part + " differ");
  }
  if (!reasons.empty()) {
    std::string joined;
    for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
    if (!o.allow_different_scenarios) {
      throw Error("compare", candidate_file, "reports are from different scenarios: " + joined,
                  "compare two runs of the same scenario, or pass --allow-different-scenarios");
    }
    warnings.push_back("comparing different scenarios (--allow-different-scenarios): " + joined);
  } else if (base.scenario_hash != candidate.scenario_hash) {
    warnings.push_back(
        "the scenario changed between the runs (hash " + base.scenario_hash.substr(0, 12) + " vs " +
        candidate.scenario_hash.substr(0, 12) +
        ") in settings that do not change what is measured (trials, profiling, iterations)");
  }
}

const std::vector<double>* values_of(const RunReport& r, const std::string& workload,
                                     const std::string& build) {
  for (const auto& t : r.trials) {
    if (t.workload == workload && t.build == build) return &t.values;
  }
  return nullptr;
}

std::string off_label(const RunReport& r) {
  for (const auto& b : r.builds) {
    if (b.iteration == 0) return b.label;
  }
  return "v0";
}

}  // namespace

ChangeVerdict change_verdict(bool significant, double ratio, bool higher_is_better,
                             double threshold) {
  if (!significant) return ChangeVerdict::kNoChange;
  const bool worse = higher_is_better ? ratio < 1.0 - threshold : ratio > 1.0 + threshold;
  const bool better = higher_is_better ? ratio > 1.0 + threshold : ratio < 1.0 - threshold;
  if (worse) return ChangeVerdict::kRegression;
  if (better) return ChangeVerdict::kImprovement;
  return ChangeVerdict::kNoChange;
}

ComparisonRow compare_sample_row(const std::string& kind, const std::string& workload,
                                 const std::string& build, const std::string& unit,
                                 const std::vector<double>& base,
                                 const std::vector<double>& candidate, bool higher_is_better,
                                 const CompareOptions& o) {
  harness::ComparisonOptions co;
  co.alpha = o.alpha;
  co.confidence = 1.0 - o.alpha;
  co.bootstrap_resamples = o.bootstrap_resamples;
  co.seed = o.seed;
  return row_from_comparison(harness::compare_samples(base, candidate, co), kind, workload, build,
                             unit, higher_is_better, o.threshold);
}

std::string to_string(ChangeVerdict verdict) {
  switch (verdict) {
    case ChangeVerdict::kRegression:
      return "regression";
    case ChangeVerdict::kImprovement:
      return "improvement";
    case ChangeVerdict::kNoChange:
      return "no significant change";
    case ChangeVerdict::kInsufficientData:
      return "insufficient data";
  }
  return "no significant change";
}

std::size_t RunComparison::count(ChangeVerdict verdict) const {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [&](const ComparisonRow& r) { return r.verdict == verdict; }));
}

RunComparison compare_run_reports(const RunReport& base, const RunReport& candidate,
                                  const CompareOptions& o, const std::string& base_file,
                                  const std::string& candidate_file) {
  RunComparison c;
  c.input_kind = "run";
  c.base_file = base_file;
  c.candidate_file = candidate_file;
  c.scenario_name = candidate.scenario_name;
  c.options = o;
  check_scenarios(base, candidate, o, candidate_file, c.warnings);
  warn_if_differs(c.warnings, "CPU model", env_string(base.environment, "cpu_model"),
                  env_string(candidate.environment, "cpu_model"));
  warn_if_differs(c.warnings, "Go version", base.go_version, candidate.go_version);
  c.base_revision = base.source_revision + (base.source_dirty ? "+dirty" : "");
  c.candidate_revision = candidate.source_revision + (candidate.source_dirty ? "+dirty" : "");
  warn_if_differs(c.warnings, "harness version", base.tool_version, candidate.tool_version);
  for (const auto* r : {&base, &candidate}) {
    if (r->status != harness::RunStatus::kComplete) {
      c.warnings.push_back(std::string(r == &base ? "base" : "new") + " report is " +
                           harness::to_string(r->status) + ", not complete");
    }
  }

  // Absolute times, in the base report's order.
  for (const auto& t : base.trials) {
    const harness::TrialSeries* other = nullptr;
    for (const auto& u : candidate.trials) {
      if (u.workload == t.workload && u.build == t.build) other = &u;
    }
    if (!other) {
      c.warnings.push_back("workload " + t.workload + " build " + t.build +
                           " is only in the base report");
      continue;
    }
    if (other->metric != t.metric || other->unit != t.unit) {
      c.warnings.push_back("workload " + t.workload + " build " + t.build +
                           " is measured differently (" + t.metric + " vs " + other->metric +
                           "); not compared");
      continue;
    }
    c.rows.push_back(time_row(t.workload, t.build, t.unit, t.values, other->values, o,
                              harness::is_counting_metric_name(t.metric)));
  }
  for (const auto& u : candidate.trials) {
    if (!values_of(base, u.workload, u.build)) {
      c.warnings.push_back("workload " + u.workload + " build " + u.build +
                           " is only in the new report");
    }
  }

  // Peak memory per (workload, build) where both reports recorded it: the same U test and
  // bootstrap interval on the runs' peak RSS, against its own threshold.
  for (const auto& t : base.trials) {
    if (t.peak_rss_bytes.empty()) continue;
    for (const auto& u : candidate.trials) {
      if (u.workload != t.workload || u.build != t.build || u.peak_rss_bytes.empty()) continue;
      const std::vector<double> b(t.peak_rss_bytes.begin(), t.peak_rss_bytes.end());
      const std::vector<double> n(u.peak_rss_bytes.begin(), u.peak_rss_bytes.end());
      CompareOptions memory = o;
      memory.threshold = o.memory_threshold;
      c.rows.push_back(
          compare_sample_row("peak_rss", t.workload, t.build, "B", b, n, false, memory));
    }
  }

  // PGO speedup per iteration build, per workload and geomean.
  const std::string base_off = off_label(base);
  const std::string new_off = off_label(candidate);
  for (const auto& b : base.builds) {
    if (b.iteration == 0) continue;
    const bool in_candidate = std::any_of(candidate.builds.begin(), candidate.builds.end(),
                                          [&](const auto& x) { return x.label == b.label; });
    if (!in_candidate) continue;
    std::vector<SpeedupSamples> all;
    std::vector<std::string> names;
    for (const auto& t : base.trials) {
      if (t.build != b.label) continue;
      const auto* bo = values_of(base, t.workload, base_off);
      const auto* no = values_of(candidate, t.workload, new_off);
      const auto* np = values_of(candidate, t.workload, b.label);
      if (!bo || !no || !np) continue;
      SpeedupSamples s{bo, &t.values, no, np, harness::is_counting_metric_name(t.metric)};
      c.rows.push_back(speedup_row(t.workload, b.label, {s}, o));
      all.push_back(s);
      names.push_back(t.workload);
    }
    if (all.size() > 1) c.rows.push_back(speedup_row("geomean", b.label, all, o));
  }

  // Build time and binary size per build label. Build times of a run on the shared Go
  // build cache measure that cache's state, not the build: no build_time rows then.
  const bool build_times =
      base.analysis.build_times_comparable && candidate.analysis.build_times_comparable;
  if (!build_times) {
    c.warnings.push_back(
        "build times not compared: " +
        std::string(!base.analysis.build_times_comparable ? "the base" : "the new") +
        " run used the shared Go build cache (--build-cache go)");
  }
  for (const auto& b : base.builds) {
    for (const auto& n : candidate.builds) {
      if (n.label != b.label) continue;
      if (build_times && b.build_seconds > 0 && n.build_seconds > 0) {
        ComparisonRow row;
        row.kind = "build_time";
        row.build = b.label;
        row.unit = "s";
        row.base = b.build_seconds;
        row.candidate = n.build_seconds;
        row.ratio = n.build_seconds / b.build_seconds;
        row.verdict = decide(true, *row.ratio, false, o.build_time_threshold);
        c.rows.push_back(row);
      }
      if (b.binary_size_bytes > 0 && n.binary_size_bytes > 0) {
        ComparisonRow row;
        row.kind = "binary_size";
        row.build = b.label;
        row.unit = "B";
        row.base = static_cast<double>(b.binary_size_bytes);
        row.candidate = static_cast<double>(n.binary_size_bytes);
        row.ratio = *row.candidate / *row.base;
        row.verdict = decide(true, *row.ratio, false, o.threshold);
        c.rows.push_back(row);
      }
    }
  }
  return c;
}

BenchExport bench_export_from_json(const json& j, const std::string& file) {
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array()) {
    throw Error("compare", file, "not a run report or a bench export ($.results is missing)",
                "pass report.json (or its run directory) or a `bench --export-json` file");
  }
  BenchExport e;
  const json& results = j["results"];
  for (std::size_t i = 0; i < results.size(); ++i) {
    const std::string path = "$.results[" + std::to_string(i) + "]";
    const json& r = results[i];
    if (!r.is_object() || !r.contains("command") || !r["command"].is_string()) {
      throw Error("compare", file, path + ".command: missing or not a string");
    }
    if (!r.contains("times") || !r["times"].is_array()) {
      throw Error("compare", file, path + ".times: missing or not an array");
    }
    BenchExport::Command command;
    command.name = r["command"].get<std::string>();
    for (std::size_t k = 0; k < r["times"].size(); ++k) {
      const json& t = r["times"][k];
      if (!t.is_number()) {
        throw Error("compare", file, path + ".times[" + std::to_string(k) + "]: expected a number");
      }
      command.times.push_back(t.get<double>());
    }
    e.commands.push_back(std::move(command));
  }
  if (j.contains("environment")) {
    e.cpu_model = env_string(j["environment"], "cpu_model");
    e.harness_version = env_string(j["environment"], "harness_version");
  }
  return e;
}

RunComparison compare_bench_exports(const BenchExport& base, const BenchExport& candidate,
                                    const CompareOptions& o, const std::string& base_file,
                                    const std::string& candidate_file) {
  RunComparison c;
  c.input_kind = "bench";
  c.base_file = base_file;
  c.candidate_file = candidate_file;
  c.options = o;
  warn_if_differs(c.warnings, "CPU model", base.cpu_model, candidate.cpu_model);
  warn_if_differs(c.warnings, "harness version", base.harness_version, candidate.harness_version);
  std::size_t matched = 0;
  for (const auto& b : base.commands) {
    auto it = std::find_if(candidate.commands.begin(), candidate.commands.end(),
                           [&](const auto& x) { return x.name == b.name; });
    if (it == candidate.commands.end()) {
      c.warnings.push_back("command \"" + b.name + "\" is only in the base export");
      continue;
    }
    ++matched;
    c.rows.push_back(time_row(b.name, "", "s", b.times, it->times, o, false));
  }
  for (const auto& n : candidate.commands) {
    if (std::none_of(base.commands.begin(), base.commands.end(),
                     [&](const auto& x) { return x.name == n.name; })) {
      c.warnings.push_back("command \"" + n.name + "\" is only in the new export");
    }
  }
  if (matched == 0) {
    throw Error("compare", candidate_file, "no command of the base export is in the new one",
                "name commands the same way in both runs (--command-name)");
  }
  return c;
}

RunComparison compare_files(const std::string& base_path, const std::string& candidate_path,
                            const CompareOptions& options, ComparedReports* reports) {
  // A file is JSON (a run report or a bench export) when it starts like JSON; anything
  // else is read as Go benchmark-format text.
  struct Input {
    std::string file;
    std::string text;
    std::optional<json> j;
  };
  auto load = [](const std::string& path) {
    Input in{resolve_report_path(path), {}, std::nullopt};
    in.text = pgo::read_text_file(in.file, "compare");
    const auto first = in.text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && (in.text[first] == '{' || in.text[first] == '[')) {
      try {
        in.j = json::parse(in.text);
      } catch (const json::exception& e) {  // syntax, or a number out of range ("1e999")
        throw Error("compare", in.file, std::string("not valid JSON: ") + e.what());
      }
    }
    return in;
  };
  const Input base = load(base_path);
  const Input candidate = load(candidate_path);
  if (!base.j || !candidate.j) {
    if (base.j || candidate.j) {
      throw Error("compare", (base.j ? candidate : base).file,
                  "cannot compare Go benchmark output with a JSON report or export",
                  "pass two files of the same kind");
    }
    auto parse = [](const Input& in) {
      harness::GoBenchOutput out = harness::parse_go_bench_output(in.text);
      if (out.results.empty()) {
        throw Error("compare", in.file,
                    "neither JSON nor Go benchmark output (no \"Benchmark...\" result line)",
                    "pass run reports, bench exports, or `go test -bench` output files");
      }
      return out;
    };
    return compare_benchfmt(parse(base), parse(candidate), options, base.file, candidate.file);
  }
  auto is_run = [](const json& j) { return j.is_object() && j.contains("schema_version"); };
  // Say what each file is before saying they differ: "{}" is neither kind.
  for (const Input* in : {&base, &candidate}) {
    const bool bench = in->j->is_object() && in->j->contains("results");
    if (!is_run(*in->j) && !bench) {
      throw Error("compare", in->file,
                  std::string("neither a run report ($.schema_version is missing) nor a bench "
                              "export ($.results is missing); the JSON is ") +
                      (in->j->is_object() || in->j->is_array() ? "an " : "a ") + in->j->type_name(),
                  "pass report.json (or its run directory) or a `bench --export-json` file");
    }
  }
  if (is_run(*base.j) != is_run(*candidate.j)) {
    const Input& run = is_run(*base.j) ? base : candidate;
    const Input& bench = is_run(*base.j) ? candidate : base;
    throw Error("compare", bench.file,
                "is a bench export but " + run.file + " is a run report; they cannot be compared",
                "pass two run reports or two bench exports");
  }
  if (is_run(*base.j)) {
    RunReport b = run_report_from_json(*base.j, base.file);
    RunReport n = run_report_from_json(*candidate.j, candidate.file);
    RunComparison c = compare_run_reports(b, n, options, base.file, candidate.file);
    if (reports != nullptr) {
      reports->base = std::move(b);
      reports->candidate = std::move(n);
    }
    return c;
  }
  return compare_bench_exports(bench_export_from_json(*base.j, base.file),
                               bench_export_from_json(*candidate.j, candidate.file), options,
                               base.file, candidate.file);
}

// --- Views -------------------------------------------------------------------------------

namespace {

std::string kind_label(const std::string& kind) {
  if (kind == "time") return "time";
  if (kind == "pgo_speedup") return "PGO speedup";
  if (kind == "build_time") return "build time";
  if (kind == "binary_size") return "binary size";
  if (kind == "peak_rss") return "peak RSS";
  if (kind == "benchmark") return "benchmark";
  return kind;
}

std::string value_cell(const ComparisonRow& r, std::optional<double> v) {
  if (!v) return "-";
  if (r.unit == "x") return format_speedup(v);
  if (r.unit == "B") return format_bytes(static_cast<std::int64_t>(*v));
  return format_value(*v, r.unit);
}

}  // namespace

std::vector<std::vector<std::string>> comparison_table_cells(const RunComparison& c) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : c.rows) {
    rows.push_back({kind_label(r.kind), r.workload.empty() ? "-" : r.workload,
                    r.build.empty() ? "-" : r.build, value_cell(r, r.base),
                    value_cell(r, r.candidate), format_change(r.ratio),
                    format_change_interval(r.ci_lower, r.ci_upper), format_p_value(r.p_value),
                    to_string(r.verdict)});
  }
  return rows;
}

const std::vector<std::string>& comparison_table_header() {
  static const std::vector<std::string> header = {"kind",   "workload", "build", "base",   "new",
                                                  "change", "interval", "p",     "verdict"};
  return header;
}

std::string comparison_summary_line(const RunComparison& c) {
  return fmt::format(
      "{} regression(s), {} improvement(s), {} without significant change, {} with insufficient "
      "data (threshold {}, build-time threshold {}, memory threshold {}, alpha {})",
      c.count(ChangeVerdict::kRegression), c.count(ChangeVerdict::kImprovement),
      c.count(ChangeVerdict::kNoChange), c.count(ChangeVerdict::kInsufficientData),
      format_percent(c.options.threshold), format_percent(c.options.build_time_threshold),
      format_percent(c.options.memory_threshold), c.options.alpha);
}

std::string render_comparison_text(const RunComparison& c) {
  const auto cells = comparison_table_cells(c);
  std::vector<std::size_t> width;
  for (const auto& h : comparison_table_header()) width.push_back(h.size());
  for (const auto& row : cells) {
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& row) {
    std::string out;
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out += std::string(width[i] - row[i].size() + 2, ' ');
    }
    return out + "\n";
  };
  auto at = [](const std::string& revision) {
    return revision.empty() ? std::string() : " (revision " + revision + ")";
  };
  std::string out = "base: " + c.base_file + at(c.base_revision) + "\nnew:  " + c.candidate_file +
                    at(c.candidate_revision) + "\n\n";
  out += line(comparison_table_header());
  for (const auto& row : cells) out += line(row);
  out += "\n" + comparison_summary_line(c) + "\n";
  for (const auto& w : c.warnings) out += "warning: " + w + "\n";
  out += c.has_regression() ? "result: REGRESSION\n" : "result: no regression\n";
  return out;
}

std::string render_comparison_markdown(const RunComparison& c) {
  std::string out = "## pgo-harness compare: ";
  out += c.has_regression() ? "regression\n\n" : "no regression\n\n";
  auto at = [](const std::string& revision) {
    return revision.empty() ? std::string() : " at `" + markdown_cell(revision) + "`";
  };
  out += "Base `" + markdown_cell(c.base_file) + "`" + at(c.base_revision) + ", new `" +
         markdown_cell(c.candidate_file) + "`" + at(c.candidate_revision) +
         (c.scenario_name.empty() ? "" : ", scenario " + markdown_cell(c.scenario_name)) + ".\n\n";
  out +=
      "| Kind | Workload | Build | Base | New | Change | Interval | p | Verdict |\n"
      "|---|---|---|---:|---:|---:|---|---:|---|\n";
  for (auto row : comparison_table_cells(c)) {
    if (row[8] == "regression") row[8] = "**regression**";
    std::string line = "|";
    for (const auto& cell : row) line += " " + markdown_cell(cell) + " |";
    out += line + "\n";
  }
  out += "\n" + comparison_summary_line(c) + ". Change = new / base; intervals are " +
         format_percent(1 - c.options.alpha) + " bootstrap intervals.\n";
  if (!c.warnings.empty()) {
    out += "\n**Warnings**\n\n";
    for (const auto& w : c.warnings) out += "- " + markdown_cell(w) + "\n";
  }
  return out;
}

json comparison_to_json(const RunComparison& c) {
  auto opt = [](const std::optional<double>& v) { return v ? json(*v) : json(nullptr); };
  json rows = json::array();
  for (const auto& r : c.rows) {
    rows.push_back(json{{"kind", r.kind},
                        {"workload", r.workload},
                        {"build", r.build},
                        {"unit", r.unit},
                        {"base", opt(r.base)},
                        {"new", opt(r.candidate)},
                        {"ratio", opt(r.ratio)},
                        {"ci_lower", opt(r.ci_lower)},
                        {"ci_upper", opt(r.ci_upper)},
                        {"p_value", opt(r.p_value)},
                        {"higher_is_better", r.higher_is_better},
                        {"verdict", to_string(r.verdict)}});
  }
  return json{{"schema_version", kComparisonSchemaVersion},
              {"input_kind", c.input_kind},
              {"base", c.base_file},
              {"new", c.candidate_file},
              {"base_revision", c.base_revision},
              {"new_revision", c.candidate_revision},
              {"scenario_name", c.scenario_name},
              {"options",
               {{"threshold", c.options.threshold},
                {"build_time_threshold", c.options.build_time_threshold},
                {"memory_threshold", c.options.memory_threshold},
                {"alpha", c.options.alpha},
                {"bootstrap_resamples", c.options.bootstrap_resamples},
                {"seed", c.options.seed}}},
              {"rows", std::move(rows)},
              {"warnings", c.warnings},
              {"regressions", c.count(ChangeVerdict::kRegression)},
              {"improvements", c.count(ChangeVerdict::kImprovement)},
              {"result", c.has_regression() ? "regression" : "no regression"}};
}

}  // namespace pgo::reports

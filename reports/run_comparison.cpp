#include "reports/run_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include "base/error.h"
#include "go/go_bench_format.h"
#include "stats/count_comparison.h"
#include "stats/sample_comparison.h"
#include "stats/statistics.h"

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
  if (!counting)
    return compare_sample_row("time", workload, build, unit, base, candidate, false, o);
  // Counts (instructions, estimated cycles) are near-deterministic: a few runs per side,
  // judged by the tolerance rule of stats/count_comparison.h, not the rank test.
  return row_from_comparison(harness::compare_counts(base, candidate, harness::CountRule{}), "time",
                             workload, build, unit, false, o.threshold);
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

  // Every workload's four samples at once, in the order base v0, base vi, new v0, new vi;
  // the group's ratio is new speedup / base speedup.
  std::vector<std::vector<std::span<const double>>> groups;
  for (const auto& s : samples)
    groups.push_back({*s.base_off, *s.base_pgo, *s.new_off, *s.new_pgo});
  const std::vector<double> ratios = harness::bootstrap_geomean_of_ratios(
      groups, [](std::span<const double> m) { return (m[2] / m[3]) / (m[0] / m[1]); },
      o.bootstrap_resamples, o.seed);
  row.ci_lower = harness::quantile_of_sorted(ratios, o.alpha / 2);
  row.ci_upper = harness::quantile_of_sorted(ratios, 1 - o.alpha / 2);
  const bool significant = *row.ci_lower > 1.0 || *row.ci_upper < 1.0;
  row.verdict = decide(significant, *row.ratio, true, o.threshold);
  return row;
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
  // Only when both reports recorded their scenario.
  if (base.scenario && candidate.scenario) {
    if (base.scenario->target != candidate.scenario->target) {
      reasons.push_back("the scenarios' target differ");
    }
    if (base.scenario->workloads != candidate.scenario->workloads) {
      reasons.push_back("the scenarios' workloads differ");
    }
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

RunComparison RunComparison::begin(std::string input_kind, const CompareOptions& options,
                                   std::string base_file, std::string candidate_file) {
  RunComparison c;
  c.input_kind = std::move(input_kind);
  c.base_file = std::move(base_file);
  c.candidate_file = std::move(candidate_file);
  c.options = options;
  return c;
}

std::size_t RunComparison::count(ChangeVerdict verdict) const {
  return static_cast<std::size_t>(std::count_if(
      rows.begin(), rows.end(), [&](const ComparisonRow& r) { return r.verdict == verdict; }));
}

RunComparison compare_run_reports(const RunReport& base, const RunReport& candidate,
                                  const CompareOptions& o, const std::string& base_file,
                                  const std::string& candidate_file) {
  RunComparison c = RunComparison::begin("run", o, base_file, candidate_file);
  c.scenario_name = candidate.scenario_name;
  check_scenarios(base, candidate, o, candidate_file, c.warnings);
  warn_if_differs(c.warnings, "CPU model", base.environment.cpu_model,
                  candidate.environment.cpu_model);
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

  // Per benchmark of gotest workloads, where both reports have per-benchmark results: every
  // unit both recorded, the same test as the time rows ("workload/BenchmarkName").
  const harness::GoBenchOutput no_metadata;
  for (const auto& t : base.trials) {
    for (const auto& u : candidate.trials) {
      if (u.workload != t.workload || u.build != t.build) continue;
      for (const auto& [name, units] : t.benchmarks) {
        auto other = u.benchmarks.find(name);
        if (other == u.benchmarks.end()) continue;
        for (const auto& [unit, values] : units) {
          auto other_values = other->second.find(unit);
          if (other_values == other->second.end()) continue;
          c.rows.push_back(compare_sample_row("benchmark", t.workload + "/" + name, t.build, unit,
                                              values, other_values->second,
                                              no_metadata.higher_is_better(unit), o));
        }
      }
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

RunComparison compare_bench_exports(const BenchExport& base, const BenchExport& candidate,
                                    const CompareOptions& o, const std::string& base_file,
                                    const std::string& candidate_file) {
  RunComparison c = RunComparison::begin("bench", o, base_file, candidate_file);
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

}  // namespace pgo::reports

#include "run/run_analysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "stats/paired_comparison.h"
#include "stats/sample_comparison.h"
#include "stats/statistics.h"

namespace pgo::harness {
namespace {

std::string percent(double ratio_minus_one) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", ratio_minus_one * 100);
  return text;
}

std::string fraction(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", value * 100);
  return text;
}

// "faster"/"slower" change of a time ratio, as people read it: 0.95 -> "5.0% faster".
std::string change_words(double time_ratio) {
  double speedup = 1 / time_ratio;
  return speedup >= 1 ? fraction(speedup - 1) + " faster" : fraction(1 - speedup) + " slower";
}

const TrialSeries* find_series(const std::vector<TrialSeries>& trials, const std::string& workload,
                               const std::string& build) {
  for (const TrialSeries& t : trials) {
    if (t.workload == workload && t.build == build) return &t;
  }
  return nullptr;
}

// A series' round indices; none when it has no rounds recorded or they do not fit its
// values (the comparison then falls back to the unpaired test).
std::vector<std::size_t> rounds_of(const TrialSeries* s) {
  std::vector<std::size_t> out;
  if (!s || s->rounds.size() != s->values.size()) return out;
  for (std::size_t i = 0; i < s->rounds.size(); ++i) {
    if (s->rounds[i] < 0 || (i > 0 && s->rounds[i] <= s->rounds[i - 1])) return {};
    out.push_back(static_cast<std::size_t>(s->rounds[i]));
  }
  return out;
}

// The rounds of one benchmark's values: the series' rounds when the benchmark has a value
// in every run of it (otherwise none, and its comparison falls back to the unpaired test).
std::vector<std::size_t> benchmark_rounds(const TrialSeries* s, const std::vector<double>& values) {
  if (!s || values.size() != s->values.size()) return {};
  return rounds_of(s);
}

// One benchmark's value of `unit` per run (TrialSeries::benchmarks); empty when not recorded.
const std::vector<double>& benchmark_values(const TrialSeries* series, const std::string& benchmark,
                                            const std::string& unit) {
  static const std::vector<double> kNone;
  if (!series) return kNone;
  auto b = series->benchmarks.find(benchmark);
  if (b == series->benchmarks.end()) return kNone;
  auto u = b->second.find(unit);
  return u == b->second.end() ? kNone : u->second;
}

// Per benchmark of a gotest workload: ns/op compared like the workload, other units as
// ratios of medians. Empty when no series of the workload has per-benchmark values.
std::vector<BenchmarkAnalysis> analyze_benchmarks(const std::vector<BuildRecord>& builds,
                                                  const std::vector<TrialSeries>& trials,
                                                  const std::string& workload, double alpha,
                                                  std::uint64_t seed) {
  std::vector<std::string> names;  // of every build's series, sorted below
  std::map<std::string, std::vector<std::string>> units;
  for (const BuildRecord& b : builds) {
    const TrialSeries* s = find_series(trials, workload, b.label);
    if (!s) continue;
    for (const auto& [name, by_unit] : s->benchmarks) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
      for (const auto& [unit, values] : by_unit) {
        auto& list = units[name];
        if (unit != "ns/op" && std::find(list.begin(), list.end(), unit) == list.end()) {
          list.push_back(unit);
        }
      }
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<BenchmarkAnalysis> out;
  std::uint64_t comparison = 0;
  const TrialSeries* off = find_series(trials, workload, builds.front().label);
  for (const std::string& name : names) {
    BenchmarkAnalysis ba;
    ba.benchmark = name;
    std::sort(units[name].begin(), units[name].end());
    for (std::size_t i = 1; i < builds.size(); ++i) {
      const TrialSeries* cur = find_series(trials, workload, builds[i].label);
      const TrialSeries* prev = find_series(trials, workload, builds[i - 1].label);
      BenchmarkIteration bi;
      bi.build = builds[i].label;
      bi.iteration = builds[i].iteration;
      const std::vector<double>& cv = benchmark_values(cur, name, "ns/op");
      const std::vector<double>& ov = benchmark_values(off, name, "ns/op");
      const std::vector<double>& pv = benchmark_values(prev, name, "ns/op");
      const std::vector<std::size_t> cur_rounds = benchmark_rounds(cur, cv);
      bi.vs_off =
          make_comparison(bi.build, builds.front().label, ov, cv, alpha, seed + ++comparison,
                          std::nullopt, benchmark_rounds(off, ov), cur_rounds);
      if (i >= 2) {
        bi.vs_previous =
            make_comparison(bi.build, builds[i - 1].label, pv, cv, alpha, seed + ++comparison,
                            std::nullopt, benchmark_rounds(prev, pv), cur_rounds);
      }
      for (const std::string& unit : units[name]) {
        const std::vector<double>& ref = benchmark_values(off, name, unit);
        const std::vector<double>& cand = benchmark_values(cur, name, unit);
        std::optional<double> ratio;
        if (!ref.empty() && !cand.empty() && median(ref) > 0) ratio = median(cand) / median(ref);
        bi.unit_ratios_vs_off[unit] = ratio;
      }
      ba.iterations.push_back(std::move(bi));
    }
    out.push_back(std::move(ba));
  }
  return out;
}

// "; but PGO significantly slowed benchmark BenchmarkA of workload w (12.0% slower) on v2
// against v0", naming the slowed benchmarks of the last build; "" when there are none.
std::string slowed_on_last_build(const Analysis& a, const std::string& last_build) {
  std::string names;
  std::size_t count = 0;
  for (const SlowedBenchmark& s : slowed_benchmarks(a)) {
    if (s.build != last_build) continue;
    names += (count++ == 0 ? "" : ", ") + s.benchmark + " of workload " + s.workload + " (" +
             change_words(s.vs_off.time_ratio.value_or(1)) + ")";
  }
  if (count == 0) return "";
  return "; but PGO significantly slowed benchmark" + std::string(count == 1 ? " " : "s ") + names +
         " on " + last_build + " against v0";
}

}  // namespace

std::vector<SlowedBenchmark> slowed_benchmarks(const Analysis& analysis) {
  std::vector<SlowedBenchmark> out;
  for (const WorkloadAnalysis& w : analysis.workloads) {
    for (const BenchmarkAnalysis& b : w.benchmarks) {
      for (const BenchmarkIteration& it : b.iterations) {
        if (it.vs_off.verdict == Verdict::kSlower) {
          out.push_back({w.workload, b.benchmark, it.build, it.vs_off});
        }
      }
    }
  }
  return out;
}

std::string slowed_benchmark_warning(const SlowedBenchmark& s) {
  const Comparison& c = s.vs_off;
  char ratio[96] = "";
  if (c.time_ratio && c.time_ratio_ci_lower && c.time_ratio_ci_upper) {
    std::snprintf(ratio, sizeof ratio, " (ns/op ratio %.3f, 95%% interval [%.3f, %.3f])",
                  *c.time_ratio, *c.time_ratio_ci_lower, *c.time_ratio_ci_upper);
  } else if (c.time_ratio) {
    std::snprintf(ratio, sizeof ratio, " (ns/op ratio %.3f)", *c.time_ratio);
  }
  return "benchmark " + s.benchmark + " of workload " + s.workload + ": " + s.build + " is " +
         change_words(c.time_ratio.value_or(1)) + " than " + c.against + ratio +
         ", significant: PGO slowed this benchmark whatever the workload's geomean says";
}

Comparison make_comparison(const std::string& build, const std::string& against,
                           std::span<const double> reference, std::span<const double> candidate,
                           double alpha, std::uint64_t seed,
                           const std::optional<CountRule>& count_rule,
                           std::span<const std::size_t> reference_rounds,
                           std::span<const std::size_t> candidate_rounds) {
  Comparison c;
  c.build = build;
  c.against = against;
  ComparisonOptions options;
  options.alpha = alpha;
  options.seed = seed;
  SampleComparison s = count_rule ? compare_counts(reference, candidate, *count_rule)
                                  : compare_rounds_or_samples(reference, reference_rounds,
                                                              candidate, candidate_rounds, options);
  c.method = s.method;
  if (s.pairs) c.pairs = static_cast<std::int64_t>(*s.pairs);
  if (s.pairs && s.u_test) c.u_test_p_value = s.u_test->p_value;
  c.time_ratio = s.median_ratio;
  if (s.median_ratio_interval) {
    c.time_ratio_ci_lower = s.median_ratio_interval->lower;
    c.time_ratio_ci_upper = s.median_ratio_interval->upper;
  }
  if (s.median_ratio && *s.median_ratio > 0) c.speedup = 1 / *s.median_ratio;
  c.p_value = s.p_value;
  c.verdict = s.verdict;
  return c;
}

GeomeanEstimate geomean_speedup(const std::vector<SamplePair>& pairs, double confidence,
                                std::uint64_t seed, std::size_t resamples) {
  GeomeanEstimate out;
  std::vector<SamplePair> used;
  for (const SamplePair& p : pairs) {
    if (!p.reference.empty() && !p.candidate.empty()) used.push_back(p);
  }
  if (used.empty()) return out;
  double log_sum = 0;
  for (const SamplePair& p : used) {
    double ref = median(p.reference), cand = median(p.candidate);
    if (ref <= 0 || cand <= 0) return out;
    log_sum += std::log(ref / cand);
  }
  const double n = static_cast<double>(used.size());
  out.speedup = std::exp(log_sum / n);

  // Joint bootstrap: one resample redraws every workload of both builds, so the interval
  // reflects the noise of all workloads together; by round when every workload has
  // enough shared rounds, as its own comparison does.
  std::vector<PairedSeries> paired;
  for (const SamplePair& p : used) {
    PairedSeries ps =
        pair_by_round(p.reference, p.reference_rounds, p.candidate, p.candidate_rounds);
    if (signed_rank_min_p_value(ps.reference.size()) >= 1 - confidence) break;
    paired.push_back(std::move(ps));
  }
  std::vector<double> geomeans;
  if (paired.size() == used.size()) {
    out.paired = true;
    geomeans = bootstrap_geomean_of_paired_ratios(paired, resamples, seed);
  } else {
    std::vector<std::vector<std::span<const double>>> groups;
    for (const SamplePair& p : used) groups.push_back({p.reference, p.candidate});
    geomeans = bootstrap_geomean_of_ratios(
        groups, [](std::span<const double> m) { return m[0] / m[1]; }, resamples, seed);
  }
  if (geomeans.empty()) return out;
  out.ci_lower = quantile_of_sorted(geomeans, (1 - confidence) / 2);
  out.ci_upper = quantile_of_sorted(geomeans, (1 + confidence) / 2);
  return out;
}

std::string metric_quantity(const std::vector<std::string>& metrics) {
  if (metrics.empty()) return "time";
  for (const std::string& m : metrics) {
    if (m != metrics.front()) return "the geomean of the workloads' metrics";
  }
  const std::string& m = metrics.front();
  if (m == "wall") return "wall time";
  if (m == "cpu") return "CPU time";
  if (m == "ns_per_op") return "ns/op";
  if (m == "cycles_estimate") return "estimated cycles";
  return m;  // "instructions", or a metric added later
}

ConvergenceVerdict convergence_verdict(const std::vector<ConvergenceStep>& steps,
                                       const Convergence& t, const std::string& quantity) {
  ConvergenceVerdict v;
  if (steps.empty()) {
    v.kind = ConvergenceKind::kIncomplete;
    v.explanation = "no PGO build was timed";
    return v;
  }
  const std::size_t n = steps.size();
  const ConvergenceStep& last = steps.back();

  // 1. regressed
  if (last.significant_vs_off && last.time_ratio_vs_off > 1 + t.max_regression) {
    v.kind = ConvergenceKind::kRegressed;
    v.explanation = "v" + std::to_string(n) + " is " + change_words(last.time_ratio_vs_off) +
                    " than v0 (significant; the limit is " + fraction(t.max_regression) + ")";
    return v;
  }

  // 2. no significant gain
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < n; ++i) {
    const ConvergenceStep& s = steps[i];
    if (s.significant_vs_off && s.time_ratio_vs_off < 1 &&
        1 / s.time_ratio_vs_off >= 1 + t.min_gain - 1e-12) {
      if (!best || s.time_ratio_vs_off < steps[*best].time_ratio_vs_off) best = i;
    }
  }
  if (!best) {
    std::size_t closest = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (steps[i].time_ratio_vs_off < steps[closest].time_ratio_vs_off) closest = i;
    }
    v.kind = ConvergenceKind::kNoSignificantGain;
    v.explanation = "no iteration is significantly faster than v0 by at least " +
                    fraction(t.min_gain) + " (best: v" + std::to_string(closest + 1) + ", " +
                    change_words(steps[closest].time_ratio_vs_off) +
                    (steps[closest].significant_vs_off ? "" : ", not significant") + ")";
    return v;
  }

  // 3. oscillating
  std::optional<std::size_t> previous;
  for (std::size_t i = 0; i < n; ++i) {
    if (!steps[i].significant_step) continue;
    if (previous) {
      double a = steps[*previous].step_ratio - 1, b = steps[i].step_ratio - 1;
      if (a * b < 0 && std::abs(a) >= t.oscillation_swing && std::abs(b) >= t.oscillation_swing) {
        v.kind = ConvergenceKind::kOscillating;
        v.explanation = "step v" + std::to_string(*previous) + "->v" +
                        std::to_string(*previous + 1) + " changed " + quantity + " by " +
                        percent(a) + ", step v" + std::to_string(i) + "->v" +
                        std::to_string(i + 1) + " by " + percent(b) +
                        " (both significant, swing limit " + fraction(t.oscillation_swing) + ")";
        return v;
      }
    }
    previous = i;
  }

  // 4. converged at k / 5. still improving
  auto stable = [&](std::size_t i) {  // i: 0-based index of iteration i + 1
    const ConvergenceStep& s = steps[i];
    bool small = !s.significant_step || std::abs(s.step_ratio - 1) < t.stable_within;
    if (small && t.min_hot_edge_overlap > 0 && i >= 1) {
      small = s.hot_edge_overlap && *s.hot_edge_overlap >= t.min_hot_edge_overlap;
    }
    return small;
  };
  std::size_t k = n;  // iteration number
  while (k > 1 && stable(k - 1)) --k;
  const double gain = 1 / steps[*best].time_ratio_vs_off - 1;
  if (k < n) {
    v.kind = ConvergenceKind::kConverged;
    v.converged_at = static_cast<int>(k);
    v.explanation = "converged at iteration " + std::to_string(k) + ": v" + std::to_string(k) +
                    " is " + change_words(steps[k - 1].time_ratio_vs_off) +
                    " than v0, and every later step is not significant or within " +
                    fraction(t.stable_within) +
                    (t.min_hot_edge_overlap > 0
                         ? " with hot-edge overlap >= " + fraction(t.min_hot_edge_overlap)
                         : std::string()) +
                    " (best gain " + fraction(gain) + " at v" + std::to_string(*best + 1) + ")";
    return v;
  }
  v.kind = ConvergenceKind::kStillImproving;
  const ConvergenceStep& s = steps[n - 1];
  v.explanation =
      n == 1 ? "only one iteration: v1 is " + change_words(s.time_ratio_vs_off) +
                   " than v0; convergence needs at least one more iteration"
             : "the last step v" + std::to_string(n - 1) + "->v" + std::to_string(n) +
                   " still changed " + quantity + " by " + percent(s.step_ratio - 1) +
                   (t.min_hot_edge_overlap > 0 && s.significant_step &&
                            std::abs(s.step_ratio - 1) < t.stable_within
                        ? " (hot-edge overlap below " + fraction(t.min_hot_edge_overlap) + ")"
                        : std::string(" (significant)"));
  return v;
}

Analysis analyze_run(const std::vector<BuildRecord>& builds, const std::vector<TrialSeries>& trials,
                     const std::vector<IterationProfile>& profiles, const Convergence& thresholds,
                     double alpha, std::uint64_t seed, const CountRule& count_rule) {
  Analysis a;
  // Workloads in the order their trials appear.
  std::vector<std::string> workloads;
  std::map<std::string, std::string> metric_of;
  for (const TrialSeries& t : trials) {
    if (!metric_of.count(t.workload)) workloads.push_back(t.workload);
    metric_of[t.workload] = t.metric;
  }
  if (builds.empty() || workloads.empty()) {
    a.verdict.explanation = builds.empty() ? "no build finished" : "no trials were run";
    return a;
  }
  const BuildRecord& v0 = builds.front();
  bool complete = true;
  for (const std::string& w : workloads) {
    for (const BuildRecord& b : builds) {
      const TrialSeries* s = find_series(trials, w, b.label);
      if (!s || s->values.empty()) complete = false;
    }
  }

  // Per workload comparisons. Seeds differ per comparison so their bootstraps are
  // independent, yet all follow from the run's one seed.
  std::uint64_t comparison = 0;
  for (const std::string& w : workloads) {
    WorkloadAnalysis wa;
    wa.workload = w;
    wa.metric = metric_of[w];
    const TrialSeries* off = find_series(trials, w, v0.label);
    std::optional<CountRule> rule;
    if (is_counting_metric_name(wa.metric)) rule = count_rule;
    for (std::size_t i = 1; i < builds.size(); ++i) {
      const TrialSeries* cur = find_series(trials, w, builds[i].label);
      const TrialSeries* prev = find_series(trials, w, builds[i - 1].label);
      IterationAnalysis ia;
      ia.build = builds[i].label;
      ia.iteration = builds[i].iteration;
      static const std::vector<double> kNone;
      const std::vector<double>& cv = cur ? cur->values : kNone;
      const std::vector<std::size_t> cur_rounds = rounds_of(cur), off_rounds = rounds_of(off),
                                     prev_rounds = rounds_of(prev);
      ia.vs_off = make_comparison(builds[i].label, v0.label, off ? off->values : kNone, cv, alpha,
                                  seed + ++comparison, rule, off_rounds, cur_rounds);
      if (i >= 2) {
        ia.vs_previous =
            make_comparison(builds[i].label, builds[i - 1].label, prev ? prev->values : kNone, cv,
                            alpha, seed + ++comparison, rule, prev_rounds, cur_rounds);
      }
      wa.iterations.push_back(std::move(ia));
    }
    // Seeds apart from the workloads' so adding benchmarks changes no other comparison.
    if (!rule) {
      wa.benchmarks =
          analyze_benchmarks(builds, trials, w, alpha, seed + 100000 * (a.workloads.size() + 1));
    }
    a.workloads.push_back(std::move(wa));
  }

  // The round indices live as long as the analysis: the pairs below point into them.
  std::map<const TrialSeries*, std::vector<std::size_t>> rounds_by_series;
  auto pairs_of = [&](const std::string& ref, const std::string& cand) {
    std::vector<SamplePair> pairs;
    for (const std::string& w : workloads) {
      const TrialSeries* r = find_series(trials, w, ref);
      const TrialSeries* c = find_series(trials, w, cand);
      if (!r || !c) continue;
      for (const TrialSeries* s : {r, c}) {
        if (!rounds_by_series.count(s)) rounds_by_series[s] = rounds_of(s);
      }
      pairs.push_back({r->values, c->values, rounds_by_series[r], rounds_by_series[c]});
    }
    return pairs;
  };

  // With every workload counting, a bootstrap interval of near-identical runs excludes 1
  // for any difference at all; require the practical floor too.
  const bool all_counting =
      std::all_of(workloads.begin(), workloads.end(),
                  [&](const std::string& w) { return is_counting_metric_name(metric_of[w]); });
  auto beyond_floor = [&](std::optional<double> speedup) {
    return !all_counting ||
           (speedup && std::abs(std::log(*speedup)) > std::log1p(count_rule.min_effect));
  };

  // Geomean and overhead per build.
  for (std::size_t i = 1; i < builds.size(); ++i) {
    GeomeanSpeedup g;
    g.build = builds[i].label;
    g.iteration = builds[i].iteration;
    GeomeanEstimate e = geomean_speedup(pairs_of(v0.label, builds[i].label), 0.95, seed + 1000 + i);
    g.speedup = e.speedup;
    g.ci_lower = e.ci_lower;
    g.ci_upper = e.ci_upper;
    g.paired = e.paired;
    g.significant =
        e.ci_lower && e.ci_upper && (*e.ci_lower > 1 || *e.ci_upper < 1) && beyond_floor(e.speedup);
    a.geomean.push_back(g);

    BuildOverhead o;
    o.build = builds[i].label;
    o.build_time_ratio = v0.build_seconds > 0 ? builds[i].build_seconds / v0.build_seconds : 1;
    o.binary_size_ratio = v0.binary_size_bytes > 0
                              ? static_cast<double>(builds[i].binary_size_bytes) /
                                    static_cast<double>(v0.binary_size_bytes)
                              : 1;
    a.overhead.push_back(o);
  }

  if (!complete || builds.size() < 2) {
    a.verdict.kind = ConvergenceKind::kIncomplete;
    a.verdict.explanation =
        builds.size() < 2 ? "no PGO build was made" : "some build has no trials on some workload";
    return a;
  }

  // The series the verdict is decided on.
  std::vector<ConvergenceStep> steps;
  for (std::size_t i = 1; i < builds.size(); ++i) {
    ConvergenceStep s;
    if (workloads.size() == 1) {
      const IterationAnalysis& ia = a.workloads[0].iterations[i - 1];
      s.time_ratio_vs_off = ia.vs_off.time_ratio.value_or(1);
      s.significant_vs_off =
          ia.vs_off.verdict == Verdict::kFaster || ia.vs_off.verdict == Verdict::kSlower;
      const Comparison& step = ia.vs_previous ? *ia.vs_previous : ia.vs_off;
      s.step_ratio = step.time_ratio.value_or(1);
      s.significant_step = step.verdict == Verdict::kFaster || step.verdict == Verdict::kSlower;
    } else {
      auto reduce = [&](const std::string& ref, double& ratio, bool& significant,
                        std::uint64_t salt) {
        GeomeanEstimate e =
            geomean_speedup(pairs_of(ref, builds[i].label), 1 - alpha, seed + salt + i);
        ratio = e.speedup ? 1 / *e.speedup : 1;
        significant = e.ci_lower && e.ci_upper && (*e.ci_lower > 1 || *e.ci_upper < 1) &&
                      beyond_floor(e.speedup);
      };
      reduce(v0.label, s.time_ratio_vs_off, s.significant_vs_off, 2000);
      reduce(builds[i - 1].label, s.step_ratio, s.significant_step, 3000);
    }
    for (const IterationProfile& p : profiles) {
      if (p.iteration == builds[i].iteration && p.overlap_with_previous) {
        s.hot_edge_overlap = p.overlap_with_previous->hot_jaccard;
      }
    }
    steps.push_back(s);
  }
  std::vector<std::string> metrics;
  for (const std::string& w : workloads) metrics.push_back(metric_of[w]);
  a.verdict = convergence_verdict(steps, thresholds, metric_quantity(metrics));
  a.verdict.explanation += slowed_on_last_build(a, builds.back().label);
  return a;
}

}  // namespace pgo::harness

namespace pgo::harness {

std::vector<std::string> count_time_disagreements(const Analysis& analysis,
                                                  const std::vector<CountTimePair>& pairs) {
  auto find = [&](const std::string& name) -> const WorkloadAnalysis* {
    for (const WorkloadAnalysis& w : analysis.workloads) {
      if (w.workload == name) return &w;
    }
    return nullptr;
  };
  // -1: the interval lies below 1 (faster), +1: above (slower), 0: it includes 1 or is absent.
  auto side = [](const Comparison& c) {
    if (!c.time_ratio_ci_lower || !c.time_ratio_ci_upper) return 0;
    if (*c.time_ratio_ci_upper < 1) return -1;
    if (*c.time_ratio_ci_lower > 1) return 1;
    return 0;
  };
  auto words = [](const WorkloadAnalysis& w, const Comparison& c) {
    return w.workload + " (" + w.metric + ") says " + change_words(c.time_ratio.value_or(1));
  };
  std::vector<std::string> out;
  for (const CountTimePair& p : pairs) {
    const WorkloadAnalysis* counted = find(p.counted);
    const WorkloadAnalysis* timed = find(p.timed);
    if (!counted || !timed) continue;
    for (const IterationAnalysis& c : counted->iterations) {
      for (const IterationAnalysis& t : timed->iterations) {
        if (c.build != t.build) continue;
        const int a = side(c.vs_off), b = side(t.vs_off);
        if (a != 0 && b != 0 && a != b) {
          out.push_back(c.build + " vs v0: count and time disagree in direction: " +
                        words(*counted, c.vs_off) + ", " + words(*timed, t.vs_off) +
                        "; the count model misses what changed, trust the time");
        }
      }
    }
  }
  return out;
}

}  // namespace pgo::harness

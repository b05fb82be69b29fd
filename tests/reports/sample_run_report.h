// A complete RunReport with fixed numbers, built in memory, for the reports tests: no Go,
// no timing. Options shift the trial times so that comparisons have something to find.
#pragma once

#include <string>
#include <vector>

#include "run/run_analysis.h"
#include "run/run_report.h"

namespace pgo::reports::testing {

struct SampleOptions {
  std::string scenario_name = "interp";
  double time_scale = 1.0;    // multiplies every trial value (a slower machine or build)
  double memory_scale = 1.0;  // multiplies the peak RSS of every run of the PGO builds
  double pgo_scale = 1.0;     // multiplies the values of PGO builds only (a weaker PGO gain)
  int noise_rotation = 0;     // another arrangement of the same noise: same distribution
  std::string go_version = "go version go1.26.0 linux/amd64";
  std::string cpu_model = "Test CPU @ 2.0GHz";
  std::string started_at = "2026-11-24T05:00:00Z";
  // Per-benchmark results for the gotest workload BenchmarkEval (add_per_benchmark_results).
  bool per_benchmark = false;
};

// Relative noise of the 12 runs of every series: symmetric, within +-1.2%.
inline const std::vector<double>& sample_noise() {
  static const std::vector<double> noise = {-0.012, 0.009,  -0.006, 0.003, 0.011,  -0.002,
                                            0.000,  -0.009, 0.006,  0.002, -0.004, 0.012};
  return noise;
}

inline std::vector<double> sample_values(double median, int rotation) {
  const auto& noise = sample_noise();
  std::vector<double> out;
  for (std::size_t i = 0; i < noise.size(); ++i) {
    out.push_back(median * (1 + noise[(i + static_cast<std::size_t>(rotation)) % noise.size()]));
  }
  return out;
}

inline harness::Comparison sample_comparison(const std::string& build, const std::string& against,
                                             double ratio, double half_width, double p,
                                             const std::string& verdict) {
  harness::Comparison c;
  c.build = build;
  c.against = against;
  c.time_ratio = ratio;
  c.time_ratio_ci_lower = ratio - half_width;
  c.time_ratio_ci_upper = ratio + half_width;
  c.speedup = 1 / ratio;
  c.p_value = p;
  c.verdict = *harness::verdict_from_string(verdict);
  return c;
}

// The gotest workload BenchmarkEval as two benchmarks: BenchmarkEval/add 10% slower on
// every PGO build (significant: PGO slowed it), BenchmarkEval/mul 30% faster, so that the
// workload's geomean improves while one benchmark is flagged. Units ns/op, B/op, allocs/op
// and a custom MB/s.
inline void add_per_benchmark_results(harness::RunReport& r, const SampleOptions& o) {
  struct Bench {
    std::string name;
    double ns, bytes, allocs, ns_ratio, bytes_ratio;
  };
  const std::vector<Bench> benches = {{"BenchmarkEval/add", 2000, 64, 2, 1.10, 1.0},
                                      {"BenchmarkEval/mul", 8000, 256, 4, 0.70, 1.25}};
  for (auto& t : r.trials) {
    if (t.workload != "BenchmarkEval") continue;
    const bool pgo = t.build != "v0";
    for (const auto& b : benches) {
      const double scale = o.time_scale * (pgo ? b.ns_ratio * o.pgo_scale : 1.0);
      auto& units = t.benchmarks[b.name];
      units["ns/op"] = sample_values(b.ns * scale, o.noise_rotation);
      units["B/op"] = std::vector<double>(t.values.size(), pgo ? b.bytes * b.bytes_ratio : b.bytes);
      units["allocs/op"] = std::vector<double>(t.values.size(), b.allocs);
      if (b.name == "BenchmarkEval/mul") {
        for (double ns : units["ns/op"]) units["MB/s"].push_back(1e3 / ns);
      }
    }
  }
  for (auto& w : r.analysis.workloads) {
    if (w.workload != "BenchmarkEval") continue;
    for (const auto& b : benches) {
      harness::BenchmarkAnalysis ba;
      ba.benchmark = b.name;
      for (int i = 1; i <= 2; ++i) {
        const std::string label = "v" + std::to_string(i);
        harness::BenchmarkIteration it;
        it.build = label;
        it.iteration = i;
        it.vs_off = sample_comparison(label, "v0", b.ns_ratio, 0.01, 0.0001,
                                      b.ns_ratio > 1 ? "slower" : "faster");
        if (i > 1) {
          it.vs_previous =
              sample_comparison(label, "v1", 1.0, 0.01, 0.6, "no significant difference");
        }
        it.unit_ratios_vs_off["B/op"] = b.bytes_ratio;
        it.unit_ratios_vs_off["allocs/op"] = 1.0;
        if (b.name == "BenchmarkEval/mul") it.unit_ratios_vs_off["MB/s"] = 1 / b.ns_ratio;
        ba.iterations.push_back(it);
      }
      w.benchmarks.push_back(ba);
    }
  }
  for (const auto& slowed : harness::slowed_benchmarks(r.analysis)) {
    r.warnings.push_back(harness::slowed_benchmark_warning(slowed));
  }
}

inline harness::RunReport make_sample_report(const SampleOptions& o = {}) {
  harness::RunReport r;
  r.tool_version = "0.1.0";
  r.status = harness::RunStatus::kComplete;
  r.started_at = o.started_at;
  r.finished_at = "2026-11-24T05:12:30Z";
  r.scenario_name = o.scenario_name;
  r.scenario_path = "scenarios/" + o.scenario_name + "/scenario.json";
  r.scenario_hash = std::string(64, 'a');
  harness::Scenario scenario;
  scenario.name = o.scenario_name;
  scenario.path = r.scenario_path;
  harness::Workload parse;
  parse.name = "parse";
  parse.command = {"{binary}", "{input}"};
  parse.inputs = {{"small", "inputs/small.txt"}};
  harness::Workload eval;
  eval.name = "BenchmarkEval";
  eval.kind = harness::WorkloadKind::kGotest;
  eval.metric = harness::Metric::kNsPerOp;
  scenario.workloads = {parse, eval};
  scenario.iterations = 2;
  r.scenario = scenario;
  harness::RunOptionsRecord options;
  options.given.iterations = 2;
  options.effective_iterations = 2;
  options.effective_trials = scenario.trials;
  options.effective_trials.seed = 42;
  r.options = options;
  r.go_version = o.go_version;
  r.environment.cpu_model = o.cpu_model;
  r.environment.logical_cores = 2;
  r.environment.governor = "unknown";
  r.trial_seed = 42;

  r.phases = {{"build v0", harness::PhaseStatus::kDone, "2026-11-24T05:00:00Z", 20.0, 19.8, ""},
              {"profile v1", harness::PhaseStatus::kDone, "2026-11-24T05:00:20Z", 30.0, 29.7, ""},
              {"merge v1", harness::PhaseStatus::kDone, "2026-11-24T05:00:50Z", 0.5, 0.0, ""},
              {"build v1", harness::PhaseStatus::kDone, "2026-11-24T05:00:51Z", 28.0, 27.9, ""},
              {"profile v2", harness::PhaseStatus::kDone, "2026-11-24T05:01:19Z", 30.0, 29.7, ""},
              {"merge v2", harness::PhaseStatus::kDone, "2026-11-24T05:01:49Z", 0.5, 0.0, ""},
              {"build v2", harness::PhaseStatus::kDone, "2026-11-24T05:01:50Z", 28.0, 27.9, ""},
              {"trials", harness::PhaseStatus::kDone, "2026-11-24T05:02:18Z", 600.0, 596.0, ""},
              {"analysis", harness::PhaseStatus::kDone, "2026-11-24T05:12:18Z", 0.2, 0.0, ""}};

  const std::vector<std::string> labels = {"v0", "v1", "v2"};
  const std::vector<std::int64_t> sizes = {5'000'000, 5'150'000, 5'160'000};
  const std::vector<double> build_seconds = {20.0, 28.0, 28.0};
  for (int i = 0; i < 3; ++i) {
    harness::BuildRecord b;
    b.label = labels[i];
    b.iteration = i;
    b.pgo = i == 0 ? "off" : "profiles/iter-" + std::to_string(i) + ".pgo";
    b.profile_sha256 = i == 0 ? "" : std::string(64, static_cast<char>('0' + i));
    b.pgo_build_setting = i == 0 ? "off" : b.pgo;
    b.binary = "builds/" + labels[i] + "/interp";
    b.binary_size_bytes = sizes[i];
    b.binary_sha256 = std::string(64, static_cast<char>('a' + i));
    b.build_seconds = build_seconds[i];
    b.log = "logs/build-" + labels[i] + ".log";
    r.builds.push_back(b);
  }

  for (int i = 1; i <= 2; ++i) {
    harness::IterationProfile p;
    p.iteration = i;
    p.collected_from = labels[i - 1];
    for (int k = 0; k < 3; ++k) {
      p.inputs.push_back(
          {"parse", k,
           "profiles/iter-" + std::to_string(i) + "/parse-" + std::to_string(k) + ".pprof",
           1000 + k, 10'000'000'000 + k, 1.0, std::string(64, static_cast<char>('a' + k)),
           "http://127.0.0.1:" + std::to_string(6060 + k) + "/debug/pprof/profile?seconds=10",
           10.0});
    }
    p.merged_path = "profiles/iter-" + std::to_string(i) + ".pgo";
    p.merged_sha256 = std::string(64, static_cast<char>('0' + i));
    p.merged_size_bytes = 40'000;
    p.view = {3000,
              30'000'000'000,
              420,
              57,
              31,
              {{"main.eval", "main.(*Add).Eval", 12, 9'000'000'000, 0.3},
               {"main.parse", "main.next", 4, 3'000'000'000, 0.1}}};
    if (i > 1) p.overlap_with_previous = harness::ProfileOverlap{0.94, 0.91, 0.86};
    r.profiles.push_back(p);
  }

  // parse: wall seconds, 4% then 4.5% faster; BenchmarkEval: ns/op, 6% then 6.2% faster.
  struct Workload {
    std::string name, metric, unit;
    std::vector<double> medians;
  };
  const std::vector<Workload> workloads = {
      {"parse", "wall", "s", {1.0, 0.96, 0.955}},
      {"BenchmarkEval", "ns_per_op", "ns/op", {5000, 4700, 4690}}};
  for (const auto& w : workloads) {
    for (int i = 0; i < 3; ++i) {
      harness::TrialSeries t;
      t.workload = w.name;
      t.build = labels[i];
      t.metric = w.metric;
      t.unit = w.unit;
      const double scale = o.time_scale * (i == 0 ? 1.0 : o.pgo_scale);
      t.values = sample_values(w.medians[i] * scale, o.noise_rotation + i);
      t.wall_seconds = sample_values(w.unit == "s" ? w.medians[i] * scale : 1.5, o.noise_rotation);
      // 40 MiB for pgo=off, 3% more for each PGO build (PGO's inlining grows the binary).
      for (double v : sample_values(40.0 * (1 + 0.03 * i) * (i == 0 ? 1.0 : o.memory_scale),
                                    o.noise_rotation + i)) {
        t.peak_rss_bytes.push_back(static_cast<std::int64_t>(v * 1048576.0));
      }
      t.median = w.medians[i] * scale * 1.001;
      t.ci_lower = w.medians[i] * scale * 0.994;
      t.ci_upper = w.medians[i] * scale * 1.006;
      t.relative_half_width = 0.006;
      t.precision_reached = true;
      // parse ran in interleaved rounds (compared pair by pair); BenchmarkEval carries no
      // rounds, as a report written before they were recorded.
      if (w.name == "parse") {
        for (std::int64_t round = 0; round < 12; ++round) t.rounds.push_back(round);
      }
      r.trials.push_back(t);
    }
    harness::WorkloadAnalysis a;
    a.workload = w.name;
    a.metric = w.metric;
    for (int i = 1; i <= 2; ++i) {
      harness::IterationAnalysis it;
      it.build = labels[i];
      it.iteration = i;
      it.vs_off =
          sample_comparison(labels[i], "v0", w.medians[i] / w.medians[0], 0.008, 0.0001, "faster");
      if (i > 1) {
        it.vs_previous =
            sample_comparison(labels[i], labels[i - 1], w.medians[i] / w.medians[i - 1], 0.008, 0.4,
                              "no significant difference");
      }
      if (w.name == "parse") {
        for (harness::Comparison* c : {&it.vs_off, it.vs_previous ? &*it.vs_previous : nullptr}) {
          if (!c) continue;
          c->method = harness::ComparisonMethod::kPairedSignedRank;
          c->pairs = 12;
          c->u_test_p_value = *c->p_value * 2;  // the unpaired test on the same runs
        }
      }
      a.iterations.push_back(it);
    }
    r.analysis.workloads.push_back(a);
  }
  r.analysis.geomean = {{"v1", 1, 1.0501, 1.041, 1.059, true},
                        {"v2", 2, 1.0556, 1.046, 1.065, true}};
  r.analysis.overhead = {{"v1", 1.4, 1.03}, {"v2", 1.4, 1.032}};
  r.analysis.verdict.kind = harness::ConvergenceKind::kConverged;
  r.analysis.verdict.converged_at = 1;
  r.analysis.verdict.explanation =
      "v1 is 5.0% faster than v0 (geomean) and the step from v1 to v2 is not significant.";
  r.warnings = {"cpu0 governor is unknown: frequency scaling may add noise"};
  if (o.per_benchmark) add_per_benchmark_results(r, o);
  return r;
}

}  // namespace pgo::reports::testing

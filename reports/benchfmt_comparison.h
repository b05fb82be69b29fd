// Comparing two files in the Go benchmark format (`go test -bench` output, benchfmt
// exports of `run` and `bench`) as benchstat does: `pgo-harness compare old.txt new.txt`.
//
//   harness::GoBenchOutput base = harness::parse_go_bench_output(old_text);
//   harness::GoBenchOutput next = harness::parse_go_bench_output(new_text);
//   RunComparison c = compare_benchfmt(base, next, options, "old.txt", "new.txt");
//
// Samples: every result line of a benchmark (`-count N` gives N) contributes one value per
// unit. A benchmark is its full name without the "Benchmark" prefix, GOMAXPROCS suffix
// included ("Parse/small-8"), as benchstat names its rows. When a configuration key takes
// several values within one file (e.g. "pgo: off" and "pgo: iter-1" in a run export), the
// values are part of the benchmark's identity: "Score [pgo=off]".
//
// Rows, one table per unit in order of first appearance in the base file:
// - kind "benchmark" per benchmark present in both files: medians, ratio new / base, the
//   two-sided Mann-Whitney U test (exact, also given ties, up to 25 runs per side: the
//   p-values benchstat prints) and the bootstrap interval of the ratio. Significant when
//   p < alpha (benchstat: "~" unless p <= alpha).
// - workload "geomean" per unit: the geometric mean of the per-benchmark ratios of medians
//   (benchstat's geomean delta), with a joint percentile bootstrap interval; significant
//   when the interval excludes 1.
// Units marked "assume=exact" (unit metadata) are single exact values: no test, any
// difference counts. Units ending in "/s" or marked "better=higher" are higher-is-better.
// Verdicts then follow the threshold as for run reports (reports/run_comparison.h).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "go/go_bench_format.h"
#include "reports/run_comparison.h"

namespace pgo::reports {

// One file's samples: benchmark -> unit -> values, with benchmarks and units in order of
// first appearance. Benchmarks are named as above (full name without "Benchmark", plus
// " [key=value,...]" for configuration keys that vary within the file).
struct BenchfmtSamples {
  std::vector<std::string> benchmarks;
  std::vector<std::string> units;
  std::map<std::string, std::map<std::string, std::vector<double>>> values;

  // nullptr when the benchmark has no value in that unit.
  const std::vector<double>* find(const std::string& benchmark, const std::string& unit) const;
};
BenchfmtSamples benchfmt_samples(const harness::GoBenchOutput& output);

// Throws pgo::Error (stage "compare") when no benchmark of the base file is in the new one.
RunComparison compare_benchfmt(const harness::GoBenchOutput& base,
                               const harness::GoBenchOutput& candidate,
                               const CompareOptions& options, const std::string& base_file = "BASE",
                               const std::string& candidate_file = "NEW");

}  // namespace pgo::reports

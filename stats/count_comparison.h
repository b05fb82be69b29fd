// Comparing two samples of counts (instructions, estimated cycles) that are nearly
// deterministic: a few runs per side, differing run to run by a few hundredths of a
// percent. The rank test of sample_comparison.h cannot help there (with 3 runs per side no
// outcome reaches p < 0.05), and it needs none: the run-to-run spread is measured, and a
// difference far beyond it is real.
//
//   CountRule rule;                                   // k = 3, floor 0.5%, tolerance 0.1%
//   SampleComparison c = compare_counts(v0_counts, v1_counts, rule);
//   if (c.verdict == Verdict::kFaster) use(*c.median_ratio, *c.spread);
//
// The decision rule, with r = median(candidate) / median(reference) and
// s = the larger relative spread (max / min - 1) of the two samples:
//   significant  <=>  |log r| > max(spread_multiple * log(1 + s), log(1 + min_effect))
// i.e. the change must exceed k times what the runs themselves disagree by AND a practical
// floor below which a count difference does not matter for time (0.5% by default; the
// cycle estimate's agreement with time is no better than that). Direction: r < 1 faster.
// The reported interval is r * (1 + s)^(-k) .. r * (1 + s)^k: where r could be if every run
// were off by k times the observed spread. "not enough data" when a sample is empty or
// neither has two runs (the spread is then unknown). No p-value: this is a tolerance rule,
// not a test, and the report says so (method "count-spread").
#pragma once

#include <optional>
#include <span>
#include <string>

#include "stats/sample_comparison.h"

namespace pgo::harness {

struct CountRule {
  double spread_multiple = 3;  // k
  double min_effect = 0.005;   // practical floor, as a fraction
  double tolerance = 0.001;    // runs of one build must agree within this (determinism)
};

// max / min - 1 of the sample; 0 for one value; nullopt when empty or a value is <= 0.
std::optional<double> relative_spread(std::span<const double> values);

// The comparison above, in the form of compare_samples (u_test and p_value stay empty;
// SampleComparison::spread is set).
SampleComparison compare_counts(std::span<const double> reference,
                                std::span<const double> candidate, const CountRule& rule);

// True for the report's names of the counting metrics ("instructions", "cycles_estimate",
// "hw_instructions", "hw_cycles"): scenario/scenario.h's is_counting() by name.
bool is_counting_metric_name(const std::string& metric);

// Whether runs whose spread is `spread` count as deterministic under `rule`.
inline bool is_deterministic(double spread, const CountRule& rule) {
  return spread <= rule.tolerance;
}

// One sentence on why counting runs of a Go program disagree, given the runtime settings
// they ran with (GOMAXPROCS, GOGC values; empty = not set).
std::string nondeterminism_cause(const std::string& gomaxprocs, const std::string& gogc);

}  // namespace pgo::harness

#include "stats/count_comparison.h"

#include <algorithm>
#include <cmath>

#include "stats/statistics.h"

namespace pgo::harness {

std::optional<double> relative_spread(std::span<const double> values) {
  if (values.empty()) return std::nullopt;
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  if (*lo <= 0) return std::nullopt;
  return *hi / *lo - 1;
}

SampleComparison compare_counts(std::span<const double> reference,
                                std::span<const double> candidate, const CountRule& rule) {
  SampleComparison c;
  c.reference_count = reference.size();
  c.candidate_count = candidate.size();
  c.alpha = 0;
  c.method = ComparisonMethod::kCountSpread;
  c.verdict = Verdict::kNotEnoughData;
  if (reference.empty() || candidate.empty()) return c;
  c.reference_median = median(reference);
  c.candidate_median = median(candidate);
  if (*c.reference_median <= 0 || *c.candidate_median <= 0) return c;
  const double ratio = *c.candidate_median / *c.reference_median;
  c.median_ratio = ratio;
  std::optional<double> sr = relative_spread(reference), sc = relative_spread(candidate);
  if (!sr || !sc) return c;
  const double spread = std::max(*sr, *sc);
  c.spread = spread;
  const double band = rule.spread_multiple * std::log1p(spread);
  c.median_ratio_interval = ConfidenceInterval{ratio * std::exp(-band), ratio * std::exp(band), 0};
  if (reference.size() < 2 && candidate.size() < 2) return c;
  const double threshold = std::max(band, std::log1p(rule.min_effect));
  const double change = std::log(ratio);
  if (std::abs(change) <= threshold) {
    c.verdict = Verdict::kNoSignificantDifference;
  } else {
    c.verdict = change < 0 ? Verdict::kFaster : Verdict::kSlower;
  }
  return c;
}

bool is_counting_metric_name(const std::string& metric) {
  return metric == "instructions" || metric == "cycles_estimate" || metric == "hw_instructions" ||
         metric == "hw_cycles";
}

std::string nondeterminism_cause(const std::string& gomaxprocs, const std::string& gogc) {
  if (gomaxprocs != "1" || gogc != "off") {
    return "the Go runtime was left free (GOMAXPROCS=" +
           (gomaxprocs.empty() ? std::string("unset") : gomaxprocs) +
           ", GOGC=" + (gogc.empty() ? std::string("unset") : gogc) +
           "): garbage collection and scheduling change the work done; count with "
           "GOMAXPROCS=1 GOGC=off";
  }
  return "the program itself varies between runs (it reads the clock, random seeds, maps "
         "with per-run hash seeds, the "
         "environment or files that change, or its goroutines race), or the heap reached "
         "GOMEMLIMIT so collections ran at varying points";
}

}  // namespace pgo::harness

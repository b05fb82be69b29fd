#include "reports/benchfmt_comparison.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <span>

#include "base/error.h"
#include "run/run_analysis.h"
#include "stats/sample_comparison.h"
#include "stats/statistics.h"

namespace pgo::reports {
namespace {

using harness::GoBenchOutput;

// Configuration keys whose value is not the same on every result of the file.
std::set<std::string> varying_keys(const GoBenchOutput& out) {
  std::map<std::string, std::set<std::string>> seen;
  for (const auto& r : out.results) {
    for (const auto& [k, v] : r.config) seen[k].insert(v);
  }
  std::set<std::string> keys;
  for (const auto& [k, values] : seen) {
    bool on_every_result = true;
    for (const auto& r : out.results) on_every_result = on_every_result && r.config.contains(k);
    if (values.size() > 1 || !on_every_result) keys.insert(k);
  }
  return keys;
}

ComparisonRow exact_row(const std::string& benchmark, const std::string& unit,
                        const std::vector<double>& base, const std::vector<double>& candidate,
                        bool higher_is_better, const CompareOptions& o) {
  ComparisonRow row;
  row.kind = "benchmark";
  row.workload = benchmark;
  row.unit = unit;
  row.higher_is_better = higher_is_better;
  row.base = harness::median(base);
  row.candidate = harness::median(candidate);
  if (*row.base == *row.candidate) {
    row.ratio = 1.0;
  } else if (*row.base != 0) {
    row.ratio = *row.candidate / *row.base;
  }
  row.verdict = row.ratio
                    ? change_verdict(*row.ratio != 1.0, *row.ratio, higher_is_better, o.threshold)
                    : ChangeVerdict::kInsufficientData;
  return row;
}

// benchstat's geomean delta: the geomean of the per-benchmark ratios of medians, and a joint
// bootstrap interval (every benchmark's two samples redrawn in each resample).
ComparisonRow geomean_row(
    const std::string& unit,
    const std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>>& pairs,
    bool exact, bool higher_is_better, const CompareOptions& o) {
  ComparisonRow row;
  row.kind = "benchmark";
  row.workload = "geomean";
  row.unit = unit;
  row.higher_is_better = higher_is_better;
  double log_base = 0, log_new = 0, log_ratio = 0;
  bool positive = true;
  bool enough = true;
  std::vector<harness::SamplePair> sample_pairs;
  for (const auto& [b, n] : pairs) {
    const double mb = harness::median(*b);
    const double mn = harness::median(*n);
    if (!(mb > 0) || !(mn > 0)) {
      positive = false;
      break;
    }
    log_base += std::log(mb);
    log_new += std::log(mn);
    log_ratio += std::log(mn / mb);
    enough = enough && harness::mann_whitney_min_p_value(b->size(), n->size()) < o.alpha;
    sample_pairs.push_back({std::span<const double>(*b), std::span<const double>(*n)});
  }
  if (!positive || pairs.empty()) {
    row.verdict = ChangeVerdict::kInsufficientData;  // a geomean needs positive medians
    return row;
  }
  const double k = static_cast<double>(pairs.size());
  row.base = std::exp(log_base / k);
  row.candidate = std::exp(log_new / k);
  row.ratio = std::exp(log_ratio / k);
  if (exact) {
    row.verdict =
        change_verdict(std::abs(log_ratio) > 0, *row.ratio, higher_is_better, o.threshold);
    return row;
  }
  if (!enough) {
    row.verdict = ChangeVerdict::kInsufficientData;
    return row;
  }
  // geomean_speedup estimates median(reference) / median(candidate): invert it.
  const harness::GeomeanEstimate g =
      harness::geomean_speedup(sample_pairs, 1.0 - o.alpha, o.seed, o.bootstrap_resamples);
  if (g.ci_lower && g.ci_upper && *g.ci_lower > 0 && *g.ci_upper > 0) {
    row.ci_lower = 1.0 / *g.ci_upper;
    row.ci_upper = 1.0 / *g.ci_lower;
    const bool significant = *row.ci_lower > 1.0 || *row.ci_upper < 1.0;
    row.verdict = change_verdict(significant, *row.ratio, higher_is_better, o.threshold);
  } else {
    row.verdict = ChangeVerdict::kInsufficientData;
  }
  return row;
}

}  // namespace

const std::vector<double>* BenchfmtSamples::find(const std::string& benchmark,
                                                 const std::string& unit) const {
  auto b = values.find(benchmark);
  if (b == values.end()) return nullptr;
  auto u = b->second.find(unit);
  return u == b->second.end() ? nullptr : &u->second;
}

BenchfmtSamples benchfmt_samples(const GoBenchOutput& out) {
  BenchfmtSamples s;
  const std::set<std::string> keys = varying_keys(out);
  for (const auto& r : out.results) {
    std::string name = r.name.substr(std::string("Benchmark").size());
    std::string identity;
    for (const auto& k : keys) {
      auto it = r.config.find(k);
      identity +=
          (identity.empty() ? "" : ",") + k + "=" + (it == r.config.end() ? "" : it->second);
    }
    if (!identity.empty()) name += " [" + identity + "]";
    if (!s.values.contains(name)) s.benchmarks.push_back(name);
    auto& by_unit = s.values[name];
    for (const auto& m : r.metrics) {
      if (std::find(s.units.begin(), s.units.end(), m.unit) == s.units.end()) {
        s.units.push_back(m.unit);
      }
      by_unit[m.unit].push_back(m.value);
    }
  }
  return s;
}

RunComparison compare_benchfmt(const GoBenchOutput& base, const GoBenchOutput& candidate,
                               const CompareOptions& o, const std::string& base_file,
                               const std::string& candidate_file) {
  RunComparison c = RunComparison::begin("benchfmt", o, base_file, candidate_file);
  const BenchfmtSamples b = benchfmt_samples(base);
  const BenchfmtSamples n = benchfmt_samples(candidate);

  for (const std::string& name : b.benchmarks) {
    if (!n.values.contains(name)) {
      c.warnings.push_back("benchmark " + name + " is only in the base file");
    }
  }
  for (const std::string& name : n.benchmarks) {
    if (!b.values.contains(name)) {
      c.warnings.push_back("benchmark " + name + " is only in the new file");
    }
  }
  auto config_of = [](const GoBenchOutput& out, const char* key) {
    auto it = out.config.find(key);
    return it == out.config.end() ? std::string() : it->second;
  };
  for (const char* key : {"cpu", "goos", "goarch"}) {
    const std::string x = config_of(base, key), y = config_of(candidate, key);
    if (!x.empty() && !y.empty() && x != y) {
      c.warnings.push_back(std::string(key) + " differs: \"" + x + "\" (base) vs \"" + y +
                           "\" (new)");
    }
  }

  for (const std::string& unit : b.units) {
    const bool higher = base.higher_is_better(unit) || candidate.higher_is_better(unit);
    const bool exact = base.assume_exact(unit) || candidate.assume_exact(unit);
    std::vector<std::pair<const std::vector<double>*, const std::vector<double>*>> pairs;
    for (const std::string& name : b.benchmarks) {
      const auto* x = b.find(name, unit);
      const auto* y = n.find(name, unit);
      if (x == nullptr || y == nullptr) continue;
      pairs.emplace_back(x, y);
      c.rows.push_back(exact ? exact_row(name, unit, *x, *y, higher, o)
                             : compare_sample_row("benchmark", name, "", unit, *x, *y, higher, o));
    }
    // A geomean over one benchmark would only repeat its row (benchstat omits it too).
    if (pairs.size() > 1) c.rows.push_back(geomean_row(unit, pairs, exact, higher, o));
  }
  if (c.rows.empty()) {
    throw Error("compare", candidate_file, "no benchmark of the base file is in the new one",
                "compare output of the same benchmarks (go test -bench with the same -bench "
                "pattern)");
  }
  return c;
}

}  // namespace pgo::reports

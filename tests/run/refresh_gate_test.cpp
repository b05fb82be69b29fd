// Risk guarded against: the refresh gate replacing a committed profile with a candidate
// that measured significantly slower, keeping a fine candidate because of noise, or
// deciding anything from a run that never compared the two.
#include "run/refresh_gate.h"

#include <catch2/catch.hpp>

#include "base/error.h"

using namespace pgo::harness;

namespace {

RunReport report_with(const std::string& verdict, double ratio, double p) {
  RunReport r;
  WorkloadAnalysis w;
  w.workload = "score";
  IterationAnalysis v1;
  v1.build = "v1";
  v1.iteration = 1;
  IterationAnalysis v2;
  v2.build = "v2";
  v2.iteration = 2;
  v2.vs_previous = Comparison{"v2", "v1", ratio, std::nullopt, std::nullopt, 1 / ratio, p, verdict};
  w.iterations = {v1, v2};
  r.analysis.workloads = {w};
  return r;
}

}  // namespace

TEST_CASE("refresh gate: a candidate that ties or wins replaces the committed profile") {
  CHECK(decide_refresh(report_with("no significant difference", 1.03, 0.4), {}, false).replace);
  CHECK(decide_refresh(report_with("faster", 0.95, 0.001), {}, false).replace);
  // Significantly slower, but within the tolerance.
  CHECK(decide_refresh(report_with("slower", 1.005, 0.01), {}, false).replace);
}

TEST_CASE("refresh gate: a significantly slower candidate is kept out, with the reason") {
  auto d = decide_refresh(report_with("slower", 1.04, 0.002), {}, false);
  CHECK_FALSE(d.replace);
  CHECK(d.worse_workloads == std::vector<std::string>{"score"});
  CHECK_THAT(d.reason, Catch::Contains("score 4.0% slower"));
  // A looser tolerance lets it through.
  CHECK(decide_refresh(report_with("slower", 1.04, 0.002), {0.05}, false).replace);
}

TEST_CASE("refresh gate: identical candidates are kept, runs without the comparison refused") {
  CHECK_FALSE(decide_refresh(report_with("faster", 0.9, 0.001), {}, true).replace);
  CHECK_THROWS_AS(decide_refresh(RunReport{}, {}, false), pgo::Error);
}

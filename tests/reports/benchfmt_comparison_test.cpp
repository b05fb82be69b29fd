// compare of two Go benchmark-format files.
// Risks guarded against: verdicts that disagree with benchstat's on the same files (its
// p-values come from the exact U distribution given the ties), benchmarks matched by the
// wrong name, a throughput unit judged with the wrong direction, exact units (build time,
// size) sent through a rank test that can never be significant with one value, and runs of
// different builds within one file mixed into one sample.
#include "reports/benchfmt_comparison.h"

#include <catch2/catch.hpp>

#include "base/error.h"

namespace h = pgo::harness;
namespace r = pgo::reports;

namespace {

constexpr const char* kOld = R"(goos: linux
goarch: amd64
pkg: example.com/x
BenchmarkA-2   100   1000 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   1010 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   990 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   1005 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   1000 ns/op   64 B/op   2 allocs/op
BenchmarkB/x=1-2   100   500 ns/op   10 MB/s
BenchmarkB/x=1-2   100   510 ns/op   10 MB/s
BenchmarkB/x=1-2   100   505 ns/op   11 MB/s
BenchmarkB/x=1-2   100   500 ns/op   10 MB/s
PASS
ok  	example.com/x	1.234s
)";

constexpr const char* kNew = R"(goos: linux
goarch: amd64
pkg: example.com/x
BenchmarkA-2   100   900 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   910 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   890 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   900 ns/op   64 B/op   2 allocs/op
BenchmarkA-2   100   905 ns/op   64 B/op   2 allocs/op
BenchmarkB/x=1-2   100   502 ns/op   10 MB/s
BenchmarkB/x=1-2   100   508 ns/op   10 MB/s
BenchmarkB/x=1-2   100   500 ns/op   11 MB/s
BenchmarkB/x=1-2   100   507 ns/op   10 MB/s
)";

const r::ComparisonRow& row(const r::RunComparison& c, const std::string& name,
                            const std::string& unit) {
  for (const auto& x : c.rows) {
    if (x.workload == name && x.unit == unit) return x;
  }
  FAIL("no row " << name << " " << unit);
  return c.rows.front();
}

r::RunComparison compare(const std::string& a, const std::string& b, double threshold = 0.02) {
  r::CompareOptions o;
  o.threshold = threshold;
  return r::compare_benchfmt(h::parse_go_bench_output(a), h::parse_go_bench_output(b), o, "old",
                             "new");
}

}  // namespace

TEST_CASE("benchfmt compare: medians and p-values as benchstat prints them", "[benchfmt]") {
  const r::RunComparison c = compare(kOld, kNew);
  CHECK(c.input_kind == "benchfmt");
  // benchstat old.txt new.txt: A-2 1000.0n -> 900.0n -10.00% (p=0.008 n=5);
  // B/x=1-2 502.5n -> 504.5n ~ (p=0.914 n=4); geomean -4.94%.
  const auto& a = row(c, "A-2", "ns/op");
  CHECK(*a.base == 1000);
  CHECK(*a.candidate == 900);
  CHECK(*a.p_value == Approx(0.007936507936507936));
  CHECK(a.verdict == r::ChangeVerdict::kImprovement);
  const auto& b = row(c, "B/x=1-2", "ns/op");
  CHECK(*b.base == 502.5);
  CHECK(*b.candidate == 504.5);
  CHECK(*b.p_value == Approx(0.9142857142857143));
  CHECK(b.verdict == r::ChangeVerdict::kNoChange);
  const auto& g = row(c, "geomean", "ns/op");
  CHECK((*g.ratio - 1) * 100 == Approx(-4.94).margin(0.005));
  // All samples equal: p = 1 (benchstat: "~ (p=1.000 n=5)", "all samples are equal").
  const auto& bytes = row(c, "A-2", "B/op");
  CHECK(*bytes.p_value == 1.0);
  CHECK(bytes.verdict == r::ChangeVerdict::kNoChange);
  // One benchmark with the unit: no geomean row, as benchstat prints none worth reading.
  for (const auto& x : c.rows) CHECK_FALSE((x.workload == "geomean" && x.unit == "B/op"));
  CHECK_FALSE(c.has_regression());
  CHECK(c.warnings.empty());
}

TEST_CASE("benchfmt compare: a slower benchmark is a regression, throughput higher is better",
          "[benchfmt]") {
  const r::RunComparison slower = compare(kNew, kOld);
  CHECK(row(slower, "A-2", "ns/op").verdict == r::ChangeVerdict::kRegression);
  CHECK(slower.has_regression());

  const std::string fast =
      "BenchmarkT 1 100 MB/s\nBenchmarkT 1 101 MB/s\nBenchmarkT 1 99 MB/s\n"
      "BenchmarkT 1 100.5 MB/s\nBenchmarkT 1 99.5 MB/s\n";
  const std::string slow =
      "BenchmarkT 1 80 MB/s\nBenchmarkT 1 81 MB/s\nBenchmarkT 1 79 MB/s\n"
      "BenchmarkT 1 80.5 MB/s\nBenchmarkT 1 79.5 MB/s\n";
  // Rows are references into their comparison: keep each comparison alive.
  const r::RunComparison down_cmp = compare(fast, slow);
  const auto& down = row(down_cmp, "T", "MB/s");
  CHECK(down.higher_is_better);
  CHECK(down.verdict == r::ChangeVerdict::kRegression);
  CHECK(row(compare(slow, fast), "T", "MB/s").verdict == r::ChangeVerdict::kImprovement);
  // "better=higher" unit metadata says the same of any unit.
  const std::string meta = "Unit score better=higher\n";
  const r::RunComparison score_cmp =
      compare(meta +
                  "BenchmarkS 1 10 score\nBenchmarkS 1 10.1 score\n"
                  "BenchmarkS 1 9.9 score\nBenchmarkS 1 10.05 score\n",
              meta +
                  "BenchmarkS 1 5 score\nBenchmarkS 1 5.1 score\n"
                  "BenchmarkS 1 4.9 score\nBenchmarkS 1 5.05 score\n");
  const auto& score = row(score_cmp, "S", "score");
  CHECK(score.higher_is_better);
  CHECK(score.verdict == r::ChangeVerdict::kRegression);
}

TEST_CASE("benchfmt compare: exact units count any change, without a test", "[benchfmt]") {
  const std::string unit = "Unit binary-B assume=exact\n";
  const auto c = compare(unit + "BenchmarkGoBuild 1 1000000 binary-B\n",
                         unit + "BenchmarkGoBuild 1 1100000 binary-B\n");
  const auto& size = row(c, "GoBuild", "binary-B");
  CHECK(*size.ratio == Approx(1.1));
  CHECK_FALSE(size.p_value.has_value());
  CHECK(size.verdict == r::ChangeVerdict::kRegression);
  const auto same = compare(unit + "BenchmarkGoBuild 1 1000000 binary-B\n",
                            unit + "BenchmarkGoBuild 1 1000000 binary-B\n");
  CHECK(row(same, "GoBuild", "binary-B").verdict == r::ChangeVerdict::kNoChange);
}

TEST_CASE("benchfmt compare: a key that varies within a file is part of the name", "[benchfmt]") {
  const std::string base =
      "pgo: off\nBenchmarkS 1 10 sec/op\nBenchmarkS 1 11 sec/op\n"
      "pgo: iter-1\nBenchmarkS 1 5 sec/op\nBenchmarkS 1 6 sec/op\n";
  const auto c = compare(base, base);
  CHECK(*row(c, "S [pgo=off]", "sec/op").base == 10.5);
  CHECK(*row(c, "S [pgo=iter-1]", "sec/op").base == 5.5);
  // Two runs per side can never be significant.
  CHECK(row(c, "S [pgo=off]", "sec/op").verdict == r::ChangeVerdict::kInsufficientData);
}

TEST_CASE("benchfmt compare: benchmarks in one file only are warnings, none shared is an error",
          "[benchfmt]") {
  const auto c = compare(std::string(kOld) + "BenchmarkOnlyOld 1 5 ns/op\n", kNew);
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0] == "benchmark OnlyOld is only in the base file");
  CHECK_THROWS_AS(compare("BenchmarkX 1 1 ns/op\n", "BenchmarkY 1 1 ns/op\n"), pgo::Error);
}

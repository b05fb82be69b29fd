// Risk guarded against: statistics in the bench result that do not match the runs they
// summarize (wrong command compared, wrong reference, user/system not averaged), and the
// warnings people rely on (slow first run, outliers, failures, missed precision) missing.
#include "trials/bench_analysis.h"

#include <catch2/catch.hpp>
#include <cmath>

using namespace pgo::harness;

namespace {

CommandResult with_times(const std::string& name, const std::vector<double>& times) {
  CommandResult cr;
  cr.command.name = name;
  for (double t : times) {
    TrialMeasurement m;
    m.wall_seconds = t;
    m.user_seconds = t / 2;
    m.system_seconds = t / 4;
    cr.runs.push_back(m);
  }
  return cr;
}

}  // namespace

TEST_CASE("summaries and intervals are those of each command's runs", "[analysis]") {
  BenchResult r;
  r.commands.push_back(with_times("a", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  analyze_bench_result(r);
  const auto& cr = r.commands[0];
  REQUIRE(cr.summary);
  CHECK(cr.summary->mean == Approx(5.5));
  CHECK(cr.summary->median == Approx(5.5));
  CHECK(cr.mean_user_seconds == Approx(2.75));
  CHECK(cr.mean_system_seconds == Approx(1.375));
  REQUIRE(cr.median_interval);
  // n = 10 at 95%: order statistics 2 and 9 (coverage 97.9%), as benchstat.
  CHECK(cr.median_interval->lower == 2);
  CHECK(cr.median_interval->upper == 9);
  CHECK(cr.precision.value() == Approx(3.5 / 5.5));
  CHECK(r.comparisons.empty());
}

TEST_CASE("every other command is compared with the reference", "[analysis]") {
  BenchResult r;
  std::vector<double> base, slower, same;
  for (int i = 0; i < 20; ++i) {
    base.push_back(1.0 + 0.001 * i);
    slower.push_back(1.1 + 0.001 * i);
    same.push_back(1.0005 + 0.001 * i);
  }
  r.commands = {with_times("base", base), with_times("slower", slower), with_times("same", same)};
  SECTION("the first command by default") {
    analyze_bench_result(r);
    REQUIRE(r.comparisons.size() == 2);
    CHECK(r.comparisons[0].reference == 0);
    CHECK(r.comparisons[0].candidate == 1);
    CHECK(r.comparisons[0].stats.verdict == Verdict::kSlower);
    CHECK(r.comparisons[0].stats.median_ratio.value() == Approx(1.1095 / 1.0095));
    CHECK(r.comparisons[1].stats.verdict == Verdict::kNoSignificantDifference);
  }
  SECTION("or the one chosen") {
    r.options.reference = 1;
    analyze_bench_result(r);
    REQUIRE(r.comparisons.size() == 2);
    CHECK(r.comparisons[0].candidate == 0);
    CHECK(r.comparisons[0].stats.verdict == Verdict::kFaster);
    CHECK(r.comparisons[1].candidate == 2);
  }
  SECTION("an out-of-range reference is an error") {
    r.options.reference = 3;
    CHECK_THROWS(analyze_bench_result(r));
  }
}

TEST_CASE("warnings: slow first run, outliers, failures, noise, precision", "[analysis]") {
  BenchResult r;
  std::vector<double> t(10, 1.0);
  for (std::size_t i = 0; i < t.size(); ++i) t[i] += 0.001 * static_cast<double>(i % 3);
  auto first_slow = t;
  first_slow[0] = 5.0;
  auto outlier = t;
  outlier[5] = 5.0;
  r.commands = {with_times("quiet", t), with_times("first", first_slow),
                with_times("outlier", outlier)};
  r.commands[0].runs[3].exit_code = 1;
  r.options.target_precision = 0.0001;
  analyze_bench_result(r);
  auto has = [](const CommandResult& cr, const std::string& text) {
    for (const auto& w : cr.warnings) {
      if (w.find(text) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(has(r.commands[0], "1 of 10 runs failed"));
  CHECK(r.commands[0].failed_runs == 1);
  CHECK_FALSE(has(r.commands[0], "outlier"));
  CHECK(has(r.commands[1], "first run was much slower"));
  CHECK(has(r.commands[2], "1 statistical outlier"));
  CHECK(has(r.commands[2], "the runs vary by"));
  CHECK(has(r.commands[0], "target precision"));
  CHECK_FALSE(r.commands[0].precision_target_reached);
}

TEST_CASE("a command without runs is reported, not summarized", "[analysis]") {
  BenchResult r;
  r.commands = {with_times("a", {1, 2, 3, 4}), with_times("none", {})};
  analyze_bench_result(r);
  CHECK_FALSE(r.commands[1].summary);
  REQUIRE(r.comparisons.size() == 1);
  CHECK(r.comparisons[0].stats.verdict == Verdict::kNotEnoughData);
}

TEST_CASE("interleaved rounds are compared pair by pair, other orders with the U test",
          "[analysis][paired]") {
  // Each round's load moves both commands alike (±5%); the candidate is 1% faster in
  // every round. Paired, that is 12 of 12 rounds; unpaired, two overlapping samples.
  std::vector<double> base, candidate;
  std::vector<std::size_t> rounds;
  for (std::size_t i = 0; i < 12; ++i) {
    const double load = 1.0 + 0.05 * std::sin(static_cast<double>(i) * 2.1);
    base.push_back(load);
    candidate.push_back(0.99 * load * (1 + 0.001 * static_cast<double>(i % 3)));
    rounds.push_back(i);
  }
  BenchResult r;
  r.commands = {with_times("base", base), with_times("pgo", candidate)};
  SECTION("rounds recorded: paired signed-rank test") {
    r.commands[0].rounds = rounds;
    r.commands[1].rounds = rounds;
    analyze_bench_result(r);
    const SampleComparison& s = r.comparisons[0].stats;
    CHECK(s.method == ComparisonMethod::kPairedSignedRank);
    CHECK(s.pairs == std::optional<std::size_t>(12));
    CHECK(s.verdict == Verdict::kFaster);
    CHECK(s.median_ratio.value() == Approx(0.991).epsilon(0.002));
    REQUIRE(s.u_test);
    CHECK(s.u_test->p_value > 0.05);  // what the unpaired test would have said
  }
  SECTION("sequential order (no rounds): U test") {
    analyze_bench_result(r);
    CHECK(r.comparisons[0].stats.method == ComparisonMethod::kUTest);
    CHECK(r.comparisons[0].stats.verdict == Verdict::kNoSignificantDifference);
  }
  SECTION("counting runs keep the unpaired comparison") {
    r.commands[0].rounds = rounds;
    r.commands[1].rounds = rounds;
    r.options.spread_tolerance = 0.001;
    analyze_bench_result(r);
    CHECK(r.comparisons[0].stats.method == ComparisonMethod::kUTest);
  }
}

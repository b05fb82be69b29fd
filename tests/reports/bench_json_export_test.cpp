// Risk guarded against: a JSON export that scripts written for hyperfine cannot read
// (missing or renamed fields, wrong units, exit codes for signalled runs), or that loses
// what makes our result reproducible (seed, options, environment, comparisons).
#include "reports/bench_json_export.h"

#include <catch2/catch.hpp>

#include "reports/run_report_json.h"
#include "sample_bench_result.h"

using nlohmann::json;

TEST_CASE("the JSON export has hyperfine's fields with hyperfine's meaning", "[bench_json]") {
  auto r = pgo::reports::testing::sample_bench_result();
  r.commands[1].runs[0].term_signal = 9;
  pgo::harness::analyze_bench_result(r);
  json j = json::parse(pgo::reports::bench_result_to_json(r));
  REQUIRE(j["results"].size() == 2);
  const json& a = j["results"][0];
  CHECK(a["command"] == "prog 1");
  CHECK(a["mean"].get<double>() == Approx(0.011));
  CHECK(a["median"].get<double>() == Approx(0.011));
  CHECK(a["min"].get<double>() == Approx(0.010));
  CHECK(a["max"].get<double>() == Approx(0.012));
  CHECK(a["stddev"].get<double>() == Approx(0.000894427191));  // sqrt(0.004e-3 / 5)
  CHECK(a["user"].get<double>() == Approx(0.0055));
  CHECK(a["system"].get<double>() == Approx(0.00275));
  CHECK(a["times"].size() == 6);
  CHECK(a["memory_usage_byte"][0] == 1 << 20);
  CHECK(a["exit_codes"] == json::array({0, 0, 0, 0, 0, 0}));
  CHECK(a["parameters"] == json{{"n", "1"}});
  CHECK(j["results"][1]["exit_codes"][0].is_null());  // killed by a signal
  CHECK(j["results"][1]["signals"][0] == 9);
}

TEST_CASE("the JSON export adds statistics, comparisons, environment and options", "[bench_json]") {
  json j =
      json::parse(pgo::reports::bench_result_to_json(pgo::reports::testing::sample_bench_result()));
  const json& a = j["results"][0];
  CHECK(a["median_ci"]["lower"].get<double>() == Approx(0.010));
  CHECK(a["median_ci"]["upper"].get<double>() == Approx(0.012));
  CHECK(a["median_ci"]["confidence"].get<double>() == Approx(0.96875));
  CHECK(a["stop_reason"] == "runs");
  CHECK(a["argv"] == json::array({"prog", "1"}));
  REQUIRE(j["comparisons"].size() == 1);
  const json& c = j["comparisons"][0];
  CHECK(c["reference"] == "prog 1");
  CHECK(c["candidate"] == "prog, \"2\"");
  CHECK(c["median_ratio"].get<double>() == Approx(0.021 / 0.011));
  CHECK(c["verdict"] == "slower");
  CHECK(c["p_value"].get<double>() < 0.05);
  CHECK(c["u_test_method"] == "exact-with-ties");  // ties between the samples' own values
  CHECK(c["method"] == "u-test");                  // no rounds recorded: nothing to pair
  CHECK(c["u_test_p_value"] == c["p_value"]);
  CHECK(c["signed_rank"].is_null());
  CHECK(a["rounds"] == json::array());
  CHECK(j["seed"] == 42);
  CHECK(j["reference"] == "prog 1");
  CHECK(j["environment"]["cpu_model"] == "Test CPU");
  CHECK(j["environment"]["load_average"] == json::array({0.1, 0.2, 0.3}));
  CHECK(j["options"]["runs"] == 6);
  CHECK(j["options"]["order"] == "interleaved");
  CHECK(j["shell_overhead"].is_null());
  CHECK(j["format"] == pgo::reports::kBenchJsonFormat);
}

TEST_CASE("the bench export writes the environment as report.json does", "[bench_json]") {
  const auto r = pgo::reports::testing::sample_bench_result();
  const json j = json::parse(pgo::reports::bench_result_to_json(r));
  CHECK(j["environment"] == pgo::reports::environment_to_json(r.environment));
}

TEST_CASE("the JSON export says when runs were paired by round, with both p-values",
          "[bench_json]") {
  auto r = pgo::reports::testing::sample_bench_result();
  for (auto& cr : r.commands) cr.rounds = {0, 1, 2, 3, 4, 5};
  pgo::harness::analyze_bench_result(r);
  json j = json::parse(pgo::reports::bench_result_to_json(r));
  CHECK(j["results"][0]["rounds"] == json::array({0, 1, 2, 3, 4, 5}));
  const json& c = j["comparisons"][0];
  CHECK(c["method"] == "paired-signed-rank");
  // Every round's candidate is slower: W+ = 21 of 21, exact p = 2 / 2^6.
  CHECK(c["signed_rank"]["pairs"] == 6);
  CHECK(c["signed_rank"]["w_plus"].get<double>() == 21.0);
  CHECK(c["signed_rank"]["method"] == "exact");
  CHECK(c["p_value"].get<double>() == Approx(0.03125));
  CHECK(c["signed_rank"]["p_value"] == c["p_value"]);
  CHECK(c["u_test_p_value"].get<double>() < 0.05);
  CHECK(c["u_test_p_value"] != c["p_value"]);
  CHECK(c["verdict"] == "slower");
}

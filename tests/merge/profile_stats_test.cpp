// Guards against --stats reporting numbers that differ from the compiler's view (edge and
// hot counts, shares), against top-N not being capped by the hot set, and against a
// profile Go rejects aborting the stats of every other profile.
#include "merge/profile_stats.h"

#include <catch2/catch.hpp>

#include "tests/merge/pgo_corner_profiles.h"

using pgo::merge::compute_profile_stats;
namespace t = pgo::merge::testing;

TEST_CASE("stats of a small profile, computed by hand") {
  const auto s = compute_profile_stats(t::simple_chain_profile(), "simple.pprof", 1);
  CHECK(s.name == "simple.pprof");
  CHECK(s.samples == 4);
  CHECK(s.pgo_sample_type == "samples/count");
  CHECK(s.total_pgo_weight == 15);  // 5 + 3 + 7 + 0
  CHECK(s.call_edges == 2);
  CHECK(s.total_edge_weight == 8);
  CHECK(s.hot_edges == 2);
  CHECK(s.hot_callees == 2);
  CHECK(s.pgo_problem.empty());
  REQUIRE(s.top_hot_edges.size() == 1);
  CHECK(s.top_hot_edges[0].edge.caller == "main.main");
  CHECK(s.top_hot_edges[0].share_percent == Approx(62.5));
  CHECK(s.top_hot_edges[0].cumulative_percent == Approx(62.5));
  // report.json takes the fraction, --stats the percent: one computation, two units.
  CHECK(s.top_hot_edges[0].share == 5.0 / 8.0);
  CHECK(s.top_hot_edges[0].share_percent == s.top_hot_edges[0].share * 100);
}

TEST_CASE("top N is capped by the hot set and cumulates shares") {
  const auto s = compute_profile_stats(t::threshold_profile(95, 5), "t", 10);
  REQUIRE(s.top_hot_edges.size() == 2);  // the third edge is not hot
  CHECK(s.top_hot_edges[1].share_percent == Approx(9.5));
  CHECK(s.top_hot_edges[1].cumulative_percent == Approx(99.5));
  CHECK(s.pgo_sample_type == "samples/count");
}

TEST_CASE("the sample type the compiler picks is reported") {
  const auto s = compute_profile_stats(t::sample_type_choice_profile(), "c", 10);
  CHECK(s.pgo_sample_type == "cpu/nanoseconds");
  CHECK(s.total_pgo_weight == 7);
}

TEST_CASE("a profile Go rejects gets a problem, not an exception") {
  const auto s = compute_profile_stats(t::no_start_line_profile(), "old.pprof", 10);
  CHECK_THAT(s.pgo_problem, Catch::Contains("start_line"));
  CHECK(s.samples == 1);
  CHECK(s.total_pgo_weight == 1);
  CHECK(s.call_edges == 0);
  const auto n = compute_profile_stats(t::no_pgo_sample_type_profile(), "heap.pprof", 10);
  CHECK(n.pgo_sample_type.empty());
  CHECK_FALSE(n.pgo_problem.empty());
}

TEST_CASE("an empty profile has zero stats and no problem") {
  const auto s = compute_profile_stats(t::no_samples_profile(), "empty", 10);
  CHECK(s.samples == 0);
  CHECK(s.call_edges == 0);
  CHECK(s.hot_edges == 0);
  CHECK(s.top_hot_edges.empty());
  CHECK(s.pgo_problem.empty());
}

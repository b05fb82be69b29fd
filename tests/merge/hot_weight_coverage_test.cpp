// Risk guarded against: a representativeness figure that does not measure what the collect
// report claims (the share of the merged hot-edge weight an instance's own hot set
// covers), or an outlier rule that flags the typical instances instead of the unusual one.
#include "merge/hot_weight_coverage.h"

#include <catch2/catch.hpp>

#include "tests/support/profile_builder.h"

namespace {

using pgo::merge::PgoView;
using pgo::merge::testing::ProfileBuilder;

// A profile whose only edges are main->a (weight wa) and main->b (weight wb).
PgoView two_edges(std::int64_t wa, std::int64_t wb) {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main", "main.go", 10);
  auto a = b.function("a", "main.go", 20);
  auto bfn = b.function("b", "main.go", 30);
  auto call_a = b.location(0, {{main_fn, 12}});
  auto call_b = b.location(0, {{main_fn, 13}});
  auto in_a = b.location(0, {{a, 21}});
  auto in_b = b.location(0, {{bfn, 31}});
  if (wa > 0) b.sample({in_a, call_a}, {wa, wa * 10000000});
  if (wb > 0) b.sample({in_b, call_b}, {wb, wb * 10000000});
  return PgoView::from_profile(b.build(), "t");
}

}  // namespace

TEST_CASE("coverage is the merged hot weight on edges hot in the instance") {
  PgoView merged = two_edges(75, 25);  // both edges hot: 99% needs both
  REQUIRE(merged.hot_edges().size() == 2);
  CHECK(pgo::merge::hot_weight_coverage(merged, two_edges(10, 0)) == Approx(0.75));
  CHECK(pgo::merge::hot_weight_coverage(merged, two_edges(0, 10)) == Approx(0.25));
  CHECK(pgo::merge::hot_weight_coverage(merged, two_edges(5, 5)) == Approx(1.0));
}

TEST_CASE("coverage of an empty merged profile is 1") {
  CHECK(pgo::merge::hot_weight_coverage(PgoView(), two_edges(1, 1)) == 1.0);
}

TEST_CASE("the outlier is the instance far below the median of the others") {
  auto flags = pgo::merge::flag_coverage_outliers({0.88, 0.91, 0.38, 0.85}, 0.20);
  CHECK(flags == std::vector<bool>{false, false, true, false});
  CHECK(pgo::merge::flag_coverage_outliers({0.88, 0.80, 0.75}, 0.20) ==
        std::vector<bool>{false, false, false});
  CHECK(pgo::merge::flag_coverage_outliers({0.66, 0.33}, 0.20) == std::vector<bool>{false, true});
  CHECK(pgo::merge::flag_coverage_outliers({0.1}, 0.20) == std::vector<bool>{false});
}

// Risk guarded against: a stale-profile figure that counts the wrong weight (edges whose
// both ends still exist, or cold edges as hot), misses a renamed caller, or calls every
// generic function missing because symbol tables and pprof spell type arguments apart.
#include "merge/profile_staleness.h"

#include <catch2/catch.hpp>

#include "tests/support/profile_builder.h"

namespace {

using pgo::merge::PgoView;
using pgo::merge::testing::ProfileBuilder;

// main.main -> main.hot (weight 90), main.main -> pkg.G[...] (weight 9),
// main.cold -> main.leaf (weight 1).
PgoView sample_view() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto hot = b.function("main.hot", "main.go", 20);
  auto gen = b.function("pkg.G[...]", "main.go", 30);
  auto cold = b.function("main.cold", "main.go", 40);
  auto leaf = b.function("main.leaf", "main.go", 50);
  b.sample({b.location(0, {{hot, 21}}), b.location(0, {{main_fn, 11}})}, {90, 900});
  b.sample({b.location(0, {{gen, 31}}), b.location(0, {{main_fn, 12}})}, {9, 90});
  b.sample({b.location(0, {{leaf, 51}}), b.location(0, {{cold, 41}})}, {1, 10});
  return PgoView::from_profile(b.build(), "t");
}

}  // namespace

TEST_CASE("nothing is stale when the binary has every function") {
  auto s = pgo::merge::profile_staleness(
      sample_view(), {"main.main", "main.hot", "pkg.G[go.shape.int]", "main.cold", "main.leaf"}, 5);
  CHECK(s.total_share == 0);
  CHECK(s.hot_share == 0);
  CHECK(s.missing_functions == 0);
  CHECK(s.hottest_missing.empty());
}

TEST_CASE("a renamed hot callee: its weight counts, in total and among hot edges") {
  auto s = pgo::merge::profile_staleness(
      sample_view(), {"main.main", "main.hotter", "pkg.G[...]", "main.cold", "main.leaf"}, 5);
  CHECK(s.total_share == Approx(0.90));
  CHECK(s.hot_share == Approx(0.90 / 0.99).epsilon(0.02));  // the 1% edge is not hot
  REQUIRE(s.hottest_missing.size() == 1);
  CHECK(s.hottest_missing[0].name == "main.hot");
  CHECK(s.hottest_missing[0].weight == 90);
}

TEST_CASE("a missing caller counts too, and the hottest missing come first") {
  auto s = pgo::merge::profile_staleness(sample_view(), {"main.hot", "main.leaf"}, 1);
  CHECK(s.total_share == Approx(1.0));
  CHECK(s.missing_functions == 3);  // main.main, pkg.G[...], main.cold
  REQUIRE(s.hottest_missing.size() == 1);
  CHECK(s.hottest_missing[0].name == "main.main");
  CHECK(s.hottest_missing[0].weight == 99);
}

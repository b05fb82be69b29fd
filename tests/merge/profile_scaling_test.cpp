// Risk guarded against: weights and normalization rounding differently from pprof
// (round half away from zero), overflowing silently, picking a sample type other than
// the one the Go compiler reads, or accepting weights that are not plain decimals.
#include "merge/profile_scaling.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "tests/support/profile_builder.h"

using namespace pgo::merge;
using pgo::merge::testing::ProfileBuilder;

TEST_CASE("scale_value rounds to nearest, halves away from zero", "[scaling]") {
  CHECK(scale_value(7, 0.5) == 4);
  CHECK(scale_value(5, 0.5) == 3);
  CHECK(scale_value(-5, 0.5) == -3);
  CHECK(scale_value(1, 0.49) == 0);
  CHECK(scale_value(3, 2.0) == 6);
  CHECK(scale_value(0, 123.0) == 0);
  // Factor 1 is exact even beyond double precision.
  const std::int64_t big = (std::int64_t{1} << 62) + 1;
  CHECK(scale_value(big, 1.0) == big);
  CHECK_FALSE(scale_value(std::numeric_limits<std::int64_t>::max(), 2.0).has_value());
}

TEST_CASE("the PGO sample type is the first samples/count or cpu/nanoseconds", "[scaling]") {
  CHECK(pgo_sample_index(ProfileBuilder().build()) == 0);
  CHECK(pgo_sample_index(ProfileBuilder({{"cpu", "nanoseconds"}, {"samples", "count"}}).build()) ==
        0);
  CHECK(pgo_sample_index(ProfileBuilder({{"alloc", "bytes"}, {"cpu", "nanoseconds"}}).build()) ==
        1);
  CHECK(pgo_sample_index(ProfileBuilder({{"samples", "bytes"}, {"cpu", "seconds"}}).build()) ==
        std::nullopt);
}

TEST_CASE("sample totals and normalization factors", "[scaling]") {
  ProfileBuilder b;
  auto f = b.function("f", "f.go", 1);
  auto l = b.location(0x401000, {{f, 2}});
  b.sample({l}, {3, 30}).sample({l}, {4, 40});
  CHECK(sample_total(b.build(), 0) == 7);
  CHECK(sample_total(b.build(), 1) == 70);
  CHECK(normalization_factor(7, 14) == 2.0);
  CHECK(normalization_factor(0, 14) == 0.0);
  b.sample({l}, {std::numeric_limits<std::int64_t>::max(), 0});
  CHECK_THROWS(sample_total(b.build(), 0));
}

TEST_CASE("weights are non-negative plain decimals", "[scaling]") {
  CHECK(parse_weight("2") == 2.0);
  CHECK(parse_weight("0.5") == 0.5);
  CHECK(parse_weight(".25") == 0.25);
  CHECK(parse_weight("3.") == 3.0);
  CHECK(parse_weight("0") == 0.0);
  for (const char* bad : {"", "-1", "+1", "1e3", "0x10", "inf", "nan", "1.2.3", " 1", "1 ", "."}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_weight(bad).has_value());
  }
}

// Guards against irreproducible randomness: the interleaving order and bootstrap intervals
// are recorded by seed, so the same seed must give the same draws (and not depend on the
// standard library's distributions), and draws must be unbiased enough for statistics.
#include "stats/random.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace h = pgo::harness;

TEST_CASE("same seed, same sequence - different seed, different sequence", "[random]") {
  h::SeededRng a(42), b(42), c(43);
  CHECK(a.seed() == 42);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const std::uint64_t x = a.next_u64();
    CHECK(x == b.next_u64());
    differs = differs || x != c.next_u64();
  }
  CHECK(differs);
}

TEST_CASE("raw output is mt19937_64's, fixed by the C++ standard", "[random]") {
  // [rand.predef]: the 10000th output of a default-constructed mt19937_64 (seed 5489).
  h::SeededRng rng(5489);
  std::uint64_t x = 0;
  for (int i = 0; i < 10000; ++i) x = rng.next_u64();
  CHECK(x == 9981545732273789042ULL);
}

TEST_CASE("uniform_index stays in range and is roughly uniform", "[random]") {
  h::SeededRng rng(7);
  CHECK_THROWS_AS(rng.uniform_index(0), std::invalid_argument);
  CHECK(rng.uniform_index(1) == 0);
  std::vector<int> counts(6, 0);
  const int draws = 60000;
  for (int i = 0; i < draws; ++i) {
    const std::size_t k = rng.uniform_index(6);
    REQUIRE(k < 6);
    ++counts[k];
  }
  // Expected 10000 each, sd ~ 91: 5 sd is a bug, not chance.
  for (int count : counts) CHECK(std::abs(count - 10000) < 460);
}

TEST_CASE("uniform01 and normal have the right moments", "[random]") {
  h::SeededRng rng(11);
  double sum = 0, sum_sq = 0;
  const int draws = 40000;
  for (int i = 0; i < draws; ++i) {
    const double u = rng.uniform01();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    const double z = rng.normal(3.0, 2.0);
    sum += z;
    sum_sq += z * z;
  }
  const double m = sum / draws;
  const double var = sum_sq / draws - m * m;
  CHECK(m == Approx(3.0).margin(0.05));    // se 0.01
  CHECK(var == Approx(4.0).margin(0.15));  // se ~0.03
}

TEST_CASE("shuffle is a reproducible permutation", "[random]") {
  std::vector<int> first = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<int> second = first;
  h::SeededRng a(99), b(99);
  a.shuffle(first);
  b.shuffle(second);
  CHECK(first == second);
  std::vector<int> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Every position sees every value over many shuffles (Fisher-Yates, not a rotation).
  h::SeededRng rng(5);
  std::vector<std::vector<int>> seen(4, std::vector<int>(4, 0));
  for (int i = 0; i < 4000; ++i) {
    std::vector<int> v = {0, 1, 2, 3};
    rng.shuffle(v);
    for (int pos = 0; pos < 4; ++pos) ++seen[pos][v[pos]];
  }
  for (const auto& row : seen) {
    for (int count : row) CHECK(std::abs(count - 1000) < 150);
  }
}

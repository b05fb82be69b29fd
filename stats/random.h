// SeededRng: a random source whose every draw is reproducible from one recorded seed.
//
// The standard distributions (std::uniform_int_distribution, std::normal_distribution,
// std::shuffle) are implementation-defined, so the same seed would give different shuffles
// and bootstrap intervals under libstdc++ and libc++. Only std::mt19937_64's raw output is
// fixed by the standard; everything here is built on that raw output alone.
//
//   pgo::harness::SeededRng rng(42);
//   std::vector<int> order = {0, 1, 2};
//   rng.shuffle(order);              // same order for seed 42 on every platform
//   double noise = rng.normal(0, 1);
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace pgo::harness {

class SeededRng {
 public:
  explicit SeededRng(std::uint64_t seed);

  std::uint64_t seed() const { return seed_; }

  // The next raw 64-bit output of mt19937_64.
  std::uint64_t next_u64() { return engine_(); }

  // Uniform in [0, n), without modulo bias. REQUIRES: n > 0.
  std::size_t uniform_index(std::size_t n);

  // Uniform in [0, 1), 53 random bits.
  double uniform01();

  // Normal deviate (Box-Muller on uniform01). REQUIRES: stddev >= 0.
  double normal(double mean = 0.0, double stddev = 1.0);

  // Fisher-Yates shuffle driven by uniform_index.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[uniform_index(i)]);
    }
  }

 private:
  std::uint64_t seed_;
  std::mt19937_64 engine_;
  // Box-Muller yields deviates in pairs; the second is kept for the next call.
  bool has_spare_normal_ = false;
  double spare_normal_ = 0.0;
};

// A seed for when the user gave none (from std::random_device); record it with the results
// so the run can be reproduced.
std::uint64_t fresh_seed();

}  // namespace pgo::harness

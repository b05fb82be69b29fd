#include "stats/random.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace pgo::harness {

SeededRng::SeededRng(std::uint64_t seed) : seed_(seed), engine_(seed) {}

std::size_t SeededRng::uniform_index(std::size_t n) {
  if (n == 0) throw std::invalid_argument("SeededRng::uniform_index: n must be > 0");
  const std::uint64_t range = static_cast<std::uint64_t>(n);
  // Reject the top partial block of the 64-bit range so every residue is equally likely.
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % range;
  std::uint64_t x = engine_();
  while (x >= limit) x = engine_();
  return static_cast<std::size_t>(x % range);
}

double SeededRng::uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double SeededRng::normal(double mean, double stddev) {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + stddev * spare_normal_;
  }
  // 1 - uniform01() is in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - uniform01();
  const double u2 = uniform01();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return mean + stddev * radius * std::cos(angle);
}

std::uint64_t fresh_seed() {
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) ^ static_cast<std::uint64_t>(device());
}

}  // namespace pgo::harness

// Seconds elapsed on the monotonic clock, for phase and trial durations:
//
//   const auto start = std::chrono::steady_clock::now();
//   ...
//   record.wall_seconds = pgo::seconds_since(start);
#pragma once

#include <chrono>

namespace pgo {

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace pgo

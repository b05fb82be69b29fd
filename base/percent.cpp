#include "base/percent.h"

#include <fmt/format.h>

#include <cmath>

namespace pgo {

std::string format_percent(double fraction, int decimals) {
  return fmt::format("{:.{}f}%", fraction * 100.0, decimals);
}

std::string format_signed_percent(double fraction, int decimals) {
  const double percent = fraction * 100.0;
  // Avoid "-0.0%" for a change that rounds to zero.
  if (std::fabs(percent) < 0.5 * std::pow(10.0, -decimals))
    return fmt::format("{:+.{}f}%", 0.0, decimals);
  return fmt::format("{:+.{}f}%", percent, decimals);
}

}  // namespace pgo

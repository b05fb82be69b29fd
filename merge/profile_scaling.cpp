#include "merge/profile_scaling.h"

#include <cmath>
#include <cstdlib>

#include "base/error.h"

namespace pgo::merge {

std::optional<int> pgo_sample_index(const perftools::profiles::Profile& profile) {
  for (int i = 0; i < profile.sample_type_size(); ++i) {
    const auto& type = profile.string_table(static_cast<int>(profile.sample_type(i).type()));
    const auto& unit = profile.string_table(static_cast<int>(profile.sample_type(i).unit()));
    if ((type == "samples" && unit == "count") || (type == "cpu" && unit == "nanoseconds")) {
      return i;
    }
  }
  return std::nullopt;
}

std::int64_t sample_total(const perftools::profiles::Profile& profile, int index) {
  std::int64_t total = 0;
  for (const auto& sample : profile.sample()) {
    if (__builtin_add_overflow(total, sample.value(index), &total)) {
      throw Error("scale", "", "sample total overflows 64 bits");
    }
  }
  return total;
}

double normalization_factor(std::int64_t total, std::int64_t target) {
  if (total == 0) return 0.0;
  return static_cast<double>(target) / static_cast<double>(total);
}

std::optional<std::int64_t> scale_value(std::int64_t value, double factor) {
  if (factor == 1.0) return value;
  const double scaled = std::round(static_cast<double>(value) * factor);
  // 2^63 is exactly representable; anything at or beyond it does not fit.
  if (!(scaled < 9223372036854775808.0) || !(scaled >= -9223372036854775808.0)) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(scaled);
}

std::optional<double> parse_weight(std::string_view text) {
  // Digits with at most one dot and at least one digit: the decimal form the CLI
  // documents. strtod alone would also accept hex, exponents, "inf" and "nan".
  bool seen_dot = false;
  bool seen_digit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      seen_digit = true;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!seen_digit) return std::nullopt;
  const std::string copy(text);
  const double value = std::strtod(copy.c_str(), nullptr);
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace pgo::merge

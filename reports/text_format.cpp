#include "reports/text_format.h"

#include <fmt/format.h>

#include <cmath>

namespace pgo::reports {

std::string format_seconds(double seconds) {
  const double a = std::fabs(seconds);
  if (a == 0) return "0 s";
  if (a < 1e-6) return fmt::format("{:.4g} ns", seconds * 1e9);
  if (a < 1e-3) return fmt::format("{:.4g} us", seconds * 1e6);
  if (a < 1) return fmt::format("{:.4g} ms", seconds * 1e3);
  return fmt::format("{:.4g} s", seconds);
}

std::string format_value(double value, const std::string& unit) {
  if (unit == "s") return format_seconds(value);
  // Counts (instructions, cycles) read best with an SI prefix: "702.57 M cycles".
  if (unit.rfind("instructions", 0) == 0 || unit.rfind("cycles", 0) == 0) {
    const double a = std::fabs(value);
    if (a >= 1e9) return fmt::format("{:.3f} G {}", value / 1e9, unit);
    if (a >= 1e6) return fmt::format("{:.2f} M {}", value / 1e6, unit);
    if (a >= 1e3) return fmt::format("{:.1f} k {}", value / 1e3, unit);
  }
  return fmt::format("{:.4g} {}", value, unit);
}

std::string format_bytes(std::int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (std::llabs(bytes) < 1024) return fmt::format("{} B", bytes);
  if (std::fabs(b) < 1024.0 * 1024.0) return fmt::format("{:.1f} KiB", b / 1024.0);
  if (std::fabs(b) < 1024.0 * 1024.0 * 1024.0) return fmt::format("{:.2f} MiB", b / 1048576.0);
  return fmt::format("{:.2f} GiB", b / 1073741824.0);
}

std::string format_speedup(std::optional<double> speedup) {
  if (!speedup) return "-";
  return fmt::format("{:.3f}x", *speedup);
}

std::string format_change(std::optional<double> ratio) {
  if (!ratio) return "-";
  return format_signed_percent(*ratio - 1.0);
}

std::string format_speedup_interval(std::optional<double> lower, std::optional<double> upper) {
  if (!lower || !upper) return "-";
  return "[" + format_speedup(lower) + ", " + format_speedup(upper) + "]";
}

std::string format_change_interval(std::optional<double> lower, std::optional<double> upper) {
  if (!lower || !upper) return "-";
  return "[" + format_change(lower) + ", " + format_change(upper) + "]";
}

std::string format_p_value(std::optional<double> p) {
  if (!p) return "-";
  if (*p < 0.001) return "<0.001";
  return fmt::format("{:.3f}", *p);
}

std::string format_method(harness::ComparisonMethod method, std::optional<std::size_t> pairs) {
  switch (method) {
    case harness::ComparisonMethod::kPairedSignedRank:
      return pairs ? fmt::format("paired, {} rounds", *pairs) : std::string("paired");
    case harness::ComparisonMethod::kCountSpread:
      return "count spread";
    case harness::ComparisonMethod::kUTest:
      break;
  }
  return "U test";
}

std::string format_method(const harness::Comparison& comparison) {
  std::optional<std::size_t> pairs;
  if (comparison.pairs && *comparison.pairs > 0)
    pairs = static_cast<std::size_t>(*comparison.pairs);
  return format_method(comparison.method, pairs);
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace pgo::reports

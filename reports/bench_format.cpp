#include "reports/bench_format.h"

#include <cstdio>

#include "base/error.h"

namespace pgo::reports {

TimeUnit parse_time_unit(std::string_view t) {
  if (t == "ns" || t == "nanosecond") return TimeUnit::kNanosecond;
  if (t == "us" || t == "µs" || t == "microsecond") return TimeUnit::kMicrosecond;
  if (t == "ms" || t == "millisecond") return TimeUnit::kMillisecond;
  if (t == "s" || t == "second") return TimeUnit::kSecond;
  throw Error("options", "", "unknown time unit '" + std::string(t) + "'",
              "use --time-unit ns, us, ms or s");
}

TimeUnit auto_time_unit(double seconds) {
  if (seconds >= 1) return TimeUnit::kSecond;
  if (seconds >= 1e-3) return TimeUnit::kMillisecond;
  if (seconds >= 1e-6) return TimeUnit::kMicrosecond;
  if (seconds > 0) return TimeUnit::kNanosecond;
  return TimeUnit::kMillisecond;
}

const char* unit_suffix(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNanosecond:
      return "ns";
    case TimeUnit::kMicrosecond:
      return "µs";
    case TimeUnit::kMillisecond:
      return "ms";
    case TimeUnit::kSecond:
      return "s";
  }
  return "s";
}

double in_unit(double seconds, TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kNanosecond:
      return seconds * 1e9;
    case TimeUnit::kMicrosecond:
      return seconds * 1e6;
    case TimeUnit::kMillisecond:
      return seconds * 1e3;
    case TimeUnit::kSecond:
      return seconds;
  }
  return seconds;
}

std::string format_time_number(double seconds, TimeUnit unit, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, in_unit(seconds, unit));
  return buf;
}

std::string format_time(double seconds, TimeUnit unit, int decimals) {
  return format_time_number(seconds, unit, decimals) + " " + unit_suffix(unit);
}

}  // namespace pgo::reports

// Time units and numbers as the bench views print them (hyperfine's conventions): one unit
// per table, chosen from the reference command's mean unless --time-unit fixes it.
//
//   auto unit = pgo::reports::auto_time_unit(0.0123);           // kMillisecond
//   pgo::reports::format_time(0.0123, unit);                     // "12.3 ms"
//   pgo::reports::format_time_number(0.0123, unit, 2);           // "12.30"
#pragma once

#include <string>
#include <string_view>

namespace pgo::reports {

enum class TimeUnit { kNanosecond, kMicrosecond, kMillisecond, kSecond };

// "ns", "us" (also "µs", "microsecond"), "ms" ("millisecond"), "s" ("second").
// Throws pgo::Error (stage "options") on anything else.
TimeUnit parse_time_unit(std::string_view text);
// Seconds below 1 print in ms, below 1 ms in µs, below 1 µs in ns; otherwise s.
TimeUnit auto_time_unit(double seconds);
const char* unit_suffix(TimeUnit unit);  // "ns", "µs", "ms", "s"
double in_unit(double seconds, TimeUnit unit);
// The number alone with `decimals` decimals, and with its suffix.
std::string format_time_number(double seconds, TimeUnit unit, int decimals = 1);
std::string format_time(double seconds, TimeUnit unit, int decimals = 1);

}  // namespace pgo::reports

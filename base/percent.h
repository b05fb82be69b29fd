// A fraction written as a percentage, the one way every message and view of the project
// writes one:
//
//   format_percent(0.0123)          -> "1.2%"
//   format_percent(0.42, 0)         -> "42%"
//   format_signed_percent(0.043)    -> "+4.3%"
//   format_signed_percent(-0.0004)  -> "+0.0%"   (never "-0.0%")
#pragma once

#include <string>

namespace pgo {

// fraction * 100 with `decimals` decimals (rounded to nearest) and a '%' sign.
std::string format_percent(double fraction, int decimals = 1);
// The same with a sign always written; a value that rounds to zero is "+0.0%".
std::string format_signed_percent(double fraction, int decimals = 1);

}  // namespace pgo

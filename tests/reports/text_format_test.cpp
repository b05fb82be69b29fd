// Risk guarded against: counts printed as "7.028e+08 cycles", which people misread, or the
// SI prefix applied to times.
#include "reports/text_format.h"

#include <catch2/catch.hpp>

using pgo::reports::format_value;

TEST_CASE("counts print with an SI prefix, other units as before", "[text_format]") {
  CHECK(format_value(702572627, "cycles") == "702.57 M cycles");
  CHECK(format_value(1854678886, "instructions") == "1.855 G instructions");
  CHECK(format_value(2720000, "instructions/op") == "2.72 M instructions/op");
  CHECK(format_value(5300, "cycles/op") == "5.3 k cycles/op");
  CHECK(format_value(12, "cycles") == "12 cycles");
  CHECK(format_value(1234.25, "ns/op") == "1234 ns/op");
}

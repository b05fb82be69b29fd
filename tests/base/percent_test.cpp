// Risk guarded against: one message saying "4.3%" where another says "4%" or "-0.0%" for
// the same fraction (the project once had four percent formatters with different rules).
#include "base/percent.h"

#include <catch2/catch.hpp>

TEST_CASE("a fraction prints as a percentage rounded to the given decimals", "[percent]") {
  CHECK(pgo::format_percent(0.0123) == "1.2%");
  CHECK(pgo::format_percent(0.0) == "0.0%");
  CHECK(pgo::format_percent(1.5) == "150.0%");
  CHECK(pgo::format_percent(-0.25) == "-25.0%");
  CHECK(pgo::format_percent(0.42, 0) == "42%");
  CHECK(pgo::format_percent(0.987, 0) == "99%");
  CHECK(pgo::format_percent(0.01234, 3) == "1.234%");
}

TEST_CASE("a signed percentage always has a sign and never reads -0.0%", "[percent]") {
  CHECK(pgo::format_signed_percent(0.043) == "+4.3%");
  CHECK(pgo::format_signed_percent(-0.043) == "-4.3%");
  CHECK(pgo::format_signed_percent(-0.0004) == "+0.0%");
  CHECK(pgo::format_signed_percent(0.0) == "+0.0%");
  CHECK(pgo::format_signed_percent(-0.004, 0) == "+0%");
  CHECK(pgo::format_signed_percent(-0.006, 0) == "-1%");
}

// Risk guarded against: terminal tables whose columns drift apart (a micro sign counted as
// two columns, a long name that shifts only some lines), or lines with trailing blanks.
#include "base/text_table.h"

#include <catch2/catch.hpp>

using pgo::TextColumn;
using pgo::TextTable;

TEST_CASE("a text table fits columns to their longest cell, header included", "[text_table]") {
  TextTable table({{"report"}, {"speedup"}});
  table.add_row({"2026-11-24T05:00", "1.043x"});
  table.add_row({"b", "-"});
  CHECK(table.render() ==
        "report            speedup\n"
        "2026-11-24T05:00  1.043x\n"
        "b                 -\n");
}

TEST_CASE("a text table right-aligns, caps fitted widths and lets long cells overflow",
          "[text_table]") {
  TextTable table({{"Command", TextColumn::kLeft, 0, true, 6},
                   {"p", TextColumn::kRight, 5, false},
                   {"Verdict"}});
  table.add_row({"ab", "0.01", "faster"});
  table.add_row({"a-long-name", "0.5", "no change"});
  CHECK(table.render("  ") ==
        "  Command      p  Verdict\n"
        "  ab       0.01  faster\n"
        "  a-long-name    0.5  no change\n");
}

TEST_CASE("a text table with fixed widths ends short rows early, without trailing blanks",
          "[text_table]") {
  TextTable table({{"workload", TextColumn::kLeft, 9, false},
                   {"runs", TextColumn::kLeft, 4, false},
                   {"speedup"}},
                  " ");
  table.add_row({"json", "30"});
  table.add_row({"a-very-long-workload", "5", "1.1x"});
  CHECK(table.render() ==
        "workload  runs speedup\n"
        "json      30\n"
        "a-very-long-workload 5    1.1x\n");
}

TEST_CASE("text widths count code points, so a micro sign lines up", "[text_table]") {
  CHECK(pgo::display_width("12 µs") == 5);
  CHECK(pgo::pad_left("1 µs", 6) == "  1 µs");
  CHECK(pgo::pad_right("µ", 3) == "µ  ");
  TextTable table({{"t", TextColumn::kRight, 0, true}});
  table.add_row({"1 µs"});
  table.add_row({"10 ms"});
  CHECK(table.render() == "    t\n 1 µs\n10 ms\n");
}

TEST_CASE("the header's example renders as documented", "[text_table]") {
  TextTable table({{"workload"}, {"median", TextColumn::kRight}});
  table.add_row({"grpc", "12.34 ms"});
  CHECK(table.render("  ") == "  workload    median\n  grpc      12.34 ms\n");
}

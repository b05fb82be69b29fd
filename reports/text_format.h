// Number formatting shared by the Markdown, HTML and terminal views, so that a value reads
// the same everywhere it appears.
//
//   format_seconds(0.01234)      -> "12.34 ms"
//   format_value(1234.5, "ns/op") -> "1235 ns/op"
//   format_bytes(2'500'000)      -> "2.38 MiB"
//   format_speedup(1.043)        -> "1.043x"
//   format_change(0.957)         -> "-4.3%"   (a ratio as a signed percentage)
//   html_escape("a<b")           -> "a&lt;b"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgo::reports {

// Seconds with a unit chosen for three or four significant digits (ns, us, ms, s).
std::string format_seconds(double seconds);
// A value in its metric's unit: "s" goes through format_seconds, anything else is printed
// with four significant digits followed by the unit.
std::string format_value(double value, const std::string& unit);
std::string format_bytes(std::int64_t bytes);
// "1.043x"; "-" for nullopt.
std::string format_speedup(std::optional<double> speedup);
// (ratio - 1) as a signed percentage with one decimal: 1.043 -> "+4.3%"; "-" for nullopt.
std::string format_change(std::optional<double> ratio);
// "[a, b]" with format_speedup / format_change of each bound; "-" when either is missing.
std::string format_speedup_interval(std::optional<double> lower, std::optional<double> upper);
std::string format_change_interval(std::optional<double> lower, std::optional<double> upper);
// p-values: "0.003", "<0.001", "-".
std::string format_p_value(std::optional<double> p);
// A fraction as a percentage with one decimal: 0.0123 -> "1.2%".
std::string format_percent(double fraction);

// Escapes &, <, >, " and ' for HTML and SVG text and attributes.
std::string html_escape(const std::string& text);
// Escapes | and newlines so that text stays inside one Markdown table cell.
std::string markdown_cell(const std::string& text);

}  // namespace pgo::reports

namespace pgo {

// A plain-text table aligned in columns, for terminal output:
//
//   TextTable table({{"workload"}, {"median", TextColumn::kRight}});
//   table.add_row({"grpc", "12.34 ms"});
//   table.render("  ");   // "  workload  median\n  grpc    12.34 ms\n"
//
// Widths count code points, so "µs" lines up with "ms". A column is as wide as its longest
// cell (header included) when it fits its content, never narrower than min_width and never
// widened past max_width; a longer cell overflows and pushes the rest of its line right.
// Cells are joined by the separator; a row with fewer cells than columns ends early, and
// the last cell of a line is not padded on the right, so lines carry no trailing blanks.
struct TextColumn {
  enum Align { kLeft, kRight };
  std::string header;
  Align align = kLeft;
  std::size_t min_width = 0;
  bool fit_content = true;
  std::size_t max_width = static_cast<std::size_t>(-1);
};

class TextTable {
 public:
  explicit TextTable(std::vector<TextColumn> columns, std::string separator = "  ");
  void add_row(std::vector<std::string> cells);
  // The header line and then one line per row, each starting with indent.
  std::string render(const std::string& indent = "") const;

 private:
  std::vector<std::size_t> widths() const;
  std::string line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths,
                   const std::string& indent) const;

  std::vector<TextColumn> columns_;
  std::string separator_;
  std::vector<std::vector<std::string>> rows_;
};

// The number of code points in UTF-8 text (what a terminal shows as columns, for the text
// the reports print).
std::size_t display_width(const std::string& text);
// text padded with blanks to width code points, on the right (pad_right) or the left.
std::string pad_right(const std::string& text, std::size_t width);
std::string pad_left(const std::string& text, std::size_t width);

}  // namespace pgo

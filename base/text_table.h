// Plain-text tables and padding for terminal output (the run summary, `bench`, `history`,
// `collect`): one way to line up columns instead of one per command.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pgo {

// A plain-text table aligned in columns, for terminal output:
//
//   TextTable table({{"workload"}, {"median", TextColumn::kRight}});
//   table.add_row({"grpc", "12.34 ms"});
//   table.render("  ");   // "  workload    median\n  grpc      12.34 ms\n"
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

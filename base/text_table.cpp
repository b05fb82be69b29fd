#include "base/text_table.h"

#include <algorithm>

namespace pgo {

std::size_t display_width(const std::string& text) {
  std::size_t points = 0;
  for (unsigned char c : text) points += (c & 0xC0) != 0x80;
  return points;
}

std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t shown = display_width(text);
  return shown >= width ? text : text + std::string(width - shown, ' ');
}

std::string pad_left(const std::string& text, std::size_t width) {
  const std::size_t shown = display_width(text);
  return shown >= width ? text : std::string(width - shown, ' ') + text;
}

TextTable::TextTable(std::vector<TextColumn> columns, std::string separator)
    : columns_(std::move(columns)), separator_(std::move(separator)) {}

void TextTable::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::vector<std::size_t> TextTable::widths() const {
  std::vector<std::size_t> widths;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const TextColumn& c = columns_[i];
    std::size_t w = c.min_width;
    if (c.fit_content) {
      std::size_t longest = display_width(c.header);
      for (const auto& row : rows_) {
        if (i < row.size()) longest = std::max(longest, display_width(row[i]));
      }
      w = std::max(w, std::min(longest, c.max_width));
    }
    widths.push_back(w);
  }
  return widths;
}

std::string TextTable::line(const std::vector<std::string>& cells,
                            const std::vector<std::size_t>& widths,
                            const std::string& indent) const {
  std::string out = indent;
  const std::size_t count = std::min(cells.size(), columns_.size());
  for (std::size_t i = 0; i < count; ++i) {
    const bool last = i + 1 == count;
    if (columns_[i].align == TextColumn::kRight) {
      out += pad_left(cells[i], widths[i]);
    } else {
      out += last ? cells[i] : pad_right(cells[i], widths[i]);
    }
    if (!last) out += separator_;
  }
  return out + "\n";
}

std::string TextTable::render(const std::string& indent) const {
  const std::vector<std::size_t> w = widths();
  std::vector<std::string> header;
  for (const auto& c : columns_) header.push_back(c.header);
  std::string out = line(header, w, indent);
  for (const auto& row : rows_) out += line(row, w, indent);
  return out;
}

}  // namespace pgo

#include "reports/text_format.h"

#include <fmt/format.h>

#include <algorithm>
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
  const double percent = (*ratio - 1.0) * 100.0;
  // Avoid "-0.0%" for a change that rounds to zero.
  if (std::fabs(percent) < 0.05) return "+0.0%";
  return fmt::format("{:+.1f}%", percent);
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

std::string format_percent(double fraction) { return fmt::format("{:.1f}%", fraction * 100.0); }

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

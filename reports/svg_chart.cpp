#include "reports/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "reports/text_format.h"

namespace pgo::reports {

namespace {

// Margins of the plot area inside the viewBox; the left one grows with the tick labels.
constexpr double kMinLeft = 56;
constexpr double kCharWidth = 6.4;  // of an 11px sans-serif digit, roughly
constexpr double kRight = 16;
constexpr double kTop = 34;
constexpr double kBottom = 44;

std::string default_format(double v) { return fmt::format("{:.4g}", v); }

const ValueFormatter& or_default(const ValueFormatter& f) {
  static const ValueFormatter fallback = default_format;
  return f ? f : fallback;
}

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// Pads a data range so points do not sit on the frame, and gives a flat range some
// height.
Range padded(Range r) {
  if (r.empty()) return Range{0, 1};
  double span = r.hi - r.lo;
  if (span <= 0) span = std::max(std::fabs(r.hi) * 0.02, 1e-9);
  return Range{r.lo - span * 0.08, r.hi + span * 0.08};
}

class Frame {
 public:
  Frame(int width, int height, Range y, const ValueFormatter& format)
      : width_(width), height_(height) {
    ticks_ = nice_ticks(y.lo, y.hi);
    y_lo_ = std::min(y.lo, ticks_.front());
    y_hi_ = std::max(y.hi, ticks_.back());
    std::size_t widest = 0;
    for (double t : ticks_) widest = std::max(widest, format(t).size());
    left_ = std::max(kMinLeft, 30 + kCharWidth * static_cast<double>(widest));
  }
  double left() const { return left_; }
  double plot_width() const { return width_ - left_ - kRight; }
  double plot_height() const { return height_ - kTop - kBottom; }
  double y(double v) const { return kTop + (y_hi_ - v) / (y_hi_ - y_lo_) * plot_height(); }
  const std::vector<double>& ticks() const { return ticks_; }

  // Opening tag, title, grid lines, y tick labels and the rotated y axis label.
  std::string begin(const std::string& title, const std::string& y_label,
                    const ValueFormatter& format) const {
    std::string s = fmt::format(
        "<svg viewBox=\"0 0 {} {}\" class=\"chart\" "
        "role=\"img\" aria-label=\"{}\">\n",
        width_, height_, html_escape(title));
    s += fmt::format("<text x=\"{}\" y=\"20\" class=\"chart-title\">{}</text>\n", left_,
                     html_escape(title));
    for (double t : ticks_) {
      const double yy = y(t);
      s += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>\n", left_,
          yy, width_ - kRight, yy);
      s += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" class=\"tick\">{}</text>\n",
          left_ - 6, yy + 4, html_escape(format(t)));
    }
    s += fmt::format(
        "<text transform=\"translate(14 {:.1f}) rotate(-90)\" text-anchor=\"middle\" "
        "class=\"axis-label\">{}</text>\n",
        kTop + plot_height() / 2, html_escape(y_label));
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"frame\"/>\n",
        left_, kTop, plot_width(), plot_height());
    return s;
  }

  // Centre of category i of n.
  double category_x(std::size_t i, std::size_t n) const {
    return left_ + plot_width() * (static_cast<double>(i) + 0.5) / static_cast<double>(n);
  }

  std::string category_labels(const std::vector<std::string>& labels) const {
    std::string s;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      s += fmt::format(
          "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"tick\">{}</text>\n",
          category_x(i, labels.size()), kTop + plot_height() + 18, html_escape(labels[i]));
    }
    return s;
  }

 private:
  int width_;
  int height_;
  std::vector<double> ticks_;
  double left_ = kMinLeft;
  double y_lo_ = 0;
  double y_hi_ = 1;
};

}  // namespace

ChartPoint chart_point(double x, double y, std::optional<double> lower, std::optional<double> upper,
                       bool flagged) {
  ChartPoint p;
  p.x = x;
  p.y = y;
  p.lower = lower;
  p.upper = upper;
  p.flagged = flagged;
  return p;
}

std::string series_color(std::size_t i) {
  // Okabe-Ito, without black (kept for the emphasized series) and yellow (low contrast).
  static const char* const palette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                        "#56B4E9", "#D55E00", "#8C6D31"};
  return palette[i % (sizeof(palette) / sizeof(palette[0]))];
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) {
    const double pad = std::max(std::fabs(lo) * 0.05, 1e-9);
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, target - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  // The nice step nearest to the raw one, so the tick count stays near the target.
  double step = 10 * magnitude;
  if (normalized < 1.5) {
    step = magnitude;
  } else if (normalized < 3) {
    step = 2 * magnitude;
  } else if (normalized < 7) {
    step = 5 * magnitude;
  }
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (int k = 0; k < 50; ++k) {
    // Multiplying (not accumulating) and rounding keep 0.30000000000000004 off the axis.
    const double t = std::round((first + k * step) / step) * step;
    ticks.push_back(t);
    if (t >= hi - step * 1e-9) break;
  }
  return ticks;
}

std::string render_line_chart(const LineChart& chart) {
  const ValueFormatter& format = or_default(chart.format_y);
  Range range;
  for (const ChartSeries& s : chart.series) {
    for (const ChartPoint& p : s.points) {
      range.add(p.y);
      if (p.lower && p.upper) {
        range.add(*p.lower);
        range.add(*p.upper);
      }
    }
  }
  if (chart.reference_line) range.add(*chart.reference_line);
  Range shown = padded(range);
  if (chart.y_min) shown.lo = std::min(shown.lo, *chart.y_min);
  if (chart.y_max) shown.hi = std::max(shown.hi, *chart.y_max);
  const Frame frame(chart.width, chart.height, shown, format);
  const std::size_t n = std::max<std::size_t>(chart.x_labels.size(), 1);

  std::string s = frame.begin(chart.title, chart.y_label, format);
  if (chart.reference_line) {
    const double yy = frame.y(*chart.reference_line);
    s += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"reference\"/>\n",
        frame.left(), yy, chart.width - kRight, yy);
  }
  s += frame.category_labels(chart.x_labels);

  // Series are offset sideways a little so that whiskers of different series at the same
  // x do not hide each other.
  const double slot = frame.plot_width() / static_cast<double>(n);
  const double spread = std::min(slot * 0.3, 6.0 * static_cast<double>(chart.series.size()));
  for (std::size_t si = 0; si < chart.series.size(); ++si) {
    const ChartSeries& series = chart.series[si];
    const std::string color = series.emphasized ? "#222222" : series_color(si);
    const double offset = chart.series.size() < 2
                              ? 0
                              : -spread / 2 + spread * static_cast<double>(si) /
                                                  static_cast<double>(chart.series.size() - 1);
    auto px = [&](const ChartPoint& p) { return frame.left() + slot * (p.x + 0.5) + offset; };
    std::string path;
    for (const ChartPoint& p : series.points) {
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", px(p), frame.y(p.y));
    }
    s += fmt::format("<g class=\"series\" data-series=\"{}\">\n", html_escape(series.name));
    if (!path.empty()) {
      s += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"/>\n", path,
                       color, series.emphasized ? 3 : 1.8);
    }
    for (const ChartPoint& p : series.points) {
      const double x = px(p);
      if (p.lower && p.upper) {
        const double y1 = frame.y(*p.lower);
        const double y2 = frame.y(*p.upper);
        s += fmt::format(
            "<path d=\"M{0:.1f},{1:.1f} L{0:.1f},{2:.1f} M{3:.1f},{1:.1f} L{4:.1f},{1:.1f} "
            "M{3:.1f},{2:.1f} L{4:.1f},{2:.1f}\" stroke=\"{5}\" stroke-width=\"1.4\" "
            "class=\"whisker\"/>\n",
            x, y1, y2, x - 4, x + 4, color);
      }
      s += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" fill=\"{}\"><title>{}: "
          "{}</title></circle>\n",
          x, frame.y(p.y), series.emphasized ? 4.5 : 3.5, color, html_escape(series.name),
          html_escape(format(p.y)));
      if (p.flagged) {
        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"9\" class=\"flagged\"/>\n", x,
                         frame.y(p.y));
      }
    }
    s += "</g>\n";
  }

  // Legend along the bottom edge.
  double lx = frame.left();
  const double ly = chart.height - 10;
  for (std::size_t si = 0; si < chart.series.size(); ++si) {
    const ChartSeries& series = chart.series[si];
    const std::string color = series.emphasized ? "#222222" : series_color(si);
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"4\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">{}</text>\n",
        lx, ly - 5, color, lx + 18, ly, html_escape(series.name));
    lx += 30 + 6.5 * static_cast<double>(series.name.size());
  }
  s += "</svg>\n";
  return s;
}

std::string render_strip_chart(const StripChart& chart) {
  const ValueFormatter& format = or_default(chart.format_y);
  Range range;
  for (const StripGroup& g : chart.groups) {
    for (double v : g.values) range.add(v);
  }
  const Frame frame(chart.width, chart.height, padded(range), format);
  std::string s = frame.begin(chart.title, chart.y_label, format);
  std::vector<std::string> labels;
  for (const StripGroup& g : chart.groups) labels.push_back(g.label);
  s += frame.category_labels(labels);

  const std::size_t n = std::max<std::size_t>(chart.groups.size(), 1);
  const double slot = frame.plot_width() / static_cast<double>(n);
  const double box_half = std::min(slot * 0.3, 40.0);
  for (std::size_t gi = 0; gi < chart.groups.size(); ++gi) {
    const StripGroup& g = chart.groups[gi];
    const double cx = frame.category_x(gi, n);
    const std::string color = series_color(gi);
    s += fmt::format("<g class=\"strip\" data-group=\"{}\">\n", html_escape(g.label));
    if (!g.values.empty()) {
      std::vector<double> sorted = g.values;
      std::sort(sorted.begin(), sorted.end());
      auto q = [&](double p) {
        const double pos = p * static_cast<double>(sorted.size() - 1);
        const auto i = static_cast<std::size_t>(std::floor(pos));
        const double frac = pos - static_cast<double>(i);
        return i + 1 < sorted.size() ? sorted[i] + frac * (sorted[i + 1] - sorted[i]) : sorted[i];
      };
      const double q1 = frame.y(q(0.25));
      const double q3 = frame.y(q(0.75));
      const double med = frame.y(q(0.5));
      s += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" class=\"box\" "
          "stroke=\"{}\"/>\n",
          cx - box_half, q3, 2 * box_half, std::max(q1 - q3, 0.5), color);
      s += fmt::format(
          "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
          "stroke-width=\"2.5\" class=\"median\"><title>median {}</title></line>\n",
          cx - box_half, med, cx + box_half, med, color, html_escape(format(q(0.5))));
      // Deterministic jitter (golden-ratio sequence): the same report gives the same
      // picture, and points spread evenly instead of clumping.
      for (std::size_t i = 0; i < g.values.size(); ++i) {
        const double u = std::fmod(static_cast<double>(i) * 0.6180339887, 1.0) - 0.5;
        s += fmt::format(
            "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.6\" fill=\"{}\" fill-opacity=\"0.6\"/>\n",
            cx + u * box_half * 1.6, frame.y(g.values[i]), color);
      }
    }
    s += "</g>\n";
  }
  s += "</svg>\n";
  return s;
}

std::string render_bar_chart(const BarChart& chart) {
  const ValueFormatter& format = or_default(chart.format_y);
  Range range;
  range.add(0);
  for (double v : chart.values) range.add(v);
  if (chart.y_max) range.add(*chart.y_max);
  Range padded_range = range;
  padded_range.hi = range.hi + (range.hi - range.lo) * 0.12;  // room for value labels
  if (padded_range.hi <= padded_range.lo) padded_range.hi = padded_range.lo + 1;
  const Frame frame(chart.width, chart.height, padded_range, format);
  std::string s = frame.begin(chart.title, chart.y_label, format);
  s += frame.category_labels(chart.labels);
  const std::size_t n = std::max<std::size_t>(chart.values.size(), 1);
  const double slot = frame.plot_width() / static_cast<double>(n);
  const double half = std::min(slot * 0.32, 36.0);
  for (std::size_t i = 0; i < chart.values.size(); ++i) {
    const double cx = frame.category_x(i, n);
    const double top = frame.y(chart.values[i]);
    const double base = frame.y(0);
    s += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\" "
        "class=\"bar\"/>\n",
        cx - half, std::min(top, base), 2 * half, std::fabs(base - top), series_color(0));
    s += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" class=\"bar-value\">{}</text>\n",
        cx, std::min(top, base) - 4, html_escape(format(chart.values[i])));
  }
  s += "</svg>\n";
  return s;
}

}  // namespace pgo::reports

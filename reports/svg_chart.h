// SVG charts for the HTML reports: pure functions from chart data to an <svg> element,
// inlined into one self-contained page (no scripts, no fonts, no network). The elements
// carry no xmlns: HTML5 does not need it for inline SVG, and the page then holds no URL.
//
//   pgo::reports::LineChart c;
//   c.title = "Speedup over v0";
//   c.x_labels = {"v0", "v1"};
//   c.series.push_back({"geomean", {chart_point(0, 1.0), chart_point(1, 1.04, 1.03, 1.05)}, true});
//   c.reference_line = 1.0;
//   std::string svg = pgo::reports::render_line_chart(c);
//
// Three kinds: a line chart over categorical x positions with optional interval whiskers
// and flagged points (convergence, history), a strip plot with a box per group
// (distribution of trial times), and a bar chart (build time, binary size, overlap).
// Every chart has a fixed viewBox and scales to the page width.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pgo::reports {

// Formats a value on an axis or in a label.
using ValueFormatter = std::function<std::string(double)>;

struct ChartPoint {
  double x = 0;  // index into LineChart::x_labels
  double y = 0;
  std::optional<double> lower;  // interval whisker, drawn when both bounds are set
  std::optional<double> upper;
  bool flagged = false;  // drawn as a red ring (history: outside the usual noise)
};

// A point without an interval, or with one.
ChartPoint chart_point(double x, double y, std::optional<double> lower = std::nullopt,
                       std::optional<double> upper = std::nullopt, bool flagged = false);

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;
  bool emphasized = false;  // thicker, dark line (the geomean)
};

struct LineChart {
  std::string title;
  std::string y_label;
  std::vector<std::string> x_labels;
  std::vector<ChartSeries> series;
  std::optional<double> reference_line;  // dashed horizontal line, e.g. speedup 1.0
  std::optional<double> y_min;           // the y axis covers at least [y_min, y_max]
  std::optional<double> y_max;
  ValueFormatter format_y;  // default: 4 significant digits
  int width = 760;
  int height = 340;
};

struct StripGroup {
  std::string label;
  std::vector<double> values;
};

struct StripChart {
  std::string title;
  std::string y_label;
  std::vector<StripGroup> groups;
  ValueFormatter format_y;
  int width = 760;
  int height = 300;
};

struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<std::string> labels;
  std::vector<double> values;
  ValueFormatter format_y;      // also used for the value written above each bar
  std::optional<double> y_max;  // default: from the data
  int width = 370;
  int height = 260;
};

std::string render_line_chart(const LineChart& chart);
std::string render_strip_chart(const StripChart& chart);
std::string render_bar_chart(const BarChart& chart);

// The series colour used for index i (a colour-blind-safe palette, cycling).
std::string series_color(std::size_t i);

// "Nice" axis ticks covering [lo, hi]: 1, 2 or 5 times a power of ten apart, about
// `target` of them. REQUIRES: lo <= hi, target >= 2.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

}  // namespace pgo::reports

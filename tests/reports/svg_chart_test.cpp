// Risks: charts that put points in the wrong place (scales inverted or off the plot),
// axis ticks that are not round numbers, or text that breaks the SVG markup.
#include "reports/svg_chart.h"

#include <catch2/catch.hpp>
#include <regex>

#include "html_check.h"

using namespace pgo::reports;

TEST_CASE("nice ticks are round and cover the range", "[svg_chart]") {
  CHECK(nice_ticks(0.97, 1.06) == std::vector<double>{0.96, 0.98, 1.0, 1.02, 1.04, 1.06});
  CHECK(nice_ticks(0, 7.3) == std::vector<double>{0, 2, 4, 6, 8});
  const auto flat = nice_ticks(5, 5);
  CHECK(flat.front() <= 5);
  CHECK(flat.back() >= 5);
}

TEST_CASE("line chart: higher values are drawn higher, whiskers span the interval", "[svg_chart]") {
  LineChart c;
  c.title = "t";
  c.x_labels = {"v0", "v1"};
  c.series.push_back({"s", {chart_point(0, 1.0), chart_point(1, 1.1, 1.05, 1.15, true)}, false});
  const std::string svg = render_line_chart(c);
  CHECK(pgo::reports::testing::check_balanced_tags(svg).empty());
  std::smatch m;
  std::vector<double> ys;
  std::string rest = svg;
  const std::regex circle("<circle cx=\"[0-9.]+\" cy=\"([0-9.]+)\" r=\"3.5\"");
  while (std::regex_search(rest, m, circle)) {
    ys.push_back(std::stod(m[1]));
    rest = m.suffix();
  }
  REQUIRE(ys.size() == 2);
  CHECK(ys[1] < ys[0]);  // SVG y grows downwards
  CHECK(pgo::reports::testing::count_of(svg, "class=\"whisker\"") == 1);
  CHECK(pgo::reports::testing::count_of(svg, "class=\"flagged\"") == 1);
}

TEST_CASE("strip chart draws every value and a box per group", "[svg_chart]") {
  StripChart c;
  c.title = "a<b";
  c.groups = {{"v0", {1, 2, 3, 4}}, {"v1", {2, 3}}, {"empty", {}}};
  const std::string svg = render_strip_chart(c);
  CHECK(pgo::reports::testing::check_balanced_tags(svg).empty());
  CHECK(pgo::reports::testing::count_of(svg, "fill-opacity=\"0.6\"/>") == 6);
  CHECK(pgo::reports::testing::count_of(svg, "class=\"box\"") == 2);
  CHECK_THAT(svg, Catch::Contains("a&lt;b"));
}

TEST_CASE("bar chart bars grow from zero", "[svg_chart]") {
  BarChart c;
  c.labels = {"a", "b"};
  c.values = {1, 2};
  const std::string svg = render_bar_chart(c);
  std::regex bar("<rect x=\"[0-9.]+\" y=\"([0-9.]+)\" width=\"[0-9.]+\" height=\"([0-9.]+)\" fill");
  std::vector<double> heights;
  std::string rest = svg;
  std::smatch m;
  while (std::regex_search(rest, m, bar)) {
    heights.push_back(std::stod(m[2]));
    rest = m.suffix();
  }
  REQUIRE(heights.size() == 2);
  CHECK(heights[1] == Approx(2 * heights[0]).epsilon(0.02));
}

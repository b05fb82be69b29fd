// Risks: report.html that a browser cannot render as intended (unbalanced tags), that
// loads something from the network, that misses one of the charts the issue asks for, or
// that lets report text (workload names, errors) inject markup.
#include "reports/html_report.h"

#include <catch2/catch.hpp>

#include "html_check.h"
#include "sample_run_report.h"

using namespace pgo::reports::testing;

TEST_CASE("report.html is well formed and self-contained", "[html_report]") {
  const std::string html = pgo::reports::render_html_report(make_sample_report());
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(check_balanced_tags(html).empty());
  CHECK(external_references(html).empty());
}

TEST_CASE("report.html holds every chart and section", "[html_report]") {
  const std::string html = pgo::reports::render_html_report(make_sample_report());
  // convergence + 2 distributions + build time + binary size + overlap
  CHECK(count_of(html, "<svg ") == 6);
  CHECK_THAT(html, Catch::Contains("Speedup over pgo=off per iteration"));
  CHECK_THAT(html, Catch::Contains("data-series=\"geomean\""));
  CHECK_THAT(html, Catch::Contains("data-series=\"parse\""));
  CHECK(count_of(html, "class=\"whisker\"") == 6);   // 2 workloads + geomean, 2 iterations each
  CHECK(count_of(html, "<g class=\"strip\"") == 6);  // 2 workloads x 3 builds
  CHECK(count_of(html, "class=\"bar\"") == 6);       // build time and size x 3 builds
  CHECK_THAT(html, Catch::Contains("Hot call edges shared with the previous"));
  CHECK_THAT(html, Catch::Contains("<h2>Environment</h2>"));
  CHECK_THAT(html, Catch::Contains("Test CPU @ 2.0GHz"));
  CHECK_THAT(html, Catch::Contains("<h2>Scenario</h2>"));
  CHECK_THAT(html, Catch::Contains("verdict-converged"));
  CHECK_THAT(html, Catch::Contains("1.056x"));
}

TEST_CASE("report text is escaped", "[html_report]") {
  auto r = make_sample_report();
  r.scenario_name = "<script>alert(1)</script>";
  r.trials[0].workload = "a&b<c>";
  r.warnings.push_back("<img src=x>");
  const std::string html = pgo::reports::render_html_report(r);
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK_THAT(html, Catch::Contains("a&amp;b&lt;c&gt;"));
  CHECK(check_balanced_tags(html).empty());
}

TEST_CASE("a partial report renders without charts it has no data for", "[html_report]") {
  pgo::harness::RunReport r;
  r.scenario_name = "interp";
  r.status = pgo::harness::RunStatus::kInterrupted;
  r.error = "interrupted by SIGTERM";
  const std::string html = pgo::reports::render_html_report(r);
  CHECK(check_balanced_tags(html).empty());
  CHECK(count_of(html, "<svg ") == 0);
  CHECK_THAT(html, Catch::Contains("Run interrupted: interrupted by SIGTERM"));
}

TEST_CASE("report.html does not present shared-cache build times as a PGO cost", "[html_report]") {
  // Risk: the build-time card showing a ratio that measures the Go cache, not PGO.
  auto r = make_sample_report();
  const std::string comparable = pgo::reports::render_html_report(r);
  CHECK_THAT(comparable, !Catch::Contains("not comparable"));
  r.analysis.build_times_comparable = false;
  const std::string html = pgo::reports::render_html_report(r);
  CHECK_THAT(html, Catch::Contains("not comparable (shared Go build cache)"));
  CHECK_THAT(html, Catch::Contains("<p class=\"note\">Build times not comparable"));
  CHECK_THAT(html, !Catch::Contains("+40.0%"));
  CHECK(check_balanced_tags(html).empty());
}

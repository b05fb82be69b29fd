// Risks: a nightly series where a real drop in PGO gain or a slowdown goes unflagged, or
// where ordinary night-to-night noise raises flags.
#include "reports/history.h"

#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "go/go_bench_format.h"
#include "html_check.h"
#include "base/error.h"
#include "reports/benchfmt_history.h"
#include "reports/history_json.h"
#include "reports/json_schema.h"
#include "sample_run_report.h"

using namespace pgo::reports;
using pgo::reports::testing::make_sample_report;

namespace {

HistoryPoint point(double v, double half) { return {v, v - half, v + half, "v2", ""}; }

std::vector<HistoryInput> nightly(const std::vector<double>& pgo_scales) {
  std::vector<HistoryInput> in;
  for (std::size_t i = 0; i < pgo_scales.size(); ++i) {
    auto r = make_sample_report();
    r.started_at = "2026-11-" + std::to_string(10 + i) + "T05:00:00Z";
    // The analysis is what history reads for speedups: scale it like the loop would.
    for (auto& g : r.analysis.geomean) {
      *g.speedup /= pgo_scales[i];
      *g.ci_lower /= pgo_scales[i];
      *g.ci_upper /= pgo_scales[i];
    }
    in.push_back({"night-" + std::to_string(i) + "/report.json", r});
  }
  return in;
}

}  // namespace

TEST_CASE("flag rule: outside the band of earlier intervals", "[history]") {
  HistorySeries s{"pgo_speedup", "geomean", "", "x", true, {}};
  for (double v : {1.050, 1.048, 1.053, 1.049, 1.051}) s.points.push_back(point(v, 0.01));
  s.points.push_back(point(1.010, 0.01));  // interval [1.00, 1.02] below band [1.04, 1.06]
  s.points.push_back(point(1.045, 0.01));  // overlaps the band: not flagged
  s.points.push_back(point(1.090, 0.01));  // [1.08, 1.10] above the band
  flag_outliers(s, {});
  for (std::size_t i = 0; i < 5; ++i) CHECK(s.points[i].flag.empty());
  CHECK(s.points[5].flag == "regression");
  CHECK(s.points[6].flag.empty());
  CHECK(s.points[7].flag == "improvement");
}

TEST_CASE("flag rule: times regress upwards, and no flag without enough history", "[history]") {
  HistorySeries s{"time", "parse", "v0", "s", false, {}};
  s.points = {point(1.0, 0.01), point(1.2, 0.01)};
  flag_outliers(s, {});
  CHECK(s.points[1].flag.empty());  // only one earlier point
  s.points = {point(1.0, 0.01), point(1.0, 0.01), point(1.0, 0.01), point(1.2, 0.01),
              point(0.8, 0.01)};
  flag_outliers(s, {});
  CHECK(s.points[3].flag == "regression");
  CHECK(s.points[4].flag == "improvement");
}

TEST_CASE("history over nightly reports flags the night PGO stopped helping", "[history]") {
  const auto h = build_history(nightly({1.0, 1.0, 1.0, 1.0, 1.04}), {});
  CHECK(h.labels.size() == 5);
  CHECK(h.labels[0] == "2026-11-10T05:00");
  REQUIRE(h.series.front().workload == "geomean");
  CHECK(h.series.front().points.back().flag == "regression");
  CHECK(h.latest_regressed());
  const std::string text = render_history_text(h);
  CHECK_THAT(text, Catch::Contains("flagged: PGO speedup geomean at 2026-11-14T05:00: regression"));
  const std::string md = render_history_markdown(h);
  CHECK_THAT(md, Catch::Contains("**1.015x (!) regression**"));
  const std::string html = render_history_html(h);
  CHECK(pgo::reports::testing::check_balanced_tags(html).empty());
  CHECK(pgo::reports::testing::external_references(html).empty());
  CHECK(pgo::reports::testing::count_of(html, "class=\"flagged\"") == 1);
}

TEST_CASE("history of a steady series flags nothing", "[history]") {
  const auto h = build_history(nightly({1.0, 1.001, 0.999, 1.0, 1.002, 0.998}), {});
  CHECK_FALSE(h.latest_regressed());
  for (const auto& s : h.series) {
    for (const auto& p : s.points) CHECK(p.flag.empty());
  }
  // Series: geomean, 2 workload speedups, 2 workloads x (v0, final) times.
  CHECK(h.series.size() == 7);
  CHECK_THROWS_AS(build_history({}, {}), pgo::Error);
}

TEST_CASE("history JSON matches its schema and carries every point", "[history][schema]") {
  // Risk: a nightly job reading `history --format json` meets fields that are not in
  // reports/history.schema.json, or a flag that the text view shows but the JSON loses.
  const auto h = build_history(nightly({1.0, 1.0, 1.0, 1.0, 1.04}), {});
  const nlohmann::json j = history_to_json(h);
  const auto schema =
      JsonSchema::load(std::string(PGO_SOURCE_DIR) + "/reports/history.schema.json");
  CHECK(schema.validate(j) == std::vector<std::string>{});
  CHECK(j["schema_version"] == kHistorySchemaVersion);
  CHECK(j["latest_regressed"] == h.latest_regressed());
  REQUIRE(j["series"].size() == h.series.size());
  for (std::size_t i = 0; i < h.series.size(); ++i) {
    CHECK(j["series"][i]["name"] == h.series[i].name());
    REQUIRE(j["series"][i]["points"].size() == h.series[i].points.size());
    const auto& last = h.series[i].points.back();
    const auto& jlast = j["series"][i]["points"].back();
    CHECK(jlast["flag"] ==
          (last.flag.empty() ? nlohmann::json(nullptr) : nlohmann::json(last.flag)));
    CHECK(jlast["label"] == h.labels.back());
  }
  // The schema is strict: an unknown flag word is a problem.
  nlohmann::json bad = j;
  bad["series"][0]["points"][0]["flag"] = "worse";
  CHECK_FALSE(schema.validate(bad).empty());
}

TEST_CASE("history sorts reports by start time, oldest first, whatever the given order",
          "[history]") {
  auto in = nightly({1.0, 1.0, 1.0, 1.0, 1.04});  // the last night regressed
  std::vector<HistoryInput> shuffled = {in[3], in[4], in[0], in[2], in[1]};
  const auto h = build_history(shuffled, {});
  CHECK(h.labels == std::vector<std::string>{"2026-11-10T05:00", "2026-11-11T05:00",
                                             "2026-11-12T05:00", "2026-11-13T05:00",
                                             "2026-11-14T05:00"});
  CHECK(h.files.front() == "night-0/report.json");
  CHECK(h.latest_regressed());  // the newest report is the regressed one, not the last given
  CHECK(std::find(h.warnings.begin(), h.warnings.end(),
                  "reports given out of order: sorted by start time, oldest first") !=
        h.warnings.end());
  CHECK(build_history(in, {}).warnings.empty());
}

TEST_CASE("history refuses reports of different scenarios unless allowed", "[history]") {
  auto in = nightly({1.0, 1.0, 1.0});
  in[1].report.scenario_name = "other";
  try {
    build_history(in, {});
    FAIL("mixed scenarios accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.file() == "night-1/report.json");
    CHECK_THAT(e.what(), Catch::Contains("is from scenario \"other\""));
    CHECK_THAT(e.what(), Catch::Contains("--allow-different-scenarios"));
  }
  HistoryOptions allow;
  allow.allow_different_scenarios = true;
  const auto h = build_history(in, allow);
  REQUIRE(h.warnings.size() == 1);
  CHECK_THAT(h.warnings[0], Catch::Contains("night-1/report.json is from scenario \"other\""));
}

TEST_CASE("history labels name each report's source revision, so a flag points at a commit",
          "[history]") {
  auto in = nightly({1.0, 1.0, 1.0, 1.0, 1.04});
  in[3].report.source_revision = "0123456789abcdef0123456789abcdef01234567";
  in[4].report.source_revision = "fedcba9876543210fedcba9876543210fedcba98";
  in[4].report.source_dirty = true;
  const auto h = build_history(in, {});
  CHECK(h.labels[0] == "2026-11-10T05:00");
  CHECK(h.labels[3] == "2026-11-13T05:00 @01234567");
  CHECK(h.labels[4] == "2026-11-14T05:00 @fedcba98+dirty");
  CHECK_THAT(render_history_text(h), Catch::Contains("@fedcba98+dirty"));
}

TEST_CASE("history of go test -bench files flags the night a benchmark slowed", "[history]") {
  // Risk: nightly `go test -bench` outputs (the format Go teams keep) cannot be trended, or
  // a benchmark that got 10% slower goes unflagged while the others stay put.
  std::vector<BenchfmtHistoryInput> in;
  for (int night = 0; night < 5; ++night) {
    std::string text = "pkg: example.com/x\n";
    for (int run = 0; run < 8; ++run) {
      const double noise = 1 + 0.002 * ((run * 5 + night * 3) % 7 - 3);
      const double parse = 1000 * noise * (night == 4 ? 1.10 : 1.0);
      text += fmt::format("BenchmarkParse-2 100 {} ns/op 64 B/op\n", parse);
      text += fmt::format("BenchmarkRoute-2 100 {} MB/s\n", 20 * noise);
    }
    in.push_back(
        {"night-" + std::to_string(night) + ".txt", pgo::harness::parse_go_bench_output(text)});
  }
  const History h = build_benchfmt_history(in, {});
  CHECK(h.scenario_name == "example.com/x");
  CHECK(h.labels.back() == "night-4.txt");
  REQUIRE(h.series.size() == 3);  // Parse ns/op, Parse B/op, Route MB/s
  const HistorySeries& parse = h.series[0];
  CHECK(parse.name() == "Parse-2 ns/op");
  CHECK(parse.points.back().flag == "regression");
  CHECK(parse.points[3].flag.empty());
  CHECK(h.series[2].higher_is_better);
  CHECK(h.series[2].points.back().flag.empty());
  CHECK(h.latest_regressed());
  const auto schema =
      JsonSchema::load(std::string(PGO_SOURCE_DIR) + "/reports/history.schema.json");
  CHECK(schema.validate(history_to_json(h)) == std::vector<std::string>{});
  CHECK_THAT(render_history_html(h), Catch::Contains("Parse-2 ns/op: median per run"));
  // A file without any result line is refused by name.
  in.push_back({"notes.txt", pgo::harness::parse_go_bench_output("just text\n")});
  CHECK_THROWS_WITH(build_benchfmt_history(in, {}), Catch::Contains("notes.txt"));
}

// Guards against the stats report losing or mislabelling figures, against JSON that does
// not parse or changes shape silently (schema name, field names, nulls), and against
// nondeterministic output.
#include "cli/merge_stats_output.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using pgo::cli::render_stats_json;
using pgo::cli::render_stats_text;

namespace {

pgo::merge::MergeStats sample_stats() {
  pgo::merge::ProfileStats in;
  in.name = "a.pprof";
  in.samples = 12;
  in.pgo_sample_type = "samples/count";
  in.total_pgo_weight = 40;
  in.call_edges = 3;
  in.total_edge_weight = 20;
  in.hot_edges = 2;
  in.hot_callees = 2;
  in.encoded_bytes = 1234;
  in.top_hot_edges.push_back({{"main.main", "main.foo", 5, 15}, 0.75, 75.0, 75.0});
  pgo::merge::ProfileStats bad;
  bad.name = "old.pprof";
  bad.samples = 1;
  bad.pgo_problem = "profile missing Function.start_line data";
  pgo::merge::MergeStats s;
  s.top_n = 1;
  s.inputs = {in, bad};
  s.output = in;
  s.output->name = "out.pgo";
  s.trim = pgo::merge::TrimSize{1000, 250};
  return s;
}

}  // namespace

TEST_CASE("text report shows every figure, problems and the trim reduction") {
  const std::string text = render_stats_text(sample_stats());
  CHECK_THAT(text, Catch::Contains("== input a.pprof"));
  CHECK_THAT(text, Catch::Contains("== output out.pgo"));
  CHECK_THAT(text, Catch::Contains("samples            12"));
  CHECK_THAT(text, Catch::Contains("pgo sample type    samples/count"));
  CHECK_THAT(text, Catch::Contains("call edges         3 (total weight 20)"));
  CHECK_THAT(text, Catch::Contains("hot edges (99%)    2"));
  CHECK_THAT(text, Catch::Contains("size               1234 bytes"));
  CHECK_THAT(text, Catch::Contains(" 75.00%  75.00%           15  main.main -> main.foo (+5)"));
  CHECK_THAT(text, Catch::Contains("would fail: profile missing Function.start_line data"));
  CHECK_THAT(text, Catch::Contains("== trim: 1000 -> 250 bytes (75.0% smaller)"));
  CHECK(render_stats_text(sample_stats()) == text);
}

TEST_CASE("JSON report has the documented shape") {
  const std::string text = render_stats_json(sample_stats());
  const auto j = nlohmann::json::parse(text);
  CHECK(j["schema"] == "pgo-merge-stats/1");
  CHECK(j["top_n"] == 1);
  REQUIRE(j["inputs"].size() == 2);
  const auto& a = j["inputs"][0];
  CHECK(a["name"] == "a.pprof");
  CHECK(a["samples"] == 12);
  CHECK(a["total_pgo_weight"] == 40);
  CHECK(a["call_edges"] == 3);
  CHECK(a["hot_edges"] == 2);
  CHECK(a["hot_callees"] == 2);
  CHECK(a["bytes"] == 1234);
  CHECK(a["pgo_problem"].is_null());
  CHECK(a["top_hot_edges"][0]["caller"] == "main.main");
  CHECK(a["top_hot_edges"][0]["offset"] == 5);
  CHECK(a["top_hot_edges"][0]["share_percent"] == 75.0);
  CHECK(j["inputs"][1]["pgo_problem"] == "profile missing Function.start_line data");
  CHECK(j["inputs"][1]["bytes"].is_null());
  CHECK(j["output"]["name"] == "out.pgo");
  CHECK(j["trim"]["bytes_before"] == 1000);
  CHECK(j["trim"]["bytes_after"] == 250);
  CHECK(j["trim"]["reduction_percent"] == 75.0);
  CHECK(render_stats_json(sample_stats()) == text);

  pgo::merge::MergeStats empty;
  const auto e = nlohmann::json::parse(render_stats_json(empty));
  CHECK(e["output"].is_null());
  CHECK(e["trim"].is_null());
  CHECK(e["inputs"].empty());
}

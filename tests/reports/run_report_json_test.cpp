// Risks: report.json losing or renaming a field on the way out or back in (resume and
// compare read it), a reader that accepts a damaged or wrong-version report silently or
// fails without saying where, and the JSON shape drifting without anyone noticing.
#include "reports/run_report_json.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "base/error.h"
#include "golden_file.h"
#include "reports/json_schema.h"
#include "reports/markdown_report.h"
#include "sample_run_report.h"

using nlohmann::json;
using pgo::reports::testing::make_sample_report;

namespace {

std::string error_of(const json& j) {
  try {
    pgo::reports::run_report_from_json(j, "runs/x/report.json");
  } catch (const pgo::Error& e) {
    return e.what();
  }
  return "";
}

// Timings and timestamps replaced by placeholders: what remains is the shape.
json mask(const json& j, const std::string& key = "") {
  if (j.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : j.items()) out[k] = mask(v, k);
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (const auto& v : j) out.push_back(mask(v, key));
    return out;
  }
  if (j.is_number_float()) return "<number>";
  if (j.is_string() && key.size() > 3 && key.compare(key.size() - 3, 3, "_at") == 0) {
    return "<timestamp>";
  }
  return j;
}

}  // namespace

TEST_CASE("run report round trip keeps every field", "[run_report_json]") {
  const auto report = make_sample_report();
  const json first = pgo::reports::to_json(report);
  const auto back = pgo::reports::run_report_from_json(first, "report.json");
  CHECK(pgo::reports::to_json(back) == first);
  CHECK(back.builds.size() == 3);
  CHECK(back.profiles[1].overlap_with_previous.has_value());
  CHECK_FALSE(back.profiles[0].overlap_with_previous.has_value());
  CHECK(back.analysis.verdict.converged_at == 1);
  CHECK(back.trials[0].values == report.trials[0].values);
  CHECK(back.trial_seed == 42);
}

TEST_CASE("scenario and options are typed: written canonically, read back, checked",
          "[run_report_json]") {
  const auto report = make_sample_report();
  const json j = pgo::reports::to_json(report);
  // The scenario as its hash sees it, the options with what the run made of them.
  CHECK(j["scenario"] == pgo::harness::to_json(*report.scenario));
  CHECK(j["options"]["iterations"] == 2);
  CHECK(j["options"]["effective"]["iterations"] == 2);
  CHECK(j["options"]["effective"]["trials"]["seed"] == 42);
  CHECK(j["options"]["build_cache"] == "fresh");
  const auto back = pgo::reports::run_report_from_json(j, "report.json");
  REQUIRE(back.scenario);
  CHECK(back.scenario->path == report.scenario_path);
  CHECK(pgo::harness::scenario_hash(*back.scenario) ==
        pgo::harness::scenario_hash(*report.scenario));
  CHECK(back.scenario->workloads == report.scenario->workloads);
  REQUIRE(back.options);
  CHECK(back.options->given.iterations == 2);
  CHECK(back.options->effective_trials.seed == 42);

  // Not recorded: {} both ways.
  auto bare = report;
  bare.scenario.reset();
  bare.options.reset();
  const json empty = pgo::reports::to_json(bare);
  CHECK(empty["scenario"] == json::object());
  CHECK(empty["options"] == json::object());
  const auto bare_back = pgo::reports::run_report_from_json(empty, "report.json");
  CHECK_FALSE(bare_back.scenario);
  CHECK_FALSE(bare_back.options);

  // Options of older reports: fewer keys, no "effective".
  json older = j;
  older["options"] = {{"iterations", 3}, {"quick", true}};
  const auto old = pgo::reports::run_report_from_json(older, "report.json");
  REQUIRE(old.options);
  CHECK(old.options->given.iterations == 3);
  CHECK(old.options->given.quick);
  CHECK(old.options->given.build_cache == pgo::harness::BuildCache::kFresh);

  // Problems inside either name their path in the report.
  json bad = j;
  bad["scenario"]["workloads"][1]["kind"] = "gotset";
  bad["options"]["build_cache"] = "cold";
  bad["options"]["effective"]["trials"]["runs"] = 1;
  const std::string e = error_of(bad);
  CHECK_THAT(e, Catch::Contains("scenario.workloads[1].kind: \"gotset\" is not one of"));
  CHECK_THAT(e, Catch::Contains("options.build_cache: unknown build cache \"cold\""));
  CHECK_THAT(e, Catch::Contains("options.effective.trials.runs: 1 is out of range 2..10000"));
}

TEST_CASE("run report round trip through a file", "[run_report_json]") {
  const auto dir = std::filesystem::temp_directory_path() / "pgo_reports_roundtrip";
  std::filesystem::create_directories(dir);
  const auto report = make_sample_report();
  pgo::reports::write_run_report(report, (dir / "report.json").string());
  // A run directory stands for its report.json.
  const auto back = pgo::reports::read_run_report(dir.string());
  CHECK(pgo::reports::run_report_to_string(back) == pgo::reports::run_report_to_string(report));
  std::filesystem::remove_all(dir);
}

TEST_CASE("report.json shape matches the golden file (timings masked)", "[run_report_json]") {
  const std::string actual = mask(pgo::reports::to_json(make_sample_report())).dump(2) + "\n";
  CHECK(actual == pgo::reports::testing::golden("report.shape.json", actual));
}

TEST_CASE("wrong schema version is refused with a hint", "[run_report_json]") {
  json j = pgo::reports::to_json(make_sample_report());
  j["schema_version"] = 2;
  const std::string e = error_of(j);
  CHECK_THAT(e, Catch::Contains("runs/x/report.json"));
  CHECK_THAT(e, Catch::Contains("schema_version: 2 is not supported"));
  CHECK_THAT(e, Catch::Contains("pgo-harness version that wrote"));
}

TEST_CASE("bad reports name the JSON path of the problem", "[run_report_json]") {
  json j = pgo::reports::to_json(make_sample_report());
  SECTION("missing field") {
    j["builds"][1].erase("binary_size_bytes");
    CHECK_THAT(error_of(j),
               Catch::Contains("builds[1].binary_size_bytes: required field is missing"));
  }
  SECTION("wrong type") {
    j["trials"][2]["values"][3] = "fast";
    CHECK_THAT(error_of(j),
               Catch::Contains("trials[2].values[3]: expected a number, got string \"fast\""));
  }
  SECTION("unknown status") {
    j["status"] = "done";
    CHECK_THAT(error_of(j),
               Catch::Contains("report.json: report: status: unknown status \"done\""));
  }
  SECTION("nested optional of the wrong type") {
    j["analysis"]["workloads"][0]["iterations"][1]["vs_previous"]["p_value"] = true;
    CHECK_THAT(error_of(j),
               Catch::Contains(
                   "analysis.workloads[0].iterations[1].vs_previous.p_value: expected a number"));
  }
  SECTION("not an object") {
    CHECK_THAT(error_of(json::array()), Catch::Contains("(root): expected an object"));
  }
}

TEST_CASE("unknown keys are ignored: later additions keep the version", "[run_report_json]") {
  json j = pgo::reports::to_json(make_sample_report());
  j["added_later"] = {{"x", 1}};
  j["builds"][0]["cgo"] = false;
  CHECK(error_of(j).empty());
}

TEST_CASE("truncated report.json is a clear error", "[run_report_json]") {
  const std::string text = pgo::reports::run_report_to_string(make_sample_report());
  CHECK_THROWS_WITH(pgo::reports::parse_run_report(text.substr(0, text.size() / 2), "r.json"),
                    Catch::Contains("r.json: report: not valid JSON"));
  CHECK_THROWS_WITH(pgo::reports::read_run_report("/nonexistent/report.json"),
                    Catch::Contains("/nonexistent/report.json"));
}

TEST_CASE("every report written validates against the schema", "[run_report_json][schema]") {
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  auto check = [&](const pgo::harness::RunReport& r) {
    const auto problems = schema.validate(pgo::reports::to_json(r));
    INFO((problems.empty() ? "" : problems.front()));
    CHECK(problems.empty());
  };
  SECTION("complete") { check(make_sample_report()); }
  SECTION("just started: nothing but the header") {
    pgo::harness::RunReport r;
    r.scenario_name = "interp";
    check(r);
  }
  SECTION("failed in a phase") {
    auto r = make_sample_report();
    r.status = pgo::harness::RunStatus::kFailed;
    r.error = "build v2: go build failed";
    r.phases.back() = {
        "build v2",       pgo::harness::PhaseStatus::kFailed, "2026-11-24T05:01:50Z", 3.0, 2.9,
        "go build failed"};
    r.analysis = {};
    check(r);
  }
}

TEST_CASE("the schema catches drift between model and JSON", "[run_report_json][schema]") {
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  json j = pgo::reports::to_json(make_sample_report());
  j["builds"][0]["renamed_field"] = 1;
  j["trials"][0]["metric"] = "furlongs";
  j["profiles"][0]["merged_sha256"] = "xyz";
  j.erase("warnings");
  const auto problems = schema.validate(j);
  auto has = [&](const std::string& text) {
    for (const auto& p : problems) {
      if (p.find(text) != std::string::npos) return true;
    }
    return false;
  };
  CHECK(has("builds[0].renamed_field: field not allowed"));
  CHECK(has("trials[0].metric: \"furlongs\" is not one of"));
  CHECK(has("profiles[0].merged_sha256: \"xyz\" does not match"));
  CHECK(has("(root): missing required field \"warnings\""));
}

TEST_CASE("build_times_comparable survives the round trip, older reports read as true",
          "[run_report_json]") {
  // Risk: compare and report losing the fact that build times came from the shared cache,
  // or refusing reports written before the field existed.
  auto r = make_sample_report();
  r.analysis.build_times_comparable = false;
  json j = pgo::reports::to_json(r);
  CHECK(j["analysis"]["build_times_comparable"] == false);
  CHECK_FALSE(pgo::reports::run_report_from_json(j, "r.json").analysis.build_times_comparable);
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  CHECK(schema.validate(j).empty());
  j["analysis"]["build_times_comparable"] = "no";
  CHECK_FALSE(schema.validate(j).empty());
  CHECK_THAT(error_of(j),
             Catch::Contains("analysis.build_times_comparable: expected true or false"));
  j["analysis"].erase("build_times_comparable");
  CHECK(schema.validate(j).empty());
  CHECK(pgo::reports::run_report_from_json(j, "r.json").analysis.build_times_comparable);
}

TEST_CASE("a build's profile staleness round trips and validates", "[run_report_json][schema]") {
  auto report = make_sample_report();
  pgo::harness::StalenessRecord s;
  s.function_names_from = "gopclntab";
  s.total_share = 0.25;
  s.hot_share = 0.4;
  s.missing_functions = 2;
  s.hottest_missing = {{"main.oldEval", 40}, {"main.gone", 2}};
  report.builds[1].staleness = s;
  const json j = pgo::reports::to_json(report);
  const auto back = pgo::reports::run_report_from_json(j, "report.json");
  REQUIRE(back.builds[1].staleness);
  CHECK(back.builds[1].staleness->hottest_missing[0].name == "main.oldEval");
  CHECK(back.builds[1].staleness->hot_share == 0.4);
  CHECK_FALSE(back.builds[0].staleness);
  CHECK(pgo::reports::to_json(back) == j);
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  const auto problems = schema.validate(j);
  INFO((problems.empty() ? "" : problems.front()));
  CHECK(problems.empty());
}

TEST_CASE("the source revision round trips, validates and is absent when unknown",
          "[run_report_json][schema]") {
  auto report = make_sample_report();
  CHECK_FALSE(pgo::reports::to_json(report).contains("source"));
  report.source_revision = "0123456789abcdef0123456789abcdef01234567";
  report.source_dirty = true;
  const json j = pgo::reports::to_json(report);
  CHECK(j["source"]["revision"] == report.source_revision);
  CHECK(j["source"]["dirty"] == true);
  const auto back = pgo::reports::run_report_from_json(j, "report.json");
  CHECK(back.source_revision == report.source_revision);
  CHECK(back.source_dirty);
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  CHECK(schema.validate(j).empty());
  CHECK_THAT(
      pgo::reports::render_markdown_report(back),
      Catch::Contains("| Source | `0123456789abcdef0123456789abcdef01234567` (dirty tree) |"));
}

TEST_CASE("counting fields survive the round trip and validate, older reports read as u-test",
          "[run_report_json][counting]") {
  // Risk: the counts, spread and run settings of a counting run lost when compare or
  // report reads report.json back, or reports written before them refused.
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  auto r = make_sample_report();
  auto& t = r.trials[0];
  t.metric = "cycles_estimate";
  t.unit = "cycles";
  t.spread = 0.0003;
  t.deterministic = true;
  t.counts["instructions"] = {5.1e8, 5.1001e8};
  t.run_settings = {{"GOMAXPROCS", "1"}, {"GOGC", "off"}};
  r.analysis.workloads[0].iterations[0].vs_off.method =
      pgo::harness::ComparisonMethod::kCountSpread;
  const json j = pgo::reports::to_json(r);
  CHECK(schema.validate(j).empty());
  const auto back = pgo::reports::run_report_from_json(j, "r.json");
  CHECK(back.trials[0].spread == 0.0003);
  CHECK(back.trials[0].deterministic == true);
  CHECK(back.trials[0].counts.at("instructions")[1] == 5.1001e8);
  CHECK(back.trials[0].run_settings.at("GOGC") == "off");
  CHECK_FALSE(back.trials[1].spread);
  CHECK(back.analysis.workloads[0].iterations[0].vs_off.method ==
        pgo::harness::ComparisonMethod::kCountSpread);

  json old = j;
  old["analysis"]["workloads"][0]["iterations"][0]["vs_off"].erase("method");
  CHECK(schema.validate(old).empty());
  CHECK(pgo::reports::run_report_from_json(old, "r.json")
            .analysis.workloads[0]
            .iterations[0]
            .vs_off.method == pgo::harness::ComparisonMethod::kUTest);
}

TEST_CASE("the environment: one typed shape, and the older shape still reads",
          "[run_report_json]") {
  auto report = make_sample_report();
  report.environment.aslr = 2;
  report.environment.load_average_1m = 0.5;
  report.environment.load_average_5m = 0.25;
  report.environment.load_average_15m = 0.125;
  report.environment.kernel = "Linux 6.1.0";
  const json j = pgo::reports::to_json(report);
  CHECK(j["environment"] == pgo::reports::environment_to_json(report.environment));
  CHECK(j["environment"]["load_average"] == json::array({0.5, 0.25, 0.125}));
  const auto back = pgo::reports::run_report_from_json(j, "report.json");
  CHECK(back.environment.aslr == 2);
  CHECK(back.environment.load_average_15m == 0.125);
  CHECK(back.environment.kernel == "Linux 6.1.0");

  // As the run loop wrote it before the model was typed: separate load averages.
  json older = j;
  older["environment"] = {{"cpu_model", "Old CPU"},
                          {"logical_cores", 8},
                          {"governor", "performance"},
                          {"aslr", nullptr},
                          {"load_average_1m", 1.5},
                          {"load_average_5m", nullptr},
                          {"load_average_15m", 0.75},
                          {"kernel", "Linux 5.10"},
                          {"hostname", "h"},
                          {"harness_version", "0.0.9"},
                          {"date", "2026-01-01T00:00:00Z"}};
  const auto old = pgo::reports::run_report_from_json(older, "report.json");
  CHECK(old.environment.cpu_model == "Old CPU");
  CHECK(old.environment.logical_cores == 8);
  CHECK_FALSE(old.environment.aslr);
  CHECK(old.environment.load_average_1m == 1.5);
  CHECK_FALSE(old.environment.load_average_5m);
  CHECK(old.environment.load_average_15m == 0.75);
  CHECK(old.environment.harness_version == "0.0.9");

  // A key present with the wrong type names its path.
  json bad = j;
  bad["environment"]["logical_cores"] = "eight";
  CHECK_THAT(error_of(bad), Catch::Contains("environment.logical_cores: expected an integer"));
  bad = j;
  bad["environment"]["load_average"] = json::array({1.0});
  CHECK_THAT(error_of(bad), Catch::Contains("environment.load_average: expected 3 numbers"));
}

TEST_CASE("per-benchmark results round trip and validate, older reports read without them",
          "[run_report_json][schema]") {
  pgo::reports::testing::SampleOptions o;
  o.per_benchmark = true;
  const auto report = make_sample_report(o);
  const json first = pgo::reports::to_json(report);
  const auto& series = first["trials"][3];  // BenchmarkEval@v0
  REQUIRE(series["workload"] == "BenchmarkEval");
  CHECK(series["benchmarks"]["BenchmarkEval/mul"]["MB/s"].size() == 12);
  CHECK(first["analysis"]["workloads"][1]["benchmarks"][0]["iterations"][0]["vs_off"]["verdict"] ==
        "slower");
  CHECK(first["trials"][0].contains("benchmarks") == false);  // command workload: absent
  CHECK(first["analysis"]["workloads"][0].contains("benchmarks") == false);

  const auto back = pgo::reports::run_report_from_json(first, "report.json");
  CHECK(pgo::reports::to_json(back) == first);
  CHECK(back.trials[3].benchmarks == report.trials[3].benchmarks);
  REQUIRE(back.analysis.workloads[1].benchmarks.size() == 2);
  const auto& it = back.analysis.workloads[1].benchmarks[1].iterations[1];
  CHECK(it.vs_previous.has_value());
  CHECK(*it.unit_ratios_vs_off.at("B/op") == Approx(1.25));

  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  CHECK(schema.validate(first).empty());
  json bad = first;
  bad["trials"][3]["benchmarks"]["BenchmarkEval/add"]["ns/op"][0] = "fast";
  bad["analysis"]["workloads"][1]["benchmarks"][0]["iterations"][0].erase("unit_ratios_vs_off");
  CHECK(schema.validate(bad).size() == 2);
  CHECK_THAT(error_of(bad),
             Catch::Contains("trials[3].benchmarks.BenchmarkEval/add.ns/op[0]: expected a number"));

  // A report written before per-benchmark results: no keys, reads and renders.
  json old = first;
  for (auto& t : old["trials"]) t.erase("benchmarks");
  for (auto& w : old["analysis"]["workloads"]) w.erase("benchmarks");
  const auto older = pgo::reports::run_report_from_json(old, "report.json");
  CHECK(older.trials[3].benchmarks.empty());
  CHECK(older.analysis.workloads[1].benchmarks.empty());
  CHECK_FALSE(pgo::reports::render_markdown_report(older).empty());
}

TEST_CASE("a geomean's paired flag round trips, older reports read as unpaired",
          "[run_report_json]") {
  // Risk: compare and report reading back a paired geomean interval as unpaired, or
  // refusing reports written before the flag existed.
  const auto schema = pgo::reports::JsonSchema::load(std::string(PGO_SOURCE_DIR) +
                                                     "/reports/run_report.schema.json");
  auto r = make_sample_report();
  REQUIRE(r.analysis.geomean.size() == 2);
  r.analysis.geomean[0].paired = true;
  const json j = pgo::reports::to_json(r);
  CHECK(schema.validate(j).empty());
  CHECK(j["analysis"]["geomean"][0]["paired"] == true);
  const auto back = pgo::reports::run_report_from_json(j, "r.json");
  CHECK(back.analysis.geomean[0].paired);
  CHECK_FALSE(back.analysis.geomean[1].paired);

  json old = j;
  for (json& g : old["analysis"]["geomean"]) g.erase("paired");
  CHECK(schema.validate(old).empty());
  CHECK_FALSE(pgo::reports::run_report_from_json(old, "r.json").analysis.geomean[0].paired);
}

// libFuzzer target for the bench-export reader of `compare` (bench_export_from_json:
// `pgo-harness bench --export-json` and hyperfine's --export-json files), followed by the
// comparison and its three views, as `pgo-harness compare A.json B.json` runs them.
// Guards against crashes, sanitizer reports, hangs and exceptions other than pgo::Error
// (and JSON errors, which compare reports as such) on hostile exports.
// tests/fuzz/run_fuzz.sh runs it; the fuzz/bench_export_reader_replay test replays its
// corpus (tests/fuzz/corpora/bench_export_reader) without libFuzzer.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "base/error.h"
#include "reports/run_comparison.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(data, data + size);
  } catch (const nlohmann::json::exception&) {
    // compare says "not valid JSON" for a syntax error and for a number out of range
    // (2e308), which nlohmann reports as out_of_range, not parse_error
    return 0;
  }
  pgo::reports::BenchExport exported;
  try {
    exported = pgo::reports::bench_export_from_json(j, "fuzz.json");
  } catch (const pgo::Error&) {
    return 0;  // a clean rejection
  }
  // The export against itself, and against a copy with every time doubled (a regression).
  pgo::reports::BenchExport slower = exported;
  for (auto& c : slower.commands) {
    for (double& t : c.times) t *= 2;
  }
  for (const auto* candidate : {&exported, &slower}) {
    try {
      const auto c = pgo::reports::compare_bench_exports(exported, *candidate, {});
      (void)pgo::reports::render_comparison_text(c);
      (void)pgo::reports::render_comparison_markdown(c);
      (void)pgo::reports::comparison_to_json(c).dump();
    } catch (const pgo::Error&) {
      // e.g. no command in common: reported as one line by compare
    }
  }
  return 0;
}

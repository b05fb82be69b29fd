// libFuzzer target for the scenario loader (parse_scenario: JSON with comments, every
// field's type and range, placeholders, cross-field rules). Guards against crashes,
// sanitizer reports, hangs and exceptions other than pgo::Error on hostile scenario
// files, and checks the round trip the run directory relies on: the canonical JSON of an
// accepted scenario (embedded in report.json) is accepted back with the same hash.
// tests/fuzz/run_fuzz.sh runs it; the fuzz/scenario_loader_replay test replays its
// corpus (tests/fuzz/corpora/scenario_loader) without libFuzzer.
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "scenario/scenario.h"
#include "base/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // Anchored beside the test scenarios (a module with ./cmd/app, inputs/, bench/), so
  // that relative paths can resolve and accepted scenarios are not rare.
  static const std::string path = (std::filesystem::path(__FILE__).parent_path().parent_path() /
                                   "scenario" / "scenarios" / "fuzz-scenario.json")
                                      .string();
  pgo::harness::Scenario scenario;
  try {
    scenario = pgo::harness::parse_scenario(text, path);
  } catch (const pgo::Error&) {
    return 0;  // a clean rejection
  }
  const std::string canonical = pgo::harness::to_json(scenario).dump(2);
  try {
    const auto again = pgo::harness::parse_scenario(canonical, path);
    if (pgo::harness::scenario_hash(again) != pgo::harness::scenario_hash(scenario)) std::abort();
  } catch (const pgo::Error&) {
    std::abort();  // the canonical form of an accepted scenario was rejected
  }
  return 0;
}

// libFuzzer target for the report.json reader (parse_run_report: the schema of a run
// report, as `report`, `compare`, `history` and `run --resume` read it). Guards against
// crashes, sanitizer reports, hangs and exceptions other than pgo::Error on hostile or
// damaged reports, and checks the round trip resume relies on: an accepted report,
// written again, reads back to the same text.
// tests/fuzz/run_fuzz.sh runs it; the fuzz/report_reader_replay test replays its corpus
// (tests/fuzz/corpora/report_reader) without libFuzzer.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/error.h"
#include "reports/run_report_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  pgo::harness::RunReport report;
  try {
    report = pgo::reports::parse_run_report(text, "fuzz-report.json");
  } catch (const pgo::Error&) {
    return 0;  // a clean rejection
  }
  const std::string written = pgo::reports::run_report_to_string(report);
  try {
    const auto again = pgo::reports::parse_run_report(written, "rewritten.json");
    if (pgo::reports::run_report_to_string(again) != written) std::abort();
  } catch (const pgo::Error&) {
    std::abort();  // a report we wrote is one we refuse to read
  }
  return 0;
}

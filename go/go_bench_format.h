// A parser for the Go benchmark format (golang.org/design/14313-benchmark-format), the
// text `go test -bench` and test binaries run with -test.bench print.
//
// Result lines: "BenchmarkName-8   <iterations>   <value> <unit>   <value> <unit> ...",
// e.g. "BenchmarkParse/small-8  1000000  1042 ns/op  128 B/op  3 allocs/op". The "-8" is
// GOMAXPROCS. Configuration lines: "key: value" (goos, goarch, pkg, cpu, ...), each
// applying to the results after it. Every other line (PASS, ok, test logs) is ignored.
//
//   GoBenchOutput out = parse_go_bench_output(stdout_text);
//   std::optional<double> ns = out.results[0].value("ns/op");
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::harness {

struct GoBenchMetric {
  double value = 0;
  std::string unit;  // "ns/op", "B/op", "MB/s", custom units from b.ReportMetric
};

struct GoBenchResult {
  std::string name;       // as printed, "BenchmarkParse/small-8"
  std::string base_name;  // without the GOMAXPROCS suffix, "BenchmarkParse/small"
  int procs = 0;          // the suffix, 0 when there is none
  std::int64_t iterations = 0;
  std::vector<GoBenchMetric> metrics;         // in printed order
  std::map<std::string, std::string> config;  // configuration in effect at this line

  // The first metric with this unit, if any.
  std::optional<double> value(std::string_view unit) const;
};

struct GoBenchOutput {
  std::vector<GoBenchResult> results;
  std::map<std::string, std::string> config;  // the last value of every key seen
  // Unit metadata lines, "Unit <unit> <key>=<value>...", e.g. "Unit build-sec assume=exact"
  // or "Unit ops/s better=higher": unit -> key -> value (a later line wins per key).
  std::map<std::string, std::map<std::string, std::string>> unit_metadata;

  // What a unit's metadata (or, without any, its name) says about it, as benchstat reads
  // it: "better=higher" or a throughput unit ("MB/s", "ops/s") is higher-is-better;
  // "assume=exact" means the values are exact, not samples of a noisy distribution.
  bool higher_is_better(const std::string& unit) const;
  bool assume_exact(const std::string& unit) const;
};

// Parses a whole output. Never throws: malformed result lines (a "Benchmark..." line
// without an iteration count or with an odd value/unit list) are skipped, as the spec
// requires of readers, and counted in `skipped_lines` when it is given.
GoBenchOutput parse_go_bench_output(std::string_view text, int* skipped_lines = nullptr);

// The values of `unit` over all results whose base name equals `base_name` (empty: all
// results), in order. Used to time gotest workloads by their own ns/op.
std::vector<double> go_bench_values(const GoBenchOutput& output, std::string_view unit,
                                    std::string_view base_name = {});

}  // namespace pgo::harness

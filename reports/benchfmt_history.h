// History over Go benchmark-format files (`pgo-harness history old.txt ... new.txt`): the
// trend of every benchmark and unit over nightly `go test -bench` outputs (or
// report.bench.txt exports), flagged with the same rule as run reports (reports/history.h).
//
//   std::vector<BenchfmtHistoryInput> in = {{"n1.txt", parse_go_bench_output(t1)}, ...};
//   History h = build_benchfmt_history(in, {});
//
// One series of kind "benchmark" per (benchmark, unit), benchmarks named as `compare`
// names them (reports/benchfmt_comparison.h); one point per file, in the order given
// (the format carries no time): the median of the file's runs with its 95%
// distribution-free interval (none below 6 runs, so such points are never flagged).
// Units marked better=higher or ending in "/s" are higher-is-better.
#pragma once

#include <string>
#include <vector>

#include "go/go_bench_format.h"
#include "reports/history.h"

namespace pgo::reports {

struct BenchfmtHistoryInput {
  std::string file;
  harness::GoBenchOutput output;
};

// Throws pgo::Error (stage "history") for an empty input or a file without a result line.
History build_benchfmt_history(const std::vector<BenchfmtHistoryInput>& inputs,
                               const HistoryOptions& options);

}  // namespace pgo::reports

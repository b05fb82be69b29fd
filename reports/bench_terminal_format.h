// What `pgo-harness bench` prints on the terminal, as pure functions of the result (the
// CLI only writes the strings): hyperfine's block per command, the comparison table
// against the reference, and the warnings.
//
//   std::cout << pgo::reports::format_command_block(result, 0, unit);
//   // Benchmark 1: sleep 0.1
//   //   Time (mean ± σ):     101.2 ms ±   0.3 ms    [User: 0.4 ms, System: 0.6 ms]
//   //   Median (95% CI):     101.1 ms [100.9 ms … 101.4 ms]  (±0.2%)
//   //   Range (min … max):   100.8 ms … 101.9 ms    10 runs
//   std::cout << pgo::reports::format_comparison_table(result, unit);
#pragma once

#include <string>

#include "trials/bench_result.h"
#include "reports/bench_format.h"

namespace pgo::reports {

// "Benchmark N: NAME" and the lines under it, ending with a newline; the command's
// warnings follow as "  Warning: ..." lines.
std::string format_command_block(const harness::BenchResult& result, std::size_t index,
                                 TimeUnit unit);

// The closing summary: hyperfine's "'ref' ran X ± σ times faster than 'b'" lines and a
// table of ratio of medians, 95% bootstrap interval, p-value and verdict per command.
// Empty with fewer than two commands.
std::string format_comparison_table(const harness::BenchResult& result, TimeUnit unit);

// The benchmark-wide warnings (machine, shell), one "Warning: ..." line each.
std::string format_warnings(const harness::BenchResult& result);

// A progress line: "Performing runs  ████████░░░░  12/30  ETA 00:00:04".
std::string format_progress_bar(const std::string& label, std::size_t done, std::size_t total,
                                std::optional<double> eta_seconds, std::size_t width = 40);

}  // namespace pgo::reports

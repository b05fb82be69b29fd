// Benchfmt exports: every measured run as a result line of the Go benchmark format
// (golang.org/design/14313-benchmark-format), so benchstat and the Go performance tooling
// read the harness's results directly.
//
//   pgo-harness run ...      -> RUNDIR/report.bench.txt    benchstat -col pgo report.bench.txt
//   pgo-harness bench --export-benchfmt r.txt ./a ./b    benchstat -col command r.txt
//
// Shape of a run export: file-level configuration (cpu, goversion, scenario, harness),
// unit metadata ("Unit build-sec assume=exact"), then one block per build opened by the
// configuration line "pgo: off" (v0), "pgo: iter-N" (the merged profile of iteration N) or
// "pgo: FILE" (a profile given with --profile). In each block, one line per timed run and
// workload, "Benchmark<Workload> 1 <value> <unit> ...", and one "BenchmarkGoBuild" line
// with the build's wall time (build-sec) and binary size (binary-B), both assume=exact:
// single measurements that benchstat must not treat as samples.
//
// A gotest workload with per-benchmark results (harness::TrialSeries::benchmarks) gets, per
// run, one line per benchmark, "Benchmark<Workload>/<Name> 1 812 ns/op 64 B/op 2 allocs/op"
// with every unit the benchmark reported, instead of the workload's geomean line (benchstat
// computes the geomean itself), and a line "Benchmark<Workload> 1 <rss> peak-RSS-B".
//
// Units: metric "wall" -> sec/op; "cpu" -> cpu-sec/op (followed by the run's wall time as
// sec/op); every run also carries its peak RSS as peak-RSS-B when recorded; "ns_per_op" -> ns/op
// (benchstat shows it as sec/op); any other metric M -> "M/op". Benchmark names are the workload
// (or command) names with the first letter upper- cased and white space replaced by '_', as the
// format requires ("Benchmark" followed by a character that is not a lower-case letter).
#pragma once

#include <string>

#include "run/run_report.h"
#include "trials/bench_result.h"

namespace pgo::reports {

// "score" -> "BenchmarkScore", "parse json" -> "BenchmarkParse_json".
std::string benchfmt_name(const std::string& name);

// The benchfmt unit of a run-report metric ("wall" -> "sec/op", ...).
std::string benchfmt_unit(const std::string& metric);

// The "pgo:" configuration value of a build: "off", "iter-N" or the profile's file name.
std::string benchfmt_pgo_label(const harness::BuildRecord& build);

// Every trial of every build, blocks in build order, runs in run order.
std::string run_report_to_benchfmt(const harness::RunReport& report);

// Every timed run of every command: one block per command opened by "command: NAME",
// result lines "BenchmarkCommand[/VAR=value...] 1 <wall> sec/op <user> user-sec/op
// <system> sys-sec/op <rss> peak-RSS-B", failed runs included when --ignore-failure kept
// them (as in the JSON export).
std::string bench_result_to_benchfmt(const harness::BenchResult& result);

}  // namespace pgo::reports

// report.md: the summary of one run a person reads in a minute, rendered from the model.
//
//   std::string md = pgo::reports::render_markdown_report(report);
//   pgo::write_file_atomically(run_dir + "/report.md", md);
//
// Sections, in reading order: the verdict and the final speedup with its interval; run
// facts (status, scenario, toolchain, harness overhead share); speedup over pgo=off per
// iteration (geomean); the per-workload table (median with its interval, speedup vs v0
// with interval and p-value, change from the previous iteration); builds (build time and
// binary size against v0); profiles (inputs, edges, hot-edge overlap with the previous
// iteration); phases; warnings. A pure function: the same report gives the same bytes.
#pragma once

#include <string>

#include "run/run_report.h"

namespace pgo::reports {

std::string render_markdown_report(const harness::RunReport& report);

}  // namespace pgo::reports

// The release sign-off page: `pgo-harness compare --html FILE BASE NEW`, one self-contained
// HTML page (inline CSS and SVG, nothing to fetch) that a person reads before signing a
// release off.
//
//   ComparedReports reports;
//   RunComparison c = compare_files("runs/1.4", "runs/1.5", options, &reports);
//   write_file_atomically("signoff.html", render_comparison_html(c, reports));
//
// Contents: the gate's result and counts; for run reports, the geomean and per-workload PGO
// speedup of every build in both runs with their intervals (one chart per series of
// builds, base and new side by side), the distribution of trial times of v0 and the last
// build in both runs per workload, build time and binary size of both; then every row of
// the comparison with its verdict highlighted (the same rows as the text, Markdown and
// JSON views), and the warnings. Bench exports and Go benchmark files get the rows and the
// warnings. A pure function: the same inputs give the same bytes.
#pragma once

#include <string>

#include "reports/run_comparison_load.h"
#include "reports/run_comparison_views.h"

namespace pgo::reports {

std::string render_comparison_html(const RunComparison& comparison,
                                   const ComparedReports& reports = {});

}  // namespace pgo::reports

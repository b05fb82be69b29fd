// The end-of-run summary `pgo-harness run` prints: headline and verdict, one row per
// (workload, build) with the benchmarks PGO slowed under their workload, the geomean, the
// builds with their overhead, the harness's own share, warnings and where the report is.
// A pure view of the report model.
#pragma once

#include <string>

#include "run/run_report.h"

namespace pgo::reports {

std::string render_run_summary(const harness::RunReport& r, const std::string& run_dir);

}  // namespace pgo::reports

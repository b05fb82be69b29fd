// report.html: one self-contained page for a run (inline CSS and SVG; no scripts, fonts,
// images or links to fetch), rendered from the model.
//
//   std::string html = pgo::reports::render_html_report(report);
//   pgo::write_file_atomically(run_dir + "/report.html", html);
//
// Contents: the verdict with the final speedup, build and size overhead and harness
// overhead; the convergence chart (speedup over v0 per iteration with 95% interval
// whiskers, one line per workload and a thick geomean line); the distribution of trial
// times per build for each workload (strip plot with a box of the quartiles); build time
// and binary size per build; the hot-edge overlap between successive iterations'
// profiles; the per-workload table; phases; warnings; the environment; the scenario.
// A pure function: the same report gives the same bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "run/run_report.h"

namespace pgo::reports {

std::string render_html_report(const harness::RunReport& report);

// The page's <style> element, shared with the history page so both look alike.
std::string html_report_style();

// Build time and binary size side by side as two bar charts (a <div class="pair">), one bar
// per (label, build); report.html and the sign-off page both show their builds this way.
std::string build_bar_charts(
    const std::vector<std::pair<std::string, const harness::BuildRecord*>>& builds);

}  // namespace pgo::reports

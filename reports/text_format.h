// Number formatting shared by the Markdown, HTML and terminal views, so that a value reads
// the same everywhere it appears.
//
//   format_seconds(0.01234)      -> "12.34 ms"
//   format_value(1234.5, "ns/op") -> "1235 ns/op"
//   format_bytes(2'500'000)      -> "2.38 MiB"
//   format_speedup(1.043)        -> "1.043x"
//   format_change(0.957)         -> "-4.3%"   (a ratio as a signed percentage)
//   html_escape("a<b")           -> "a&lt;b"
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/percent.h"
#include "run/run_report.h"
#include "stats/sample_comparison.h"

namespace pgo::reports {

// Seconds with a unit chosen for three or four significant digits (ns, us, ms, s).
std::string format_seconds(double seconds);
// A value in its metric's unit: "s" goes through format_seconds, anything else is printed
// with four significant digits followed by the unit.
std::string format_value(double value, const std::string& unit);
std::string format_bytes(std::int64_t bytes);
// "1.043x"; "-" for nullopt.
std::string format_speedup(std::optional<double> speedup);
// (ratio - 1) as a signed percentage with one decimal: 1.043 -> "+4.3%"; "-" for nullopt.
std::string format_change(std::optional<double> ratio);
// "[a, b]" with format_speedup / format_change of each bound; "-" when either is missing.
std::string format_speedup_interval(std::optional<double> lower, std::optional<double> upper);
std::string format_change_interval(std::optional<double> lower, std::optional<double> upper);
// p-values: "0.003", "<0.001", "-".
std::string format_p_value(std::optional<double> p);
// Which test decided a comparison, for people: "paired, 20 rounds" (Wilcoxon signed-rank on
// per-round log ratios), "U test" (Mann-Whitney), "count spread".
std::string format_method(harness::ComparisonMethod method, std::optional<std::size_t> pairs);
std::string format_method(const harness::Comparison& comparison);  // of a run report
// A fraction as a percentage with one decimal: 0.0123 -> "1.2%" (base/percent.h).
using pgo::format_percent;

// Escapes &, <, >, " and ' for HTML and SVG text and attributes.
std::string html_escape(const std::string& text);
// Escapes | and newlines so that text stays inside one Markdown table cell.
std::string markdown_cell(const std::string& text);

}  // namespace pgo::reports

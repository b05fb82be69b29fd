#include "reports/bench_markdown_export.h"

#include <fmt/format.h>

#include <cstdio>

#include "reports/text_format.h"

namespace pgo::reports {
namespace {

std::string two_decimals(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

TimeUnit bench_time_unit(const harness::BenchResult& result, std::optional<TimeUnit> unit) {
  if (unit) return *unit;
  const std::size_t ref = result.options.reference;
  if (ref < result.commands.size() && result.commands[ref].summary) {
    return auto_time_unit(result.commands[ref].summary->mean);
  }
  for (const auto& cr : result.commands) {
    if (cr.summary) return auto_time_unit(cr.summary->mean);
  }
  return TimeUnit::kMillisecond;
}

std::string bench_result_to_markdown(const harness::BenchResult& result,
                                     std::optional<TimeUnit> requested) {
  const TimeUnit unit = bench_time_unit(result, requested);
  const std::string u = unit_suffix(unit);
  std::string out = fmt::format(
      "| Command | Mean [{0}] | Median [{0}] (95% CI) | Min [{0}] | Max [{0}] | Relative | vs "
      "reference |\n",
      u);
  out += "|:---|---:|---:|---:|---:|---:|:---|\n";
  for (std::size_t i = 0; i < result.commands.size(); ++i) {
    const auto& cr = result.commands[i];
    out += fmt::format("| `{}` | ", markdown_cell(cr.command.name));
    if (!cr.summary) {
      out += "- | - | - | - | - | no runs |\n";
      continue;
    }
    const auto& s = *cr.summary;
    out += format_time_number(s.mean, unit);
    if (s.stddev) out += fmt::format(" ± {}", format_time_number(*s.stddev, unit));
    out += fmt::format(" | {}", format_time_number(s.median, unit));
    if (cr.median_interval) {
      out += fmt::format(" [{}, {}]", format_time_number(cr.median_interval->lower, unit),
                         format_time_number(cr.median_interval->upper, unit));
    }
    out +=
        fmt::format(" | {} | {}", format_time_number(s.min, unit), format_time_number(s.max, unit));
    out += " | ";
    if (i == result.options.reference) {
      out += "1.00 | reference |\n";
      continue;
    }
    const harness::CommandComparison* cmp = nullptr;
    for (const auto& c : result.comparisons) {
      if (c.candidate == i) cmp = &c;
    }
    if (cmp && cmp->stats.mean_ratio) {
      out += two_decimals(cmp->stats.mean_ratio->ratio);
      if (cmp->stats.mean_ratio->stddev)
        out += " ± " + two_decimals(*cmp->stats.mean_ratio->stddev);
    } else {
      out += "-";
    }
    out += " | ";
    if (cmp) {
      const auto& st = cmp->stats;
      out += format_change(st.median_ratio);
      if (st.median_ratio_interval) {
        out += fmt::format(" {}", format_change_interval(st.median_ratio_interval->lower,
                                                         st.median_ratio_interval->upper));
      }
      out += fmt::format(", p = {} ({}), {}", format_p_value(st.p_value),
                         format_method(st.method, st.pairs), harness::to_string(st.verdict));
    }
    out += " |\n";
  }
  return out;
}

}  // namespace pgo::reports

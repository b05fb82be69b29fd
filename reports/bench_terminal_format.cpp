#include "reports/bench_terminal_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/text_table.h"
#include "reports/text_format.h"

namespace pgo::reports {
namespace {

std::string t(double seconds, TimeUnit unit) { return pad_left(format_time(seconds, unit), 9); }

std::string fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string format_command_block(const harness::BenchResult& result, std::size_t index,
                                 TimeUnit unit) {
  const auto& cr = result.commands[index];
  std::string out = "Benchmark " + std::to_string(index + 1) + ": " + cr.command.name + "\n";
  if (!cr.summary) {
    out += "  no runs\n";
  } else {
    const auto& s = *cr.summary;
    out += "  Time (mean ± σ):   " + t(s.mean, unit) + " ± " +
           (s.stddev ? t(*s.stddev, unit) : pad_left("-", 9)) +
           "    [User: " + format_time(cr.mean_user_seconds, unit) +
           ", System: " + format_time(cr.mean_system_seconds, unit) + "]\n";
    out += "  Median (95% CI):   " + t(s.median, unit);
    if (cr.median_interval) {
      out += " [" + format_time(cr.median_interval->lower, unit) + " … " +
             format_time(cr.median_interval->upper, unit) + "]";
      if (cr.precision) out += "  (±" + format_percent(*cr.precision) + ")";
    } else {
      out += "  (too few runs for an interval)";
    }
    out += "\n";
    std::int64_t rss = 0;
    for (const auto& r : cr.runs) rss = std::max(rss, r.max_rss_bytes);
    out += "  Range (min … max): " + t(s.min, unit) + " … " + t(s.max, unit) + "    " +
           std::to_string(cr.runs.size()) + " runs, max RSS " + format_bytes(rss) + "\n";
  }
  for (const auto& w : cr.warnings) out += "  Warning: " + w + "\n";
  return out;
}

std::string format_comparison_table(const harness::BenchResult& result, TimeUnit /*unit*/) {
  if (result.commands.size() < 2 || result.comparisons.empty()) return {};
  const auto& ref = result.commands[result.options.reference];
  std::string out = "Summary\n";
  // hyperfine's relative speed, for readers used to it (ratio of means ± σ).
  out += "  '" + ref.command.name + "' (reference)\n";
  for (const auto& c : result.comparisons) {
    const auto& name = result.commands[c.candidate].command.name;
    if (!c.stats.mean_ratio) {
      out += "    no runs to compare with '" + name + "'\n";
      continue;
    }
    const double r = c.stats.mean_ratio->ratio;
    const bool faster = r >= 1;  // the reference is faster when the candidate's mean is larger
    const double shown = faster ? r : 1 / r;
    std::string sd;
    if (c.stats.mean_ratio->stddev) {
      sd = " ± " +
           fixed(faster ? *c.stats.mean_ratio->stddev : *c.stats.mean_ratio->stddev / (r * r), 2);
    }
    out += "    ran " + fixed(shown, 2) + sd + " times " + (faster ? "faster" : "slower") +
           " than '" + name + "'\n";
  }
  char alpha[32];
  std::snprintf(alpha, sizeof alpha, "%g", result.options.alpha);
  out += "\n  vs '" + ref.command.name + "' at alpha " + alpha +
         ": paired = Wilcoxon signed-rank test on the per-round log ratios, Hodges-Lehmann "
         "ratio and its 95% CI; U test = Mann-Whitney U, ratio of medians, 95% bootstrap CI\n";
  // Long command names overflow their column rather than widen it past 40.
  TextTable table({{"Command", TextColumn::kLeft, 0, true, 40},
                   {"Change", TextColumn::kRight, 8, false},
                   {"95% CI", TextColumn::kRight, 18, false},
                   {"p", TextColumn::kRight, 7, false},
                   {"Test"},
                   {"Verdict"}});
  for (const auto& c : result.comparisons) {
    const auto& st = c.stats;
    std::string ci = st.median_ratio_interval
                         ? format_change_interval(st.median_ratio_interval->lower,
                                                  st.median_ratio_interval->upper)
                         : "-";
    table.add_row({result.commands[c.candidate].command.name, format_change(st.median_ratio), ci,
                   format_p_value(st.p_value), format_method(st.method, st.pairs),
                   std::string(harness::to_string(st.verdict))});
  }
  out += table.render("  ");
  return out;
}

std::string format_warnings(const harness::BenchResult& result) {
  std::string out;
  for (const auto& w : result.warnings) out += "Warning: " + w + "\n";
  return out;
}

std::string format_progress_bar(const std::string& label, std::size_t done, std::size_t total,
                                std::optional<double> eta_seconds, std::size_t width) {
  total = std::max(total, done);
  const std::size_t filled = total == 0 ? 0 : done * width / total;
  std::string bar;
  for (std::size_t i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  std::string out =
      pad_right(label, 16) + " " + bar + " " + std::to_string(done) + "/" + std::to_string(total);
  if (eta_seconds) {
    const long s = std::lround(std::max(0.0, *eta_seconds));
    char buf[32];
    std::snprintf(buf, sizeof buf, "  ETA %02ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    out += buf;
  }
  return out;
}

}  // namespace pgo::reports

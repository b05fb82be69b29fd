#include "cli/bench_command.h"

#include <signal.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/file_io.h"
#include "process/command_line.h"
#include "process/process.h"
#include "reports/bench_csv_export.h"
#include "reports/bench_json_export.h"
#include "reports/bench_markdown_export.h"
#include "reports/bench_terminal_format.h"
#include "reports/benchfmt_export.h"
#include "reports/text_format.h"
#include "stats/count_comparison.h"
#include "stats/random.h"
#include "trials/bench_analysis.h"
#include "trials/cachegrind.h"
#include "trials/command_executor.h"
#include "trials/counting_executor.h"
#include "trials/environment_info.h"
#include "trials/trial_scheduler.h"

namespace pgo::cli {
namespace {

using namespace pgo::harness;

struct BenchArgs {
  std::vector<std::string> commands;
  std::size_t warmup = 0;
  std::optional<std::size_t> runs, min_runs, max_runs;
  double min_time = 3.0;
  std::optional<double> max_time;
  std::vector<std::string> setup, prepare, conclude, cleanup;
  std::vector<std::string> parameter_scan;  // VAR MIN MAX
  std::optional<double> step_size;
  std::vector<std::string> parameter_list_words;  // VAR, VALUES, VAR, VALUES, ...
  std::string shell;                              // "" without --shell
  std::string shell_short;                        // -S SHELL
  bool no_shell = false;
  bool ignore_failure = false;
  std::vector<std::string> names;
  std::string output = "null";
  std::string input;
  std::string time_unit;
  std::vector<std::string> env;
  std::vector<std::string> cwd;
  std::optional<double> timeout;
  std::string order = "interleaved";
  std::optional<std::uint64_t> seed;
  std::optional<double> target_precision;  // percent
  double alpha = 0.05;
  std::string reference;
  std::string pin_cpu;
  std::string export_json, export_csv, export_markdown, export_benchfmt;
  std::string style = "full";
  bool quiet = false;
  std::string metric = "time";  // time | instructions | cycles_estimate
};

// `bench --metric instructions|cycles_estimate`: per command the median count, its runs and
// their spread; per command against the reference, the count-spread rule's verdict
// (stats/count_comparison.h).
std::string format_counts(const BenchResult& result, const std::string& metric) {
  const std::string unit =
      metric.find("instructions") != std::string::npos ? "instructions" : "cycles";
  const std::string how = metric.rfind("hw_", 0) == 0 ? "hardware counters" : "cachegrind";
  std::string out;
  std::vector<std::vector<double>> counts;
  for (const CommandResult& c : result.commands) {
    counts.push_back(c.wall_times());
    const std::vector<double>& xs = counts.back();
    out += c.command.name + "\n";
    if (xs.empty()) {
      out += "  no runs\n";
      continue;
    }
    const std::optional<double> spread = relative_spread(xs);
    char line[160];
    std::snprintf(line, sizeof line, "  %s (median of %zu runs, %s): %s, spread %.3f%%\n",
                  metric.c_str(), xs.size(), how.c_str(),
                  reports::format_value(median(xs), unit).c_str(), spread ? *spread * 100 : 0.0);
    out += line;
    if (spread && !is_deterministic(*spread, CountRule{})) {
      out += "  warning: runs differ by more than 0.1%: not deterministic; likely cause: " +
             nondeterminism_cause("1", "off") + "\n";
    }
  }
  const std::size_t ref = result.options.reference;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (i == ref || ref >= counts.size()) continue;
    SampleComparison c = compare_counts(counts[ref], counts[i], CountRule{});
    char line[256];
    if (c.median_ratio && c.median_ratio_interval) {
      std::snprintf(line, sizeof line, "%s vs %s: ratio %.4f [%.4f, %.4f] (3 x spread), %s\n",
                    result.commands[i].command.name.c_str(),
                    result.commands[ref].command.name.c_str(), *c.median_ratio,
                    c.median_ratio_interval->lower, c.median_ratio_interval->upper,
                    std::string(to_string(c.verdict)).c_str());
    } else {
      std::snprintf(line, sizeof line, "%s vs %s: %s\n", result.commands[i].command.name.c_str(),
                    result.commands[ref].command.name.c_str(),
                    std::string(to_string(c.verdict)).c_str());
    }
    out += line;
  }
  out += "(significant: the change exceeds both 3 x the runs' spread and 0.5%; no p-value)\n";
  return out;
}

// "0,2-3" -> {0, 2, 3}.
std::vector<int> parse_cpu_list(const std::string& text) {
  std::vector<int> cpus;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string item =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      std::size_t dash = item.find('-');
      std::size_t used = 0;
      if (dash == std::string::npos) {
        cpus.push_back(std::stoi(item, &used));
        if (used != item.size()) throw std::invalid_argument(item);
      } else {
        int lo = std::stoi(item.substr(0, dash));
        int hi = std::stoi(item.substr(dash + 1));
        if (lo > hi) throw std::invalid_argument(item);
        for (int c = lo; c <= hi; ++c) cpus.push_back(c);
      }
    } catch (const std::exception&) {
      throw UsageError("--pin-cpu: '" + item + "' is not a CPU number or range (e.g. 0,2-3)");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return cpus;
}

// Hooks and --cwd: none, one for every command, or one per command template.
std::string pick(const std::vector<std::string>& values, std::size_t template_index,
                 std::size_t templates, const char* option) {
  if (values.empty()) return {};
  if (values.size() == 1) return values[0];
  if (values.size() != templates) {
    throw UsageError(std::string(option) + " was given " + std::to_string(values.size()) +
                     " times for " + std::to_string(templates) +
                     " commands: give it once, or once per command");
  }
  return values[template_index];
}

// Checks an export path now, so a bad path fails before the first run; the file itself
// is written atomically at the end, so a failed run never destroys an earlier export.
std::string checked_export(const std::string& path) {
  if (!path.empty()) pgo::check_writable(path);
  return path;
}

// Opens --output FILE (the commands' output) now: runs append to it.
void truncate_command_output(const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    throw Error("output", path, "cannot open for writing", "check the directory of --output");
}

class ProgressView {
 public:
  explicit ProgressView(bool enabled) : enabled_(enabled) {}
  void update(const SchedulerProgress& p, const std::vector<BenchCommand>& commands) {
    if (!enabled_) return;
    const char* label = p.phase == SchedulerProgress::Phase::kCalibration ? "Measuring shell"
                        : p.phase == SchedulerProgress::Phase::kWarmup    ? "Warming up"
                                                                          : "Performing runs";
    std::string line =
        reports::format_progress_bar(label, p.total_runs_done, p.total_runs_planned, p.eta_seconds);
    if (p.phase == SchedulerProgress::Phase::kWarmup && p.command < commands.size()) {
      line += "  " + commands[p.command].name;
    }
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }
  void clear() {
    if (drawn_) std::fprintf(stderr, "\r\x1b[K");
    drawn_ = false;
  }

 private:
  bool enabled_;
  bool drawn_ = false;
};

// The first SIGINT/SIGTERM kills the running child and asks the scheduler to stop, so the
// runs completed so far are still printed and exported (marked interrupted); a second
// one ends the harness at once.
volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_interrupt(int sig) {
  kill_all_children();
  if (g_stop_signal != 0) {
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  g_stop_signal = sig;
}

int run_bench(const BenchArgs& a) {
  // ---- validate and build the options -------------------------------------------------
  BenchOptions o;
  o.warmup_runs = a.warmup;
  if (a.runs) {
    if (a.min_runs || a.max_runs || a.target_precision) {
      throw UsageError(
          "--runs cannot be combined with --min-runs, --max-runs or "
          "--target-precision");
    }
    if (*a.runs == 0) throw UsageError("--runs must be at least 1");
    o.exact_runs = a.runs;
  }
  if (a.min_runs) o.min_runs = *a.min_runs;
  o.max_runs = a.max_runs;
  if (o.max_runs && (*o.max_runs == 0 || *o.max_runs < o.min_runs)) {
    if (a.min_runs || *o.max_runs == 0) {
      throw UsageError("--max-runs must be at least 1 and not below --min-runs");
    }
    o.min_runs = *o.max_runs;  // only the default min_runs is above it: lower it
  }
  const bool counting = a.metric != "time";
  if (counting) {
    if (a.metric != "instructions" && a.metric != "cycles_estimate" &&
        a.metric != "hw_instructions" && a.metric != "hw_cycles") {
      throw UsageError(
          "--metric must be time, instructions, cycles_estimate, hw_instructions or hw_cycles");
    }
    if (!a.shell.empty() || !a.shell_short.empty()) {
      throw UsageError("--metric " + a.metric + " counts the command itself: not with --shell");
    }
    if (!a.export_json.empty() || !a.export_csv.empty() || !a.export_markdown.empty() ||
        !a.export_benchfmt.empty()) {
      throw UsageError("--metric " + a.metric +
                       ": the exports hold times (hyperfine's format); counts are printed only");
    }
    if (a.target_precision) {
      throw UsageError("--target-precision is for times; counting stops once runs agree");
    }
    // Counts are near-deterministic: stop once 2 runs agree within 0.1%, at most 4.
    if (!a.runs) {
      if (!a.min_runs) o.min_runs = 2;
      if (!a.max_runs) o.max_runs = std::max<std::size_t>(o.min_runs, 4);
      o.spread_tolerance = 0.001;
    }
  }
  if (a.min_time < 0) throw UsageError("--min-time must not be negative");
  // Counting: hyperfine's min-time rule would read counts as seconds.
  o.min_time_seconds = counting ? 0 : a.min_time;
  if (a.max_time && *a.max_time <= 0) throw UsageError("--max-time must be positive");
  o.max_time_seconds = a.max_time;
  if (a.target_precision) {
    if (*a.target_precision <= 0) throw UsageError("--target-precision must be positive");
    o.target_precision = *a.target_precision / 100;
  }
  if (a.order == "interleaved") {
    o.order = RunOrder::kInterleaved;
  } else if (a.order == "sequential") {
    o.order = RunOrder::kSequential;
  } else {
    throw UsageError("--order must be interleaved or sequential");
  }
  o.seed = a.seed ? *a.seed : fresh_seed();
  o.ignore_failure = a.ignore_failure;
  if (a.timeout && *a.timeout <= 0) throw UsageError("--timeout must be positive");
  o.timeout_seconds = a.timeout;
  std::string shell = a.shell;
  if (!a.shell_short.empty()) {
    if (!a.shell.empty() && a.shell != a.shell_short) {
      throw UsageError("-S and --shell name different shells");
    }
    shell = a.shell_short;
  }
  if (shell == "none") shell.clear();  // hyperfine's -S none
  if (!shell.empty() && !a.no_shell) o.shell = shell;
  if (!(a.alpha > 0 && a.alpha < 1)) throw UsageError("--alpha must be between 0 and 1");
  o.alpha = a.alpha;
  if (!a.pin_cpu.empty()) o.pin_cpus = parse_cpu_list(a.pin_cpu);
  o.output = a.output;
  o.input = a.input;
  o.hooks = {a.setup, a.prepare, a.conclude, a.cleanup};
  std::optional<reports::TimeUnit> unit;
  if (!a.time_unit.empty()) unit = reports::parse_time_unit(a.time_unit);
  std::string style = a.quiet ? "none" : a.style;
  if (style != "full" && style != "basic" && style != "none") {
    throw UsageError("--style must be full, basic or none");
  }

  // ---- expand the commands ------------------------------------------------------------
  std::vector<ParameterAxis> axes;
  if (!a.parameter_scan.empty()) {
    double lo = 0, hi = 0;
    try {
      lo = std::stod(a.parameter_scan[1]);
      hi = std::stod(a.parameter_scan[2]);
    } catch (const std::exception&) {
      throw UsageError("--parameter-scan VAR MIN MAX takes numbers for MIN and MAX");
    }
    axes.push_back(parameter_scan(a.parameter_scan[0], lo, hi, a.step_size.value_or(1)));
  } else if (a.step_size) {
    throw UsageError("--parameter-step-size needs --parameter-scan");
  }
  for (std::size_t i = 0; i + 1 < a.parameter_list_words.size(); i += 2) {
    axes.push_back(parameter_list(a.parameter_list_words[i], a.parameter_list_words[i + 1]));
  }
  if (a.names.size() > a.commands.size()) {
    throw UsageError("more --command-name options (" + std::to_string(a.names.size()) +
                     ") than commands (" + std::to_string(a.commands.size()) +
                     "): give at most one -n per command, in the commands' order");
  }
  std::vector<ExpandedCommand> expanded = expand_commands(a.commands, a.names, axes);
  const std::size_t per_template = expanded.size() / a.commands.size();

  // --env K=V for every command, --env N:K=V for the N-th command (1-based, as given).
  std::vector<std::map<std::string, std::string>> env(a.commands.size());
  for (const std::string& e : a.env) {
    std::size_t eq = e.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--env takes K=V or N:K=V");
    std::string key = e.substr(0, eq);
    std::optional<std::size_t> only;
    if (std::size_t colon = key.find(':'); colon != std::string::npos) {
      try {
        only = std::stoul(key.substr(0, colon)) - 1;
      } catch (const std::exception&) {
        throw UsageError("--env N:K=V: N must be a command number");
      }
      if (*only >= a.commands.size()) throw UsageError("--env N:K=V: no command number N");
      key = key.substr(colon + 1);
    }
    for (std::size_t t = 0; t < a.commands.size(); ++t) {
      if (!only || *only == t) env[t][key] = e.substr(eq + 1);
    }
  }

  const std::vector<std::string> shell_argv =
      o.shell.empty() ? std::vector<std::string>{} : split_command_line(o.shell);
  auto shell_command = [&](const std::string& text) {
    std::vector<std::string> argv =
        shell_argv.empty() ? std::vector<std::string>{"sh"} : shell_argv;
    argv.push_back("-c");
    argv.push_back(text);
    return argv;
  };

  BenchPlan plan;
  bool any_hook = false;
  for (std::size_t i = 0; i < expanded.size(); ++i) {
    const ExpandedCommand& e = expanded[i];
    const std::size_t t = i / per_template;
    BenchCommand c;
    c.name = e.name;
    c.text = e.text;
    c.parameters = e.parameters;
    c.env = env[t];
    c.working_directory = pick(a.cwd, t, a.commands.size(), "--cwd");
    if (o.shell.empty()) {
      c.argv = split_command_line(e.text);
      if (c.argv.empty()) throw UsageError("command " + std::to_string(t + 1) + " is empty");
    } else {
      c.argv = shell_command(e.text);
    }
    std::map<std::string, std::string> values(e.parameters.begin(), e.parameters.end());
    // Hooks are not timed, so they always go through a shell (--shell's, or sh).
    auto hook = [&](const std::vector<std::string>& v,
                    const char* option) -> std::optional<BenchCommand> {
      std::string text = pick(v, t, a.commands.size(), option);
      if (text.empty()) return std::nullopt;
      BenchCommand h;
      h.text = substitute_parameters(text, values);
      h.name = h.text;
      h.argv = shell_command(h.text);
      h.env = c.env;
      h.working_directory = c.working_directory;
      any_hook = true;
      return h;
    };
    CommandHooks hooks{hook(a.setup, "--setup"), hook(a.prepare, "--prepare"),
                       hook(a.conclude, "--conclude"), hook(a.cleanup, "--cleanup")};
    plan.commands.push_back(std::move(c));
    plan.hooks.push_back(std::move(hooks));
  }
  if (!any_hook) plan.hooks.clear();
  if (!o.shell.empty()) {
    BenchCommand empty;
    empty.name = empty.text = o.shell + " -c ''";
    empty.argv = shell_command("");
    plan.shell_calibration = empty;
  }

  // --reference NAME or N (1-based).
  if (!a.reference.empty()) {
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < plan.commands.size(); ++i) {
      if (plan.commands[i].name == a.reference) found = i;
    }
    if (!found) {
      try {
        std::size_t used = 0;
        std::size_t n = std::stoul(a.reference, &used);
        if (used == a.reference.size() && n >= 1 && n <= plan.commands.size()) found = n - 1;
      } catch (const std::exception&) {
      }
    }
    if (!found) {
      throw UsageError("--reference '" + a.reference +
                       "' is neither a command name nor a command number");
    }
    o.reference = *found;
  }

  // ---- open every output file before the first run -------------------------------------
  const std::string json_path = checked_export(a.export_json);
  const std::string csv_path = checked_export(a.export_csv);
  const std::string md_path = checked_export(a.export_markdown);
  const std::string benchfmt_path = checked_export(a.export_benchfmt);
  if (o.output != "null" && o.output != "pipe" && o.output != "inherit") {
    truncate_command_output(o.output);  // truncate once; runs append
  }
  if (!o.input.empty() && !std::ifstream(o.input)) {
    throw Error("input", o.input, "cannot open for reading", "check --input");
  }
  for (const BenchCommand& c : plan.commands) {
    if (o.shell.empty() && has_shell_syntax(c.text) && style != "none") {
      std::cerr << "Warning: '" << c.text
                << "' contains shell syntax that is passed to the program as is; "
                   "use --shell to run it through a shell\n";
    }
  }

  // ---- run ------------------------------------------------------------------------------
  g_stop_signal = 0;
  ::signal(SIGINT, on_interrupt);
  ::signal(SIGTERM, on_interrupt);
  RealExecutorOptions eo;
  eo.output = o.output;
  eo.input = o.input;
  eo.timeout_seconds = o.timeout_seconds;
  eo.cpu_affinity = o.pin_cpus;
  RealExecutor real(eo);
  std::optional<CountingExecutor> counted;
  std::optional<HardwareCounters> hardware;
  std::optional<HardwareCountingExecutor> hardware_counted;
  std::string count_dir;
  const bool hardware_metric = a.metric.rfind("hw_", 0) == 0;
  if (hardware_metric) {
    hardware.emplace();  // no PMU: one line saying so and what to use instead
    hardware_counted.emplace(
        real, *hardware,
        a.metric == "hw_instructions" ? HardwareMetric::kInstructions : HardwareMetric::kCycles);
  } else if (counting) {
    const std::string valgrind = find_valgrind();  // before any run: names the package
    char pattern[] = "/tmp/pgo-bench-count-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      throw Error("counting", "/tmp", "cannot create a temporary directory");
    }
    count_dir = pattern;
    counted.emplace(
        real,
        a.metric == "instructions" ? CountedMetric::kInstructions : CountedMetric::kCyclesEstimate,
        valgrind, count_dir);
  }
  struct RemoveDir {
    std::string path;
    ~RemoveDir() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
  } remove_count_dir{count_dir};
  CommandExecutor& executor = counted            ? static_cast<CommandExecutor&>(*counted)
                              : hardware_counted ? static_cast<CommandExecutor&>(*hardware_counted)
                                                 : real;
  TrialScheduler scheduler(executor, o);
  ProgressView progress(style == "full" && ::isatty(2));
  // No callback without a progress bar: its ETA sums every run so far, after every run.
  if (style == "full" && ::isatty(2)) {
    scheduler.on_progress([&](const SchedulerProgress& p) { progress.update(p, plan.commands); });
  }
  scheduler.stop_when([] { return g_stop_signal != 0; });
  BenchResult result;
  try {
    result = scheduler.run(plan);
  } catch (...) {
    progress.clear();
    throw;
  }
  progress.clear();
  result.environment = collect_environment_info(PGO_HARNESS_VERSION);
  analyze_bench_result(result);

  // ---- print and export -----------------------------------------------------------------
  if (counting) {
    if (style != "none") std::cout << format_counts(result, a.metric) << std::flush;
    if (hardware_counted && hardware_counted->running_fraction() < 1) {
      std::fprintf(stderr,
                   "warning: the hardware counters were multiplexed (some counted only %.0f%% "
                   "of the time, scaled up): the counts are estimates; free the PMU (e.g. "
                   "sysctl kernel.nmi_watchdog=0) or count with cycles_estimate\n",
                   hardware_counted->running_fraction() * 100);
    }
  } else if (style != "none") {
    const reports::TimeUnit u = reports::bench_time_unit(result, unit);
    std::string text;
    for (std::size_t i = 0; i < result.commands.size(); ++i) {
      text += reports::format_command_block(result, i, u) + "\n";
    }
    text += reports::format_comparison_table(result, u);
    text += reports::format_warnings(result);
    std::cout << text << std::flush;
  }
  // Also after an interrupt: the runs completed so far, marked interrupted.
  if (!json_path.empty()) {
    pgo::write_file_atomically(json_path, reports::bench_result_to_json(result));
  }
  if (!csv_path.empty()) pgo::write_file_atomically(csv_path, reports::bench_result_to_csv(result));
  if (!md_path.empty()) {
    pgo::write_file_atomically(md_path, reports::bench_result_to_markdown(result, unit));
  }
  if (!benchfmt_path.empty()) {
    pgo::write_file_atomically(benchfmt_path, reports::bench_result_to_benchfmt(result));
  }
  if (result.interrupted) {
    std::size_t runs = 0;
    for (const CommandResult& cr : result.commands) runs += cr.runs.size();
    std::cerr << "pgo-harness: interrupted by " << (g_stop_signal == SIGTERM ? "SIGTERM" : "SIGINT")
              << ": results of the " << runs << " runs completed so far\n";
    return 128 + static_cast<int>(g_stop_signal);
  }
  return kExitOk;
}

}  // namespace

void configure_bench_command(CLI::App& app, CommandRunner& runner) {
  auto a = std::make_shared<BenchArgs>();
  // A repeatable option takes exactly one value per occurrence, as hyperfine's do:
  // `-n A -n B 'cmd1' 'cmd2'` names two commands instead of taking the commands as names.
  auto repeatable = [](CLI::Option* option) {
    option->expected(1)->allow_extra_args(false)->multi_option_policy(
        CLI::MultiOptionPolicy::TakeAll);
  };
  app.add_option("command", a->commands,
                 "Commands to benchmark, each one string; split like a shell would, run "
                 "without a shell unless --shell")
      ->required();
  app.add_option("-w,--warmup", a->warmup, "Untimed runs of each command before timing");
  app.add_option("-r,--runs", a->runs, "Exactly this many timed runs per command");
  app.add_option("-m,--min-runs", a->min_runs, "At least this many runs (default 10)");
  app.add_option("-M,--max-runs", a->max_runs, "At most this many runs");
  app.add_option("--min-time", a->min_time,
                 "Run each command for at least this many seconds (default 3)");
  app.add_option("--max-time", a->max_time,
                 "Stop a command after this many seconds of runs, even below --min-runs");
  repeatable(app.add_option("-s,--setup", a->setup,
                            "Run once per command before its runs (once, or once "
                            "per command)"));
  repeatable(app.add_option("-p,--prepare", a->prepare,
                            "Run before every run (once, or once per command)"));
  // hyperfine's letters: -C is --conclude (after every run), -c is --cleanup (after the
  // last run), so that a script's `-c 'rm -rf out'` does not run after every run.
  repeatable(app.add_option("-C,--conclude", a->conclude,
                            "Run after every run (once, or once per command)"));
  repeatable(app.add_option("-c,--cleanup", a->cleanup,
                            "Run once per command after its last run (once, or once per command)"));
  app.add_option("-P,--parameter-scan", a->parameter_scan,
                 "VAR MIN MAX: benchmark each command for VAR = MIN..MAX, used as {VAR}")
      ->expected(3)
      ->allow_extra_args(false);
  app.add_option("-D,--parameter-step-size", a->step_size, "Step of --parameter-scan (1)");
  app.add_option("-L,--parameter-list", a->parameter_list_words,
                 "VAR a,b,c: benchmark each command for each value of {VAR} (repeatable)")
      ->expected(2)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // --shell is a flag with an optional "=SHELL": it never takes the next word, which is a
  // command. -S always takes the next word as the shell, as hyperfine's -S does.
  app.add_flag("--shell{sh}", a->shell,
               "Run commands through a shell: --shell (sh) or --shell=SHELL (never the next "
               "word: --shell 'cmd' runs cmd with sh); its start-up time is measured and "
               "subtracted");
  app.add_option("-S", a->shell_short,
                 "SHELL: as --shell=SHELL, hyperfine's form: -S bash 'cmd' (-S none: no shell)")
      ->expected(1)
      ->allow_extra_args(false);
  app.add_flag("-N", a->no_shell, "No shell (the default; accepted for hyperfine users)");
  app.add_flag("-i,--ignore-failure", a->ignore_failure,
               "Keep measuring commands that exit non-zero, are killed or time out");
  repeatable(app.add_option(
      "-n,--command-name", a->names,
      "Name of a command in the output; repeat once per command, in order ({VAR} ok)"));
  app.add_option("--output", a->output,
                 "Where the commands' stdout/stderr go: null (default), pipe, inherit or FILE");
  app.add_option("--input", a->input, "Read the commands' stdin from FILE (default /dev/null)");
  app.add_option("-u,--time-unit", a->time_unit, "ns, us, ms or s (default: automatic)");
  repeatable(app.add_option(
      "--env", a->env, "K=V in every command's environment; N:K=V for command N only (1-based)"));
  repeatable(app.add_option("--cwd", a->cwd, "Working directory (once, or once per command)"));
  app.add_option("--timeout", a->timeout,
                 "Kill a run (and its process group) after this many seconds: a failed run");
  app.add_option("--order", a->order,
                 "interleaved (default: shuffled rounds, compared round by round with the "
                 "paired signed-rank test) or sequential (hyperfine's order, U test)");
  app.add_option("--seed", a->seed,
                 "Seed of the shuffles and the bootstrap (default: random, "
                 "recorded in the JSON export)");
  app.add_option("--target-precision", a->target_precision,
                 "P: run until each median's 95% CI is within ±P% (bounded by --max-runs, "
                 "default 1000, and --max-time)");
  app.add_option("--alpha", a->alpha, "Significance level of the comparisons (default 0.05)");
  app.add_option("--reference", a->reference,
                 "Command (name or 1-based number) the others are compared with (default 1)");
  app.add_option("--pin-cpu", a->pin_cpu, "Run the commands on these CPUs only, e.g. 0,2-3");
  app.add_option("--export-json", a->export_json, "Write the full result as JSON to FILE");
  app.add_option("--export-csv", a->export_csv, "Write a CSV summary to FILE");
  app.add_option("--export-markdown", a->export_markdown, "Write a Markdown table to FILE");
  app.add_option("--export-benchfmt", a->export_benchfmt,
                 "Write every run in the Go benchmark format to FILE (for benchstat -col "
                 "command)");
  app.add_option("--metric", a->metric,
                 "time (default), or count each run under valgrind's cachegrind: instructions "
                 "or cycles_estimate (instructions + weighted cache misses and mispredicted "
                 "branches), with GOMAXPROCS=1 GOGC=off GOMEMLIMIT=1GiB "
                 "GODEBUG=asyncpreemptoff=1; or hw_instructions, hw_cycles from the CPU's "
                 "counters (needs a PMU); 2-4 runs, no exports");
  app.add_option("--style", a->style,
                 "full (progress bar on a terminal), basic (no progress bar) or none");
  app.add_flag("-q,--quiet", a->quiet, "Print nothing but errors (same as --style none)");
  app.callback([a, &runner] { runner = [a] { return run_bench(*a); }; });
}

}  // namespace pgo::cli

#include "trials/trial_scheduler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "base/error.h"
#include "process/process.h"
#include "stats/count_comparison.h"
#include "stats/random.h"
#include "stats/statistics.h"

namespace pgo::harness {
namespace {

// With a zero first run (a clock too coarse, or a shell overhead larger than the run)
// hyperfine's rule would ask for infinitely many runs; this bounds it.
constexpr std::size_t kRunsWhenFirstRunIsZero = 10000;

std::string describe(const TrialMeasurement& m, std::optional<double> timeout) {
  ProcessResult r;
  r.exit_code = m.exit_code;
  r.term_signal = m.term_signal;
  r.timed_out = m.timed_out;
  r.wall_time = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double>(m.timed_out && timeout ? *timeout : m.wall_seconds));
  return r.describe_status();
}

// Thrown by TrialScheduler::execute when the stop check fires; caught in run().
struct Interrupted {};

}  // namespace

TrialScheduler::TrialScheduler(CommandExecutor& executor, BenchOptions options)
    : exec_(executor), options_(std::move(options)) {}

TrialMeasurement TrialScheduler::execute(const BenchCommand& command, RunKind kind) {
  if (stop_ && stop_()) throw Interrupted{};
  TrialMeasurement m = exec_.run(command, kind);
  // Checked before the result is looked at: a child killed by the stop is no failure.
  if (stop_ && stop_()) throw Interrupted{};
  return m;
}

void TrialScheduler::run_hook(const std::optional<BenchCommand>& hook, RunKind kind) {
  if (!hook) return;
  TrialMeasurement m = execute(*hook, kind);
  if (!m.succeeded()) {
    throw Error(to_string(kind), "",
                "the " + std::string(to_string(kind)) + " command '" + hook->text +
                    "' failed: " + describe(m, std::nullopt),
                "fix the command; hooks must succeed even with --ignore-failure");
  }
}

TrialMeasurement TrialScheduler::run_measured(const BenchPlan& plan, std::size_t c, RunKind kind) {
  const CommandHooks* hooks = plan.hooks.empty() ? nullptr : &plan.hooks[c];
  if (hooks) run_hook(hooks->prepare, RunKind::kPrepare);
  TrialMeasurement m = execute(plan.commands[c], kind);
  if (hooks) run_hook(hooks->conclude, RunKind::kConclude);
  if (const auto& shell = result_.shell_overhead) {
    m.wall_seconds = std::max(0.0, m.wall_seconds - shell->wall_seconds);
    m.user_seconds = std::max(0.0, m.user_seconds - shell->user_seconds);
    m.system_seconds = std::max(0.0, m.system_seconds - shell->system_seconds);
  }
  if (!m.succeeded() && !options_.ignore_failure) {
    throw Error(
        "run", "",
        "command '" + plan.commands[c].name + "' failed: " + describe(m, options_.timeout_seconds),
        "use --ignore-failure to measure it anyway, or --output inherit to see its "
        "output");
  }
  return m;
}

void TrialScheduler::warmups(const BenchPlan& plan, std::size_t c) {
  for (std::size_t i = 0; i < options_.warmup_runs; ++i) {
    run_measured(plan, c, RunKind::kWarmup);
    result_.commands[c].warmup_runs++;
    report(SchedulerProgress::Phase::kWarmup, c);
  }
}

void TrialScheduler::timed_run(const BenchPlan& plan, std::size_t c) {
  CommandResult& cr = result_.commands[c];
  const double started = exec_.now_seconds() - start_;
  TrialMeasurement m = run_measured(plan, c, RunKind::kTimed);
  // The clock time the run took (its hooks included), for the ETA: the measurement itself
  // may be CPU time, ns per op or a count.
  run_clock_seconds_[c] += exec_.now_seconds() - start_ - started;
  cr.runs.push_back(m);
  cr.start_seconds.push_back(started);
  ++total_done_;
  if (cr.runs.size() == 1 && !options_.exact_runs && !options_.target_precision) {
    // hyperfine's rule: enough runs to fill min_time, at least min_runs, at most max_runs.
    std::size_t wanted =
        m.wall_seconds > 0
            ? static_cast<std::size_t>(std::ceil(options_.min_time_seconds / m.wall_seconds))
            : kRunsWhenFirstRunIsZero;
    wanted = std::max(wanted, options_.min_runs);
    if (options_.max_runs) wanted = std::min(wanted, *options_.max_runs);
    planned_[c] = std::max<std::size_t>(wanted, 1);
  }
  report(SchedulerProgress::Phase::kMeasuring, c);
}

bool TrialScheduler::finished(std::size_t c, double budget_start, double budget_seconds) {
  if (stop_rule_holds(c, budget_start, budget_seconds)) done_[c] = true;
  return done_[c];
}

bool TrialScheduler::stop_rule_holds(std::size_t c, double budget_start, double budget_seconds) {
  CommandResult& cr = result_.commands[c];
  const std::size_t n = cr.runs.size();
  if (options_.exact_runs && n >= *options_.exact_runs) {
    cr.stop_reason = StopReason::kExactRuns;
    return true;
  }
  if (options_.max_time_seconds && exec_.now_seconds() - budget_start >= budget_seconds) {
    cr.stop_reason = StopReason::kMaxTime;
    return true;
  }
  if (options_.exact_runs) return false;
  if (options_.spread_tolerance) {
    const std::size_t cap = options_.max_runs.value_or(options_.precision_run_cap);
    std::optional<double> spread = relative_spread(cr.wall_times());
    if (n >= std::max<std::size_t>(options_.min_runs, 2) && spread &&
        *spread <= *options_.spread_tolerance) {
      cr.stop_reason = StopReason::kSpreadReached;
      return true;
    }
    if (n >= cap) {
      cr.stop_reason = StopReason::kMaxRuns;
      return true;
    }
    return false;
  }
  if (options_.target_precision) {
    const std::size_t cap = options_.max_runs.value_or(options_.precision_run_cap);
    if (n >= std::max<std::size_t>(options_.min_runs, 1) &&
        precision_reached(cr.wall_times(), *options_.target_precision)) {
      cr.stop_reason = StopReason::kPrecisionReached;
      return true;
    }
    if (n >= cap) {
      cr.stop_reason = StopReason::kMaxRuns;
      return true;
    }
    return false;
  }
  if (planned_[c] && n >= *planned_[c]) {
    const bool capped =
        options_.max_runs && *planned_[c] == *options_.max_runs &&
        cr.runs.front().wall_seconds * static_cast<double>(n) < options_.min_time_seconds;
    cr.stop_reason = capped ? StopReason::kMaxRuns : StopReason::kMinTimeAndRuns;
    return true;
  }
  return false;
}

void TrialScheduler::report(SchedulerProgress::Phase phase, std::size_t c) {
  if (!progress_) return;
  SchedulerProgress p;
  p.phase = phase;
  p.command = c;
  p.command_runs_done = c < result_.commands.size() ? result_.commands[c].runs.size() : 0;
  p.total_runs_done = total_done_;
  p.elapsed_seconds = exec_.now_seconds() - start_;
  double eta = 0;
  bool eta_known = true;
  for (std::size_t i = 0; i < result_.commands.size(); ++i) {
    const CommandResult& cr = result_.commands[i];
    std::size_t planned = options_.exact_runs ? *options_.exact_runs
                          : planned_[i]       ? *planned_[i]
                                              : std::max<std::size_t>(options_.min_runs, 1);
    planned = std::max(planned, cr.runs.size());
    p.total_runs_planned += planned;
    if (cr.runs.empty()) {
      eta_known = false;
      continue;
    }
    const double mean_run = run_clock_seconds_[i] / static_cast<double>(cr.runs.size());
    eta += mean_run * static_cast<double>(planned - cr.runs.size());
  }
  if (eta_known && phase == SchedulerProgress::Phase::kMeasuring) p.eta_seconds = eta;
  progress_(p);
}

BenchResult TrialScheduler::run(const BenchPlan& plan) {
  if (plan.commands.empty()) throw Error("bench", "", "no command to benchmark", "");
  if (!plan.hooks.empty() && plan.hooks.size() != plan.commands.size()) {
    throw Error("bench", "", "hooks must be given once or once per command", "");
  }
  result_ = BenchResult{};
  result_.options = options_;
  planned_.assign(plan.commands.size(), std::nullopt);
  run_clock_seconds_.assign(plan.commands.size(), 0.0);
  done_.assign(plan.commands.size(), false);
  total_done_ = 0;
  start_ = exec_.now_seconds();
  for (const BenchCommand& cmd : plan.commands) {
    CommandResult cr;
    cr.command = cmd;
    result_.commands.push_back(std::move(cr));
  }

  try {
    if (plan.shell_calibration) {
      TrialMeasurement sum;
      const std::size_t n = std::max<std::size_t>(options_.shell_calibration_runs, 1);
      for (std::size_t i = 0; i < n; ++i) {
        TrialMeasurement m = execute(*plan.shell_calibration, RunKind::kShellCalibration);
        if (!m.succeeded()) {
          throw Error("shell", "", "the shell '" + options_.shell + "' failed on an empty command",
                      "check --shell");
        }
        sum.wall_seconds += m.wall_seconds;
        sum.user_seconds += m.user_seconds;
        sum.system_seconds += m.system_seconds;
        sum.max_rss_bytes = std::max(sum.max_rss_bytes, m.max_rss_bytes);
        report(SchedulerProgress::Phase::kCalibration, 0);
      }
      sum.wall_seconds /= static_cast<double>(n);
      sum.user_seconds /= static_cast<double>(n);
      sum.system_seconds /= static_cast<double>(n);
      result_.shell_overhead = sum;
    }

    auto hooks_of = [&](std::size_t c) -> const CommandHooks* {
      return plan.hooks.empty() ? nullptr : &plan.hooks[c];
    };
    const std::size_t count = plan.commands.size();
    const double budget = options_.max_time_seconds.value_or(0);

    if (options_.order == RunOrder::kSequential) {
      for (std::size_t c = 0; c < count; ++c) {
        if (auto* h = hooks_of(c)) run_hook(h->setup, RunKind::kSetup);
        warmups(plan, c);
        const double budget_start = exec_.now_seconds();
        do {
          timed_run(plan, c);
        } while (!finished(c, budget_start, budget));
        if (auto* h = hooks_of(c)) run_hook(h->cleanup, RunKind::kCleanup);
      }
    } else {
      for (std::size_t c = 0; c < count; ++c) {
        if (auto* h = hooks_of(c)) run_hook(h->setup, RunKind::kSetup);
      }
      for (std::size_t c = 0; c < count; ++c) warmups(plan, c);
      SeededRng rng(options_.seed);
      std::vector<std::size_t> active(count);
      std::iota(active.begin(), active.end(), 0);
      const double budget_start = exec_.now_seconds();
      for (std::size_t round_index = 0; !active.empty(); ++round_index) {
        std::vector<std::size_t> round = active;
        rng.shuffle(round);
        for (std::size_t c : round) {
          timed_run(plan, c);
          result_.commands[c].rounds.push_back(round_index);
        }
        std::vector<std::size_t> still;
        for (std::size_t c : active) {
          if (!finished(c, budget_start, budget * static_cast<double>(count))) still.push_back(c);
        }
        active = std::move(still);
      }
      for (std::size_t c = 0; c < count; ++c) {
        if (auto* h = hooks_of(c)) run_hook(h->cleanup, RunKind::kCleanup);
      }
    }
  } catch (const Interrupted&) {
    result_.interrupted = true;
    for (std::size_t c = 0; c < result_.commands.size(); ++c) {
      if (!done_[c]) result_.commands[c].stop_reason = StopReason::kInterrupted;
    }
  }
  result_.total_seconds = exec_.now_seconds() - start_;
  return std::move(result_);
}

}  // namespace pgo::harness

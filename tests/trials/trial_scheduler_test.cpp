// Risk guarded against: the scheduler running commands the wrong number of times, hooks in
// the wrong order, an interleaving that is not reproducible from its seed, adaptive
// stopping that stops too early or never, failures that pass silently, and sequential
// order's drift bias leaking into the default (interleaved) order. No process runs: the
// ScriptedExecutor returns scripted times and keeps a simulated clock.
#include "trials/trial_scheduler.h"

#include <catch2/catch.hpp>
#include <set>

#include "base/error.h"
#include "stats/random.h"
#include "stats/sample_comparison.h"

using namespace pgo::harness;

namespace {

BenchCommand command(const std::string& name) {
  BenchCommand c;
  c.name = name;
  c.text = name;
  c.argv = {name};
  return c;
}

BenchPlan plan_of(std::initializer_list<const char*> names) {
  BenchPlan plan;
  for (const char* n : names) plan.commands.push_back(command(n));
  return plan;
}

// Every timed/warmup run takes `seconds`; hooks take no time.
ScriptedExecutor constant(double seconds) {
  return ScriptedExecutor([seconds](const ScriptedCall& call) {
    TrialMeasurement m;
    if (call.kind == RunKind::kTimed || call.kind == RunKind::kWarmup) m.wall_seconds = seconds;
    return m;
  });
}

CommandHooks hooks_for(const std::string& tag) {
  CommandHooks h;
  h.setup = command("setup-" + tag);
  h.prepare = command("prepare-" + tag);
  h.conclude = command("conclude-" + tag);
  h.cleanup = command("cleanup-" + tag);
  return h;
}

}  // namespace

TEST_CASE("run counts follow --runs and hyperfine's min-time rule", "[scheduler]") {
  BenchOptions o;
  o.order = RunOrder::kSequential;
  SECTION("--runs is exact") {
    auto exec = constant(0.001);
    o.exact_runs = 7;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a", "b"}));
    CHECK(r.commands[0].runs.size() == 7);
    CHECK(r.commands[1].runs.size() == 7);
    CHECK(r.commands[0].stop_reason == StopReason::kExactRuns);
  }
  SECTION("fast commands fill the minimum time: 3 s / 0.1 s = 30 runs") {
    auto exec = constant(0.1);
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].runs.size() == 30);
    CHECK(r.commands[0].stop_reason == StopReason::kMinTimeAndRuns);
  }
  SECTION("slow commands still get min_runs") {
    auto exec = constant(1.0);
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].runs.size() == 10);
  }
  SECTION("--max-runs bounds the rule") {
    auto exec = constant(0.01);
    o.max_runs = 20;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].runs.size() == 20);
    CHECK(r.commands[0].stop_reason == StopReason::kMaxRuns);
  }
  SECTION("interleaved rounds give each command its own count") {
    auto exec = ScriptedExecutor([](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = call.command->name == "fast" ? 0.1 : 1.0;
      return m;
    });
    o.order = RunOrder::kInterleaved;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"fast", "slow"}));
    CHECK(r.commands[0].runs.size() == 30);
    CHECK(r.commands[1].runs.size() == 10);
  }
  SECTION("warmups run before and are not counted") {
    auto exec = constant(0.5);
    o.exact_runs = 3;
    o.warmup_runs = 2;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].runs.size() == 3);
    CHECK(r.commands[0].warmup_runs == 2);
    CHECK(exec.names_of(RunKind::kWarmup).size() == 2);
    CHECK(exec.log().front().kind == RunKind::kWarmup);
  }
}

TEST_CASE("hooks run in hyperfine's order", "[scheduler]") {
  BenchOptions o;
  o.exact_runs = 2;
  o.warmup_runs = 1;
  BenchPlan plan = plan_of({"a", "b"});
  plan.hooks = {hooks_for("a"), hooks_for("b")};
  auto render = [](const ScriptedExecutor& e) {
    std::vector<std::string> out;
    for (const auto& entry : e.log()) {
      out.push_back(entry.kind == RunKind::kTimed || entry.kind == RunKind::kWarmup
                        ? std::string(to_string(entry.kind)) + "-" + entry.command
                        : entry.command);
    }
    return out;
  };
  SECTION("sequential: each command's hooks around its own runs") {
    o.order = RunOrder::kSequential;
    auto exec = constant(0.01);
    TrialScheduler(exec, o).run(plan);
    std::vector<std::string> one = {"setup-X",   "prepare-X",  "warmup-X",   "conclude-X",
                                    "prepare-X", "timed-X",    "conclude-X", "prepare-X",
                                    "timed-X",   "conclude-X", "cleanup-X"};
    std::vector<std::string> expected;
    for (const char* tag : {"a", "b"}) {
      for (std::string s : one) expected.push_back(s.replace(s.size() - 1, 1, tag));
    }
    CHECK(render(exec) == expected);
  }
  SECTION("interleaved: all setups first, all cleanups last, prepare/conclude per run") {
    o.order = RunOrder::kInterleaved;
    auto exec = constant(0.01);
    TrialScheduler(exec, o).run(plan);
    auto log = render(exec);
    REQUIRE(log.size() == 2 + 2 * 3 + 2 * 2 * 3 + 2);
    CHECK(log[0] == "setup-a");
    CHECK(log[1] == "setup-b");
    CHECK(log[log.size() - 2] == "cleanup-a");
    CHECK(log.back() == "cleanup-b");
    for (std::size_t i = 2; i + 2 < log.size(); i += 3) {
      std::string tag = log[i + 1].substr(log[i + 1].size() - 1);
      CHECK(log[i] == "prepare-" + tag);
      CHECK(log[i + 2] == "conclude-" + tag);
    }
  }
}

TEST_CASE("interleaved order is shuffled per round and reproducible from the seed", "[scheduler]") {
  BenchOptions o;
  o.exact_runs = 40;
  auto timed_order = [&](std::uint64_t seed) {
    o.seed = seed;
    auto exec = constant(0.01);
    TrialScheduler(exec, o).run(plan_of({"a", "b", "c"}));
    return exec.names_of(RunKind::kTimed);
  };
  auto first = timed_order(42);
  REQUIRE(first.size() == 120);
  CHECK(timed_order(42) == first);
  CHECK(timed_order(43) != first);
  std::set<std::string> round_orders;
  for (std::size_t round = 0; round < 40; ++round) {
    std::vector<std::string> r(first.begin() + round * 3, first.begin() + round * 3 + 3);
    CHECK(std::set<std::string>(r.begin(), r.end()) == std::set<std::string>{"a", "b", "c"});
    round_orders.insert(r[0] + r[1] + r[2]);
  }
  CHECK(round_orders.size() >= 4);  // 40 rounds of 6 possible orders: not a fixed pattern

  o.order = RunOrder::kSequential;
  auto exec = constant(0.01);
  TrialScheduler(exec, o).run(plan_of({"a", "b"}));
  auto seq = exec.names_of(RunKind::kTimed);
  CHECK(std::count(seq.begin(), seq.begin() + 40, "a") == 40);
}

TEST_CASE("adaptive stopping ends at the target precision or at the bounds", "[scheduler]") {
  BenchOptions o;
  o.target_precision = 0.02;
  auto noisy = [](double relative_sd) {
    auto rng = std::make_shared<SeededRng>(7);
    return ScriptedExecutor([rng, relative_sd](const ScriptedCall&) {
      TrialMeasurement m;
      m.wall_seconds = 0.1 * (1 + rng->normal(0, relative_sd));
      return m;
    });
  };
  SECTION("quiet runs reach ±2% quickly") {
    auto exec = noisy(0.005);
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].stop_reason == StopReason::kPrecisionReached);
    CHECK(r.commands[0].runs.size() == 10);  // min_runs: already precise enough
    CHECK(precision_reached(r.commands[0].wall_times(), 0.02));
  }
  SECTION("noisier runs need more runs, and stop as soon as the target is met") {
    auto exec = noisy(0.08);
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    const auto& cr = r.commands[0];
    CHECK(cr.stop_reason == StopReason::kPrecisionReached);
    CHECK(cr.runs.size() > 10);
    auto times = cr.wall_times();
    CHECK(precision_reached(times, 0.02));
    times.pop_back();
    CHECK_FALSE(precision_reached(times, 0.02));
  }
  SECTION("very noisy runs stop at --max-runs") {
    auto exec = noisy(0.5);
    o.max_runs = 25;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].stop_reason == StopReason::kMaxRuns);
    CHECK(r.commands[0].runs.size() == 25);
  }
  SECTION("or at --max-time, per command") {
    auto exec = noisy(0.5);
    o.max_time_seconds = 2.0;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a", "b"}));
    for (const auto& cr : r.commands) {
      CHECK(cr.stop_reason == StopReason::kMaxTime);
      CHECK(cr.runs.size() >= 15);  // ~0.1 s runs in a 2 s × 2 commands budget
      CHECK(cr.runs.size() <= 25);
    }
  }
}

TEST_CASE("failed runs stop the benchmark unless failures are ignored", "[scheduler]") {
  auto exec = ScriptedExecutor([](const ScriptedCall& call) {
    TrialMeasurement m;
    m.wall_seconds = 0.01;
    if (call.command->name == "bad" && call.kind == RunKind::kTimed) m.exit_code = 3;
    if (call.command->name == "slow") m.timed_out = true;
    return m;
  });
  BenchOptions o;
  o.exact_runs = 3;
  try {
    TrialScheduler(exec, o).run(plan_of({"good", "bad"}));
    FAIL("expected pgo::Error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "run");
    CHECK(e.problem().find("'bad' failed: exit status 3") != std::string::npos);
    CHECK(e.hint().find("--ignore-failure") != std::string::npos);
  }
  o.ignore_failure = true;
  BenchResult r = TrialScheduler(exec, o).run(plan_of({"good", "bad", "slow"}));
  CHECK(r.commands[1].runs.size() == 3);
  CHECK(r.commands[1].runs[0].exit_code == 3);
  CHECK(r.commands[2].runs[0].timed_out);

  SECTION("a failing hook always stops it") {
    auto hook_fails = ScriptedExecutor([](const ScriptedCall& call) {
      TrialMeasurement m;
      if (call.kind == RunKind::kPrepare) m.exit_code = 1;
      return m;
    });
    BenchPlan plan = plan_of({"a"});
    plan.hooks = {hooks_for("a")};
    try {
      TrialScheduler(hook_fails, o).run(plan);
      FAIL("expected pgo::Error");
    } catch (const pgo::Error& e) {
      CHECK(e.stage() == "prepare");
    }
  }
}

TEST_CASE("the shell's start-up time is measured and subtracted", "[scheduler]") {
  auto exec = ScriptedExecutor([](const ScriptedCall& call) {
    TrialMeasurement m;
    m.wall_seconds = call.kind == RunKind::kShellCalibration ? 0.002 : 0.012;
    m.user_seconds = call.kind == RunKind::kShellCalibration ? 0.001 : 0.0005;
    return m;
  });
  BenchOptions o;
  o.exact_runs = 4;
  o.shell = "sh";
  o.shell_calibration_runs = 50;
  BenchPlan plan = plan_of({"a"});
  plan.shell_calibration = command("sh -c ''");
  BenchResult r = TrialScheduler(exec, o).run(plan);
  CHECK(exec.names_of(RunKind::kShellCalibration).size() == 50);
  REQUIRE(r.shell_overhead);
  CHECK(r.shell_overhead->wall_seconds == Approx(0.002));
  CHECK(r.commands[0].runs[0].wall_seconds == Approx(0.010));
  CHECK(r.commands[0].runs[0].user_seconds == 0.0);  // never below zero
}

TEST_CASE("progress reports count runs and estimate the time left", "[scheduler]") {
  auto exec = constant(0.5);
  BenchOptions o;
  o.exact_runs = 4;
  std::vector<SchedulerProgress> seen;
  TrialScheduler scheduler(exec, o);
  scheduler.on_progress([&](const SchedulerProgress& p) { seen.push_back(p); });
  scheduler.run(plan_of({"a", "b"}));
  REQUIRE(seen.size() == 8);
  CHECK(seen.back().total_runs_done == 8);
  CHECK(seen.back().total_runs_planned == 8);
  CHECK(seen.back().eta_seconds == Approx(0.0));
  CHECK(seen[2].total_runs_done == 3);
  REQUIRE(seen[2].eta_seconds);
  CHECK(*seen[2].eta_seconds == Approx(2.5));  // 5 runs left at 0.5 s
  CHECK(seen.back().elapsed_seconds == Approx(4.0));
}

TEST_CASE("the ETA comes from the clock time runs take, not from what they measure",
          "[scheduler]") {
  // Risk: an ETA of days for runs whose measurement is a count (millions of cycles) or of
  // nothing for ns/op. Each run reports a count as its measurement but takes 2 s of clock.
  auto exec = ScriptedExecutor([](const ScriptedCall& call) {
    TrialMeasurement m;
    m.wall_seconds = call.kind == RunKind::kTimed ? 7.5e8 : 0;  // a count, not seconds
    return m;
  });
  struct ClockedExecutor : CommandExecutor {
    ScriptedExecutor& inner;
    double clock = 0;
    explicit ClockedExecutor(ScriptedExecutor& e) : inner(e) {}
    TrialMeasurement run(const BenchCommand& c, RunKind kind) override {
      clock += 2.0;
      return inner.run(c, kind);
    }
    double now_seconds() override { return clock; }
  } clocked(exec);
  BenchOptions o;
  o.exact_runs = 4;
  std::vector<SchedulerProgress> seen;
  TrialScheduler scheduler(clocked, o);
  scheduler.on_progress([&](const SchedulerProgress& p) { seen.push_back(p); });
  scheduler.run(plan_of({"a", "b"}));
  REQUIRE(seen.size() == 8);
  REQUIRE(seen[2].eta_seconds);
  CHECK(*seen[2].eta_seconds == Approx(10.0));  // 5 runs left at 2 s of clock each
  CHECK(seen.back().eta_seconds == Approx(0.0));
}

// The reason interleaving is the default. A machine that slows down linearly over time
// (thermal throttling, a growing background load) makes the second of two identical
// commands look slower when it runs after the first; in shuffled rounds both see the same
// drift. 200 simulated A/A benchmarks, 20 runs each, 1% noise, drift 1% per second.
TEST_CASE("interleaving removes a linear drift that sequential order turns into a difference",
          "[scheduler][drift]") {
  auto simulate = [](RunOrder order, std::uint64_t seed) {
    auto rng = std::make_shared<SeededRng>(seed);
    auto exec = ScriptedExecutor([rng](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = 0.1 * (1 + 0.01 * call.clock) * (1 + rng->normal(0, 0.01));
      return m;
    });
    BenchOptions o;
    o.exact_runs = 20;
    o.order = order;
    o.seed = seed;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"A", "A'"}));
    SampleComparison c =
        compare_samples(r.commands[0].wall_times(), r.commands[1].wall_times(), 0.05, seed);
    return c.verdict != Verdict::kNoSignificantDifference;
  };
  int sequential_significant = 0, interleaved_significant = 0;
  const int trials = 200;
  for (int i = 0; i < trials; ++i) {
    sequential_significant += simulate(RunOrder::kSequential, 1000 + i);
    interleaved_significant += simulate(RunOrder::kInterleaved, 1000 + i);
  }
  CHECK(sequential_significant >= trials * 95 / 100);
  CHECK(interleaved_significant <= trials * 10 / 100);
}

// The paired comparison pairs the i-th runs of two commands as one round: that must hold
// whatever the stop rules, failures and interruptions do to the run counts.
TEST_CASE("every run records its round, and the i-th run of each command is round i",
          "[scheduler][rounds]") {
  BenchOptions o;
  SECTION("commands that stop at different counts keep their rounds aligned") {
    auto exec = ScriptedExecutor([](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = call.command->name == "fast" ? 0.1 : 1.0;
      return m;
    });
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"fast", "slow"}));
    REQUIRE(r.commands[0].rounds.size() == 30);
    REQUIRE(r.commands[1].rounds.size() == 10);
    for (const auto& cr : r.commands) {
      for (std::size_t i = 0; i < cr.rounds.size(); ++i) CHECK(cr.rounds[i] == i);
    }
    // And the runs of one round are back to back in the execution log: round i's runs of
    // both commands come after every run of round i - 1.
    std::vector<std::string> timed = exec.names_of(RunKind::kTimed);
    for (std::size_t round = 0; round < 10; ++round) {
      std::set<std::string> names = {timed[2 * round], timed[2 * round + 1]};
      CHECK(names == std::set<std::string>{"fast", "slow"});
    }
  }
  SECTION("failed runs kept by --ignore-failure keep their round") {
    auto exec = ScriptedExecutor([](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = 0.01;
      if (call.command->name == "bad" && call.index % 3 == 0) m.exit_code = 1;
      return m;
    });
    o.exact_runs = 6;
    o.ignore_failure = true;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"good", "bad"}));
    CHECK(r.commands[1].rounds == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
    CHECK(r.commands[0].rounds == r.commands[1].rounds);
  }
  SECTION("an interrupted run leaves its round out") {
    std::size_t timed = 0;
    bool stop = false;
    ScriptedExecutor exec([&](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = 0.01;
      if (call.kind == RunKind::kTimed && ++timed == 5) stop = true;
      return m;
    });
    o.exact_runs = 10;
    TrialScheduler scheduler(exec, o);
    scheduler.stop_when([&] { return stop; });
    BenchResult r = scheduler.run(plan_of({"a", "b"}));
    CHECK(r.commands[0].rounds.size() + r.commands[1].rounds.size() == 4);
    for (const auto& cr : r.commands) CHECK(cr.rounds.size() == cr.runs.size());
  }
  SECTION("sequential order has no rounds") {
    auto exec = constant(0.01);
    o.order = RunOrder::kSequential;
    o.exact_runs = 4;
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a", "b"}));
    CHECK(r.commands[0].rounds.empty());
    CHECK(r.commands[1].rounds.empty());
  }
}

TEST_CASE("a stop request ends the benchmark with the runs completed so far", "[scheduler]") {
  // The stop flag is raised during the 8th timed run (as a SIGINT handler would, after
  // killing that run's child, which then looks like a failure). That run must be dropped
  // and not reported as a failure; the 7 before it are kept; no hook runs afterwards.
  BenchOptions o;
  o.exact_runs = 100;
  std::size_t timed = 0;
  bool stop = false;
  ScriptedExecutor exec([&](const ScriptedCall& call) {
    TrialMeasurement m;
    if (call.kind != RunKind::kTimed) return m;
    m.wall_seconds = 0.01;
    if (++timed == 8) {
      stop = true;
      m.term_signal = 9;  // killed by the handler
    }
    return m;
  });
  BenchPlan plan = plan_of({"a", "b"});
  plan.hooks = {hooks_for("a"), hooks_for("b")};
  TrialScheduler scheduler(exec, o);
  scheduler.stop_when([&] { return stop; });
  BenchResult r = scheduler.run(plan);
  CHECK(r.interrupted);
  CHECK(r.commands[0].runs.size() + r.commands[1].runs.size() == 7);
  for (const auto& cr : r.commands) {
    CHECK(cr.stop_reason == StopReason::kInterrupted);
    for (const auto& m : cr.runs) CHECK(m.succeeded());
  }
  CHECK(exec.names_of(RunKind::kCleanup).empty());
  CHECK(exec.names_of(RunKind::kConclude).size() == 7);
  CHECK(exec.names_of(RunKind::kTimed).size() == 8);

  SECTION("without a stop request nothing is marked interrupted") {
    auto plain = constant(0.001);
    o.exact_runs = 3;
    TrialScheduler s2(plain, o);
    s2.stop_when([] { return false; });
    BenchResult r2 = s2.run(plan_of({"a"}));
    CHECK_FALSE(r2.interrupted);
    CHECK(r2.commands[0].stop_reason == StopReason::kExactRuns);
  }
}

TEST_CASE("counting runs stop once they agree within the spread tolerance",
          "[scheduler][counting]") {
  // Risk: near-deterministic counts run as many times as noisy timings (each run costs 50x
  // under cachegrind), or stop before their agreement is known.
  BenchOptions o;
  o.min_runs = 2;
  o.max_runs = 5;
  o.min_time_seconds = 0;
  o.spread_tolerance = 0.001;
  SECTION("two agreeing runs are enough") {
    auto exec = ScriptedExecutor([](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = 1e9 + static_cast<double>(call.index % 2) * 1e4;  // 0.001% apart
      return m;
    });
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a", "b"}));
    for (const CommandResult& c : r.commands) {
      CHECK(c.runs.size() == 2);
      CHECK(c.stop_reason == StopReason::kSpreadReached);
    }
  }
  SECTION("runs that disagree go on to max_runs") {
    auto exec = ScriptedExecutor([](const ScriptedCall& call) {
      TrialMeasurement m;
      m.wall_seconds = 1e9 * (1 + 0.01 * static_cast<double>(call.index % 3));  // 1-2% apart
      return m;
    });
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].runs.size() == 5);
    CHECK(r.commands[0].stop_reason == StopReason::kMaxRuns);
  }
  SECTION("one run never proves agreement") {
    o.min_runs = 1;
    auto exec = constant(1e9);
    BenchResult r = TrialScheduler(exec, o).run(plan_of({"a"}));
    CHECK(r.commands[0].runs.size() == 2);
  }
}

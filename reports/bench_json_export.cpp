#include "reports/bench_json_export.h"

#include "reports/run_report_json.h"

namespace pgo::reports {
namespace {

using harness::BenchResult;
using harness::CommandResult;
using json = nlohmann::ordered_json;

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json interval(const std::optional<harness::ConfidenceInterval>& ci) {
  if (!ci) return nullptr;
  return json{{"lower", ci->lower}, {"upper", ci->upper}, {"confidence", ci->confidence}};
}

json command_json(const CommandResult& cr, const harness::BenchOptions& options) {
  json j;
  const auto& s = cr.summary;
  // hyperfine's fields, in hyperfine's order.
  j["command"] = cr.command.name;
  j["mean"] = s ? json(s->mean) : json(nullptr);
  j["stddev"] = s ? optional_number(s->stddev) : json(nullptr);
  j["median"] = s ? json(s->median) : json(nullptr);
  j["user"] = cr.mean_user_seconds;
  j["system"] = cr.mean_system_seconds;
  j["min"] = s ? json(s->min) : json(nullptr);
  j["max"] = s ? json(s->max) : json(nullptr);
  json times = json::array(), memory = json::array(), exit_codes = json::array();
  json user_times = json::array(), system_times = json::array(), signals = json::array();
  json timed_out = json::array(), starts = json::array();
  for (std::size_t i = 0; i < cr.runs.size(); ++i) {
    const auto& r = cr.runs[i];
    times.push_back(r.wall_seconds);
    memory.push_back(r.max_rss_bytes);
    exit_codes.push_back(r.term_signal == 0 && !r.timed_out ? json(r.exit_code) : json(nullptr));
    user_times.push_back(r.user_seconds);
    system_times.push_back(r.system_seconds);
    signals.push_back(r.term_signal == 0 ? json(nullptr) : json(r.term_signal));
    timed_out.push_back(r.timed_out);
    starts.push_back(i < cr.start_seconds.size() ? json(cr.start_seconds[i]) : json(nullptr));
  }
  j["times"] = times;
  j["memory_usage_byte"] = memory;
  j["exit_codes"] = exit_codes;
  json params = json::object();
  for (const auto& [k, v] : cr.command.parameters) params[k] = v;
  j["parameters"] = params;
  // Ours.
  j["command_line"] = cr.command.text;
  j["argv"] = cr.command.argv;
  j["runs"] = cr.runs.size();
  j["warmup_runs"] = cr.warmup_runs;
  j["median_ci"] = interval(cr.median_interval);
  j["precision"] = optional_number(cr.precision);
  if (options.target_precision) j["precision_target_reached"] = cr.precision_target_reached;
  j["stop_reason"] = to_string(cr.stop_reason);
  j["failed_runs"] = cr.failed_runs;
  j["outliers"] = {{"count", cr.outliers.outlier_count},
                   {"slow_first_run", cr.outliers.slow_first_run}};
  j["user_times"] = user_times;
  j["system_times"] = system_times;
  j["signals"] = signals;
  j["timed_out"] = timed_out;
  j["start_times"] = starts;
  j["rounds"] = cr.rounds;  // interleaved order: the round of each run; [] otherwise
  j["env"] = cr.command.env;
  j["working_directory"] = cr.command.working_directory;
  j["warnings"] = cr.warnings;
  return j;
}

json comparison_json(const BenchResult& result, const harness::CommandComparison& c) {
  const auto& s = c.stats;
  json j;
  j["reference"] = result.commands[c.reference].command.name;
  j["candidate"] = result.commands[c.candidate].command.name;
  j["reference_index"] = c.reference;
  j["candidate_index"] = c.candidate;
  j["median_ratio"] = optional_number(s.median_ratio);
  j["median_ratio_ci"] = interval(s.median_ratio_interval);
  j["p_value"] = optional_number(s.p_value);
  j["u_statistic"] = s.u_test ? json(s.u_test->u_a) : json(nullptr);
  if (!s.u_test) {
    j["u_test_method"] = nullptr;
  } else {
    switch (s.u_test->method) {
      case harness::UTestMethod::kExact:
        j["u_test_method"] = "exact";
        break;
      case harness::UTestMethod::kExactWithTies:
        j["u_test_method"] = "exact-with-ties";
        break;
      case harness::UTestMethod::kNormalApproximation:
        j["u_test_method"] = "normal-approximation";
        break;
    }
  }
  // Which test decided: "paired-signed-rank" (interleaved rounds) or "u-test". p_value is
  // that test's; both tests' p-values are kept so that they can be set side by side.
  j["method"] = std::string(harness::to_string(s.method));
  j["u_test_p_value"] = s.u_test ? json(s.u_test->p_value) : json(nullptr);
  if (s.signed_rank) {
    j["signed_rank"] = {{"pairs", s.signed_rank->pairs},
                        {"zeros", s.signed_rank->zeros},
                        {"w_plus", s.signed_rank->w_plus},
                        {"p_value", s.signed_rank->p_value},
                        {"method", s.signed_rank->method == harness::SignedRankMethod::kExact
                                       ? "exact"
                                       : "normal-approximation"}};
  } else {
    j["signed_rank"] = nullptr;
  }
  j["alpha"] = s.alpha;
  j["verdict"] = std::string(harness::to_string(s.verdict));
  j["mean_ratio"] = s.mean_ratio ? json(s.mean_ratio->ratio) : json(nullptr);
  j["mean_ratio_stddev"] = s.mean_ratio ? optional_number(s.mean_ratio->stddev) : json(nullptr);
  return j;
}

json options_json(const harness::BenchOptions& o) {
  auto opt_size = [](const std::optional<std::size_t>& v) { return v ? json(*v) : json(nullptr); };
  return json{{"warmup", o.warmup_runs},
              {"runs", opt_size(o.exact_runs)},
              {"min_runs", o.min_runs},
              {"max_runs", opt_size(o.max_runs)},
              {"min_time", o.min_time_seconds},
              {"max_time", optional_number(o.max_time_seconds)},
              {"target_precision", optional_number(o.target_precision)},
              {"order", to_string(o.order)},
              {"seed", o.seed},
              {"ignore_failure", o.ignore_failure},
              {"timeout", optional_number(o.timeout_seconds)},
              {"shell", o.shell.empty() ? json(nullptr) : json(o.shell)},
              {"alpha", o.alpha},
              {"reference", o.reference},
              {"pin_cpu", o.pin_cpus},
              {"output", o.output},
              {"input", o.input.empty() ? json(nullptr) : json(o.input)},
              {"setup", o.hooks.setup},
              {"prepare", o.hooks.prepare},
              {"conclude", o.hooks.conclude},
              {"cleanup", o.hooks.cleanup}};
}

}  // namespace

const char* to_string(harness::StopReason reason) {
  switch (reason) {
    case harness::StopReason::kExactRuns:
      return "runs";
    case harness::StopReason::kMinTimeAndRuns:
      return "min-time-and-runs";
    case harness::StopReason::kMaxRuns:
      return "max-runs";
    case harness::StopReason::kMaxTime:
      return "max-time";
    case harness::StopReason::kPrecisionReached:
      return "precision-reached";
    case harness::StopReason::kSpreadReached:
      return "spread-reached";
    case harness::StopReason::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

const char* to_string(harness::RunOrder order) {
  return order == harness::RunOrder::kSequential ? "sequential" : "interleaved";
}

nlohmann::ordered_json bench_result_json(const BenchResult& result) {
  json j;
  json results = json::array();
  for (const auto& cr : result.commands) results.push_back(command_json(cr, result.options));
  j["results"] = results;
  json comparisons = json::array();
  for (const auto& c : result.comparisons) comparisons.push_back(comparison_json(result, c));
  j["format"] = kBenchJsonFormat;
  j["reference"] = result.options.reference < result.commands.size()
                       ? json(result.commands[result.options.reference].command.name)
                       : json(nullptr);
  j["comparisons"] = comparisons;
  if (result.shell_overhead) {
    j["shell_overhead"] = {{"wall", result.shell_overhead->wall_seconds},
                           {"user", result.shell_overhead->user_seconds},
                           {"system", result.shell_overhead->system_seconds}};
  } else {
    j["shell_overhead"] = nullptr;
  }
  j["seed"] = result.options.seed;
  j["total_seconds"] = result.total_seconds;
  j["interrupted"] = result.interrupted;
  j["environment"] = environment_to_json<json>(result.environment);
  j["options"] = options_json(result.options);
  j["warnings"] = result.warnings;
  return j;
}

std::string bench_result_to_json(const BenchResult& result) {
  return bench_result_json(result).dump(2) + "\n";
}

}  // namespace pgo::reports

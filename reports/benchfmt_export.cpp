#include "reports/benchfmt_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>

namespace pgo::reports {
namespace {

// Shortest text that reads back as the same double, so benchstat's medians are ours.
std::string number(double v) { return fmt::format("{}", v); }

// A configuration value is the rest of its line: no line breaks.
std::string config_value(std::string value) {
  for (char& c : value) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return value;
}

void config_line(std::string& out, const std::string& key, const std::string& value) {
  if (!value.empty()) out += key + ": " + config_value(value) + "\n";
}

// A gotest series with per-benchmark results, run by run: one line per benchmark with every
// unit it reported ("Benchmark<Workload>/<Name> 1 812 ns/op 64 B/op 2 allocs/op"), so that
// benchstat shows a row per benchmark and its own geomean over them; the run's peak RSS
// goes on a line of the workload alone, being a figure of the whole test binary.
std::string gotest_benchmark_lines(const harness::TrialSeries& series, bool with_rss) {
  std::string out;
  const std::string workload = benchfmt_name(series.workload);
  std::size_t runs = 0;
  for (const auto& [name, units] : series.benchmarks) {
    for (const auto& [unit, values] : units) runs = std::max(runs, values.size());
  }
  for (std::size_t i = 0; i < runs; ++i) {
    for (const auto& [name, units] : series.benchmarks) {
      std::string line;
      for (const auto& [unit, values] : units) {
        if (i < values.size()) line += " " + number(values[i]) + " " + unit;
      }
      if (line.empty()) continue;
      std::string sub = name.rfind("Benchmark", 0) == 0 ? name.substr(9) : name;
      for (char& c : sub) {
        if (std::isspace(static_cast<unsigned char>(c))) c = '_';
      }
      out += workload + "/" + sub + " 1" + line + "\n";
    }
    if (with_rss && i < series.peak_rss_bytes.size()) {
      out += workload + " 1 " + number(static_cast<double>(series.peak_rss_bytes[i])) +
             " peak-RSS-B\n";
    }
  }
  return out;
}

}  // namespace

std::string benchfmt_name(const std::string& name) {
  std::string out = "Benchmark";
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (std::isspace(c)) {
      out += '_';
    } else if (i == 0) {
      out += static_cast<char>(std::toupper(c));
    } else {
      out += name[i];
    }
  }
  return out;
}

std::string benchfmt_unit(const std::string& metric) {
  if (metric == "wall") return "sec/op";
  if (metric == "cpu") return "cpu-sec/op";
  if (metric == "ns_per_op") return "ns/op";
  return metric + "/op";
}

std::string benchfmt_pgo_label(const harness::BuildRecord& build) {
  if (build.pgo == "off" || build.pgo.empty()) return "off";
  const std::string file = std::filesystem::path(build.pgo).filename().string();
  static const std::regex iteration_profile(R"(iter-([0-9]+)\.pgo)");
  std::smatch m;
  if (std::regex_match(file, m, iteration_profile)) return "iter-" + m[1].str();
  return file;
}

std::string run_report_to_benchfmt(const harness::RunReport& report) {
  std::string out;
  config_line(out, "cpu", report.environment.cpu_model);
  config_line(out, "goversion", report.go_version);
  config_line(out, "scenario", report.scenario_name);
  config_line(out, "harness", "pgo-harness " + report.tool_version);
  out += "Unit build-sec assume=exact\nUnit binary-B assume=exact\n";
  for (const harness::BuildRecord& build : report.builds) {
    out += "\npgo: " + config_value(benchfmt_pgo_label(build)) + "\n";
    for (const harness::TrialSeries& series : report.trials) {
      if (series.build != build.label) continue;
      const std::string name = benchfmt_name(series.workload);
      const std::string unit = benchfmt_unit(series.metric);
      // The run's wall time rides along when it is not the metric itself and is a time per
      // run (a gotest run's wall time covers many ops, so it is left out there).
      const bool with_wall =
          series.metric == "cpu" && series.wall_seconds.size() == series.values.size();
      const bool with_rss = series.peak_rss_bytes.size() == series.values.size();
      if (!series.benchmarks.empty()) {
        out += gotest_benchmark_lines(series, with_rss);
        continue;
      }
      for (std::size_t i = 0; i < series.values.size(); ++i) {
        out += name + " 1 " + number(series.values[i]) + " " + unit;
        if (with_wall) out += " " + number(series.wall_seconds[i]) + " sec/op";
        if (with_rss) {
          out += " " + number(static_cast<double>(series.peak_rss_bytes[i])) + " peak-RSS-B";
        }
        out += "\n";
      }
    }
    out += "BenchmarkGoBuild 1 " + number(build.build_seconds) + " build-sec " +
           number(static_cast<double>(build.binary_size_bytes)) + " binary-B\n";
  }
  return out;
}

std::string bench_result_to_benchfmt(const harness::BenchResult& result) {
  std::string out;
  config_line(out, "cpu", result.environment.cpu_model);
  config_line(out, "harness", "pgo-harness " + result.environment.harness_version);
  for (const harness::CommandResult& command : result.commands) {
    out += "\ncommand: " + config_value(command.command.name) + "\n";
    std::string name = "BenchmarkCommand";
    for (const auto& [var, value] : command.command.parameters) {
      name += "/" + var + "=" + value;
    }
    for (char& c : name) {
      if (std::isspace(static_cast<unsigned char>(c))) c = '_';
    }
    for (const harness::TrialMeasurement& run : command.runs) {
      out += name + " 1 " + number(run.wall_seconds) + " sec/op " + number(run.user_seconds) +
             " user-sec/op " + number(run.system_seconds) + " sys-sec/op " +
             number(static_cast<double>(run.max_rss_bytes)) + " peak-RSS-B\n";
    }
  }
  return out;
}

}  // namespace pgo::reports

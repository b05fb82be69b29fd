// The machine a benchmark ran on, recorded with every result, and the warnings it earns.
//
//   pgo::harness::EnvironmentInfo env = pgo::harness::collect_environment_info("0.1.0");
//   for (const std::string& w : pgo::harness::environment_warnings(env)) print(w);
//
// Readers take the text of /proc and /sys files as arguments, so that they are tested with
// fixed inputs; collect_environment_info reads the real files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::harness {

struct EnvironmentInfo {
  std::string cpu_model;    // "unknown" when /proc/cpuinfo has no model name
  int logical_cores = 0;    // online CPUs
  std::string governor;     // cpu0's scaling governor; "unknown" without cpufreq
  std::optional<int> aslr;  // /proc/sys/kernel/randomize_va_space: 0 off, 1, 2 full
  std::optional<double> load_average_1m, load_average_5m, load_average_15m;
  std::string kernel;  // uname: "Linux 6.1.0-18-amd64"
  std::string hostname;
  std::string harness_version;
  std::string date;  // ISO 8601, UTC, e.g. "2024-05-01T12:00:00Z"
};

// Collects everything above from the running system. Never throws: what cannot be read is
// left "unknown" / nullopt.
EnvironmentInfo collect_environment_info(const std::string& harness_version);

// The first "model name" (x86) or "Processor"/"cpu model" line's value; "unknown" if none.
std::string parse_cpu_model(std::string_view proc_cpuinfo);
// The three load averages from the text of /proc/loadavg; nullopt on malformed text.
std::optional<std::vector<double>> parse_loadavg(std::string_view proc_loadavg);

// Warnings for an unfavourable machine: a governor other than "performance" (when it is
// known) and a 1-minute load average above kHighLoadPerCore per core, and at least 1.
inline constexpr double kHighLoadPerCore = 0.1;
std::vector<std::string> environment_warnings(const EnvironmentInfo& env);

}  // namespace pgo::harness

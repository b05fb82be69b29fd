#include "trials/environment_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace pgo::harness {
namespace {

std::string read_text(const char* path) {
  std::ifstream in(path);
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

std::string parse_cpu_model(std::string_view cpuinfo) {
  // x86 says "model name"; arm64 kernels say "Processor" or nothing; some say "cpu model".
  for (std::string_view key : {"model name", "Processor", "cpu model"}) {
    std::size_t pos = 0;
    while (pos < cpuinfo.size()) {
      std::size_t eol = cpuinfo.find('\n', pos);
      std::string_view line =
          cpuinfo.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
      std::size_t colon = line.find(':');
      if (colon != std::string_view::npos && trim(line.substr(0, colon)) == key) {
        std::string value = trim(line.substr(colon + 1));
        if (!value.empty()) return value;
      }
      if (eol == std::string_view::npos) break;
      pos = eol + 1;
    }
  }
  return "unknown";
}

std::optional<std::vector<double>> parse_loadavg(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::vector<double> out(3);
  if (!(in >> out[0] >> out[1] >> out[2])) return std::nullopt;
  return out;
}

EnvironmentInfo collect_environment_info(const std::string& harness_version) {
  EnvironmentInfo env;
  env.harness_version = harness_version;
  env.cpu_model = parse_cpu_model(read_text("/proc/cpuinfo"));
  env.logical_cores = static_cast<int>(std::max(1L, ::sysconf(_SC_NPROCESSORS_ONLN)));
  std::string governor = trim(read_text("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
  env.governor = governor.empty() ? "unknown" : governor;
  std::string aslr = trim(read_text("/proc/sys/kernel/randomize_va_space"));
  if (aslr.size() == 1 && aslr[0] >= '0' && aslr[0] <= '9') env.aslr = aslr[0] - '0';
  if (auto load = parse_loadavg(read_text("/proc/loadavg"))) {
    env.load_average_1m = (*load)[0];
    env.load_average_5m = (*load)[1];
    env.load_average_15m = (*load)[2];
  }
  struct utsname u {};
  if (::uname(&u) == 0) env.kernel = std::string(u.sysname) + " " + u.release;
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) env.hostname = host;
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &utc);
  env.date = date;
  return env;
}

std::vector<std::string> environment_warnings(const EnvironmentInfo& env) {
  std::vector<std::string> out;
  if (env.governor != "unknown" && env.governor != "performance") {
    out.push_back("the CPU frequency governor is '" + env.governor +
                  "', not 'performance': clock speeds may change during the benchmark "
                  "(cpupower frequency-set -g performance)");
  }
  const double threshold = std::max(1.0, kHighLoadPerCore * env.logical_cores);
  if (env.load_average_1m && *env.load_average_1m > threshold) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", *env.load_average_1m);
    out.push_back(std::string("the machine is busy (1-minute load average ") + buf + " on " +
                  std::to_string(env.logical_cores) +
                  " cores): other work will add noise to the timings");
  }
  return out;
}

}  // namespace pgo::harness

#include "trials/cachegrind.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "base/error.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

constexpr const char* kStage = "counting";

std::vector<std::string> words_after(const std::string& line, std::size_t prefix) {
  std::istringstream in(line.substr(prefix));
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

std::int64_t CachegrindCounts::get(const std::string& event) const {
  auto it = events.find(event);
  return it == events.end() ? 0 : it->second;
}

CachegrindCounts parse_cachegrind_output(const std::string& text, const std::string& path) {
  std::vector<std::string> names, values;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (starts_with(line, "events:")) names = words_after(line, 7);
    if (starts_with(line, "summary:")) values = words_after(line, 8);
    if (starts_with(line, "totals:")) values = words_after(line, 7);
  }
  if (names.empty()) {
    throw Error(kStage, path, "not a cachegrind output file: no 'events:' line",
                "the run under valgrind did not finish; see its log");
  }
  if (values.empty()) {
    throw Error(kStage, path, "cachegrind output has no 'summary:' line",
                "the run under valgrind did not finish; see its log");
  }
  if (values.size() > names.size()) {
    throw Error(kStage, path,
                "cachegrind summary has " + std::to_string(values.size()) + " numbers for " +
                    std::to_string(names.size()) + " events");
  }
  CachegrindCounts c;
  // Cachegrind may leave trailing zero events out of a line.
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::int64_t v = 0;
    if (i < values.size()) {
      const std::string& word = values[i];
      char* end = nullptr;
      errno = 0;
      long long parsed = std::strtoll(word.c_str(), &end, 10);
      if (word.empty() || *end != '\0' || errno != 0 || parsed < 0) {
        throw Error(kStage, path, "cachegrind summary: '" + word + "' is not a count");
      }
      v = parsed;
    }
    c.events[names[i]] = v;
  }
  return c;
}

CountSummary summarize_counts(const CachegrindCounts& c) {
  CountSummary s;
  s.instructions = c.get("Ir");
  s.l1_misses = c.get("I1mr") + c.get("D1mr") + c.get("D1mw");
  s.last_level_misses = c.get("ILmr") + c.get("DLmr") + c.get("DLmw");
  s.branch_mispredicts = c.get("Bcm") + c.get("Bim");
  s.cycles_estimate = static_cast<double>(s.instructions) +
                      kL1MissCycles * static_cast<double>(s.l1_misses) +
                      kLastLevelMissCycles * static_cast<double>(s.last_level_misses) +
                      kBranchMispredictCycles * static_cast<double>(s.branch_mispredicts);
  return s;
}

std::string find_valgrind() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    fs::path candidate = fs::path(dir) / "valgrind";
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return fs::absolute(candidate).lexically_normal().string();
    }
  }
  throw Error(kStage, "valgrind",
              "valgrind is not installed (counting metrics run the workload under cachegrind)",
              "install the Debian package 'valgrind' (apt-get install valgrind, or "
              "scripts/install-deps.sh), or use a timed metric");
}

std::vector<std::string> cachegrind_argv(const std::string& valgrind, const std::string& out_file,
                                         const std::vector<std::string>& program) {
  // -q: valgrind's own summary would bury the program's last lines in the log, which is
  // what a failed run's error shows; the counts come from out_file.
  std::vector<std::string> argv = {valgrind,
                                   "-q",
                                   "--tool=cachegrind",
                                   "--cache-sim=yes",
                                   "--branch-sim=yes",
                                   "--I1=" + std::string(kSimulatedL1),
                                   "--D1=" + std::string(kSimulatedL1),
                                   "--LL=" + std::string(kSimulatedLastLevel),
                                   "--cachegrind-out-file=" + out_file};
  argv.insert(argv.end(), program.begin(), program.end());
  return argv;
}

}  // namespace pgo::harness

// What the tests of every module need around the code under test: a scratch directory
// removed afterwards, whole files read back, and the built tools run as a user runs them.
//
//   pgo::testing::TempDir scratch("pgo_run_cli");        // /tmp/pgo_run_cli_PID_N/
//   std::string report = pgo::testing::read_file(scratch.dir / "report.json");
//   auto r = pgo::testing::run_tool({pgo::testing::built_tool("pgo-harness"), "run", ...},
//                                   std::chrono::minutes(10));
//   CHECK(r.exit_code == 0);
//   CHECK(pgo::testing::run_shell("go env GOROOT").status == 0);   // through /bin/sh
//
// Header-only; run_tool spawns through process/process.h, so a test that runs a tool links
// pgo_process (every test target of a module above it already does).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "process/process.h"

namespace pgo::testing {

// A fresh directory "<temp>/<prefix>_<pid>_<n>" (n counts up within the process, so tests
// of one executable never share one); removed with its contents when the object goes.
struct TempDir {
  std::filesystem::path dir;

  explicit TempDir(const std::string& prefix) {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          (prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (dir / name).string(); }
};

// The whole file, byte for byte; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> read_lines(const std::filesystem::path& path) {
  std::vector<std::string> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

inline void write_file(const std::filesystem::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// What a shell command printed on stdout and its exit status (-1 when it did not exit).
struct ShellResult {
  int status = -1;
  std::string out;
};

// Runs `command` with /bin/sh (popen), for tests that drive the go command or a tool
// through shell redirections. Throws std::runtime_error when the shell cannot start.
inline ShellResult run_shell(const std::string& command) {
  ShellResult r;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot start /bin/sh for: " + command);
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A program built by this project (pgo-harness, pgo-merge, bench_helper...).
inline std::string built_tool(const std::string& name) {
  return std::string(PGO_BIN_DIR) + "/" + name;
}

// argv with stdout and stderr captured, killed after `timeout` (for run_process or a
// BackgroundProcess).
inline harness::ProcessSpec tool_spec(std::vector<std::string> argv,
                                      std::chrono::nanoseconds timeout) {
  harness::ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.stdout_mode = harness::StreamMode::kCapture;
  spec.stderr_mode = harness::StreamMode::kCapture;
  spec.timeout = timeout;
  return spec;
}

// `script` run by /bin/sh -c with stdout and stderr captured, no time limit.
inline harness::ProcessSpec shell_spec(const std::string& script) {
  harness::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.stdout_mode = harness::StreamMode::kCapture;
  spec.stderr_mode = harness::StreamMode::kCapture;
  return spec;
}

// Runs tool_spec(argv, timeout) to its end.
inline harness::ProcessResult run_tool(std::vector<std::string> argv,
                                       std::chrono::nanoseconds timeout) {
  return harness::run_process(tool_spec(std::move(argv), timeout));
}

}  // namespace pgo::testing

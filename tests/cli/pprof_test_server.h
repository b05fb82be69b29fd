// Test support for the live-profile tests: tests/cli/testdata/pprofserver (a stand-in for a
// production service with net/http/pprof) built once per test process, and instances of
// it started on 127.0.0.1 and stopped (with their process group) at the end of a test.
//
//   PprofServer a(dir, {"-variant", "a"});
//   a.base_url();   // "http://127.0.0.1:PORT"
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "process/process.h"

namespace pgo::cli::testing {

// The built server program (go build once per test process, into a temporary directory
// that is removed when the test process exits).
inline const std::string& pprof_server_binary() {
  struct BuiltServer {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("pgo-pprofserver-" + std::to_string(::getpid()));
    std::string binary = (dir / "pprofserver").string();
    BuiltServer() {
      std::filesystem::create_directories(dir);
      pgo::harness::ProcessSpec spec;
      spec.argv = {"go", "build", "-o", binary, "."};
      spec.working_directory = std::string(PGO_TESTS_DIR) + "/cli/testdata/pprofserver";
      spec.stdout_mode = spec.stderr_mode = pgo::harness::StreamMode::kCapture;
      auto r = pgo::harness::run_process(spec);
      if (!r.succeeded()) {
        remove();  // no destructor runs for a constructor that throws
        throw std::runtime_error("go build pprofserver: " + r.captured_stderr);
      }
    }
    ~BuiltServer() { remove(); }
    BuiltServer(const BuiltServer&) = delete;
    BuiltServer& operator=(const BuiltServer&) = delete;
    void remove() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const BuiltServer built;
  return built.binary;
}

class PprofServer {
 public:
  PprofServer(const std::filesystem::path& dir, std::vector<std::string> args) {
    static int counter = 0;
    port_file_ = dir / ("port-" + std::to_string(counter++));
    pgo::harness::ProcessSpec spec;
    spec.argv = {pprof_server_binary(), "-port-file", port_file_.string()};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    process_ = std::make_unique<pgo::harness::BackgroundProcess>(spec);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!std::filesystem::exists(port_file_)) {
      if (std::chrono::steady_clock::now() > deadline || !process_->running()) {
        throw std::runtime_error("pprofserver did not start");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::ifstream(port_file_) >> port_;
  }

  int port() const { return port_; }
  std::string base_url(const std::string& scheme = "http") const {
    return scheme + "://127.0.0.1:" + std::to_string(port_);
  }

 private:
  std::filesystem::path port_file_;
  std::unique_ptr<pgo::harness::BackgroundProcess> process_;
  int port_ = 0;
};

}  // namespace pgo::cli::testing

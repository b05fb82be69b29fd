// Risk guarded against: error messages that quote the wrong part of a log (the harness's
// own header instead of what the process said) or logs that lose the command they record.
#include "process/process_log.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace pgo::harness;
namespace fs = std::filesystem;

TEST_CASE("process log: header and appended output and tail", "[process_log]") {
  fs::path dir = fs::temp_directory_path() / ("pgo-process-log-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  std::string log = (dir / "sub" / "w.log").string();
  ProcessSpec spec =
      logged_process_spec({"prog", "a b", "-x"}, "/work", {{"GOMAXPROCS", "2"}}, log);
  CHECK(spec.stdout_mode == StreamMode::kFile);
  CHECK(spec.stderr_path == log);
  CHECK(spec.append_output);
  CHECK(spec.env_overrides.at("GOMAXPROCS") == "2");
  {
    std::ofstream out(log, std::ios::app);
    out << "line 1\n\nline 2\nline 3\n";
  }
  std::ifstream in(log);
  std::stringstream all;
  all << in.rdbuf();
  CHECK(all.str() == "# cd /work\n# GOMAXPROCS=2\n$ prog 'a b' -x\nline 1\n\nline 2\nline 3\n");
  CHECK(log_tail(log, 2) == "line 2\nline 3\n");
  CHECK(with_log_tail("failed", log, 2) == "failed; output ends: line 2 | line 3");
  CHECK(with_log_tail("failed", (dir / "none.log").string()) == "failed");
  fs::remove_all(dir);
}

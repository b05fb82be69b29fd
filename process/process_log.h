// Log files of the processes the harness runs (builds, workloads, servers, load
// generators): each starts with the command it records, the process's stdout and stderr
// follow, and error messages quote the last lines.
//
//   ProcessSpec spec = logged_process_spec({"go", "build", "."}, "/src", {}, "logs/build.log");
//   ProcessResult r = run_process(spec);
//   if (!r.succeeded()) throw Error("build", "logs/build.log",
//                                   with_log_tail("go build failed", "logs/build.log"));
#pragma once

#include <map>
#include <string>
#include <vector>

#include "process/process.h"

namespace pgo::harness {

// Creates the log's directory, writes a header ("# cd DIR", "# KEY=VALUE" for each
// override, "$ COMMAND") and returns a spec whose stdout and stderr append to the log.
// Throws pgo::Error (stage "log") when the log cannot be written.
ProcessSpec logged_process_spec(const std::vector<std::string>& argv,
                                const std::string& working_directory,
                                const std::map<std::string, std::string>& env,
                                const std::string& log_path);

// The last `max_lines` non-empty lines of the process's output in a log (header lines
// left out), each cut at 300 characters; "" when the log cannot be read.
std::string log_tail(const std::string& log_path, int max_lines = 8);

// "MESSAGE; output ends: LINE | LINE | ..." or MESSAGE alone when the log has no output:
// error messages stay one line but carry what the process said last.
std::string with_log_tail(const std::string& message, const std::string& log_path,
                          int max_lines = 6);

}  // namespace pgo::harness

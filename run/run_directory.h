// RunDirectory: where one `pgo-harness run` keeps everything it produces.
//
//   RUNDIR/
//     report.json                 the run report (written after every phase, atomically)
//     report.md, report.html      views of it, rendered at the end
//     builds/v0/NAME, v1/NAME...  the binaries (NAME: the package's last path element,
//                                 or "NAME.test" for gotest targets)
//     builds/tools/TOOL           helper programs (target.tools), built once with -pgo=off
//     profiles/iter-I/W-K.pprof   profile K of workload W, collected from v(I-1)
//     profiles/iter-I.pgo         their weighted merge, the profile v(I) is built with
//     logs/build-vI.log           go's output for each build (also tools, go mod download)
//     logs/iter-I/...             output of every profiled run, server and load generator
//     logs/trials/W-vI.log        output of the last timed run of workload W on build vI
//     work/W/                     scratch directory of workload W ({workdir}); runs start here
//     gocache/                    the run's Go build cache (see go/go_toolchain.h)
//     gocache-tools/              the tools' cache when every build gets a fresh one
//
// Paths recorded in the report are relative to RUNDIR (relative()); absolute() resolves
// them back, so a run directory can be moved and still resumed.
//
//   RunDirectory dir("runs/mdbatch-20261124-050000");   // creates the layout
//   std::string pgo = dir.merged_profile(1);             // ".../profiles/iter-1.pgo"
//   dir.relative(pgo);                                   // "profiles/iter-1.pgo"
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace pgo::harness {

// A workload, build or tool name made safe as one file name: characters other than ASCII
// letters, digits, '-', '_' and '.' become '_', and "", "." and ".." get a leading '_'.
//   portable_file_stem("api/v2 fast") -> "api_v2_fast"
std::string portable_file_stem(const std::string& name);

// "<log_dir>/<workload>-<label>.log": the log of one run of a workload on one build (the
// trials' logs/trials/W-vI.log, the profiled runs' logs/iter-I/W-vI.log).
std::string workload_log(const std::string& log_dir, const std::string& workload,
                         const std::string& label);

class RunDirectory {
 public:
  // Creates root and its subdirectories when missing. Throws pgo::Error (stage "rundir")
  // when they cannot be created or root exists and is not a directory.
  explicit RunDirectory(const std::string& root);

  const std::string& root() const { return root_; }  // absolute, normalized
  std::string report_json() const;
  std::string build_binary(const std::string& label, const std::string& name) const;
  std::string tool_binary(const std::string& tool) const;
  std::string profile_dir(int iteration) const;
  std::string merged_profile(int iteration) const;
  std::string build_log(const std::string& label) const;
  std::string log_dir(int iteration) const;  // logs/iter-I
  std::string trial_log_dir() const;         // logs/trials
  std::string workdir(const std::string& workload) const;
  std::string gocache() const;

  // `path` relative to root when it lies inside it, otherwise unchanged.
  std::string relative(const std::string& path) const;
  // A report path back to an absolute one (absolute paths stay as they are).
  std::string absolute(const std::string& path) const;

  // Writes `content` to `path` atomically (temporary file + rename); a reader never sees a
  // half-written file. Throws pgo::Error (stage "write").
  static void write_atomically(const std::string& path, std::string_view content);

 private:
  std::string root_;
};

// "runs/NAME-YYYYMMDD-HHMMSS" (UTC) for a scenario name and a time.
std::string default_run_directory(const std::string& scenario_name,
                                  std::chrono::system_clock::time_point when);

// True when `path` (absolute, or relative to `dir`) is a regular file whose sha256 is
// `sha256`; false when it is missing, unreadable or different.
bool artifact_matches(const RunDirectory& dir, const std::string& path, const std::string& sha256);

// The current time as ISO 8601 UTC, "2026-11-24T05:00:00Z".
std::string iso8601_utc(std::chrono::system_clock::time_point when);

}  // namespace pgo::harness

// Collecting CPU profiles from a build's workloads, by the three methods a scenario names:
//
//  - flag:   the program writes a profile to the path it is given: the command template's
//            {profile}. K instances, one after another or all at once.
//  - http:   K server instances on free loopback ports ({port}) expose net/http/pprof;
//            once each answers its ready path (process/server_group.h), the load command
//            ({urls}, {ports}, {port}) runs against all of them, restarted whenever it
//            finishes, while /debug/pprof/profile?seconds=S is fetched from every instance
//            at the same time (the seed's "curl three production instances"), with
//            timeouts and retries.
//  - gotest: a test binary from `go test -c` runs its benchmarks with -test.cpuprofile;
//            K runs. Its Go benchmark output is parsed and kept.
//
// Every profile is checked before it is returned: the file exists, is not empty, decodes
// and validates as a pprof profile (merge/profile_reader.h), and has a sample type the Go
// compiler can use (samples/count or cpu/nanoseconds). A failure throws pgo::Error (stage
// "collect") naming the workload and the instance, with the tail of its output. No process
// outlives a collect() call, also when it throws (servers and load are RAII-stopped).
//
// Files: profiles are "<profile_dir>/<workload>-<instance>.pprof" (instance from 1; an
// old file of that name is removed first so a stale profile cannot pass for a new one),
// logs are "<log_dir>/<workload>-<instance>.log" (http: "-server-<instance>.log" and
// "-load.log"), each starting with the command it records (process/process_log.h).
//
//   ProfileCollector collector("/run/profiles/iter-1", "/run/logs/iter-1");
//   FlagCollection w;
//   w.workload = "render";
//   w.command = {"{binary}", "-cpuprofile", "{profile}", "{input}"};
//   w.variables.set("binary", "/run/bin/render-v0");
//   w.variables.set("input", "/scenarios/render/scene.txt");
//   w.instances = 3;
//   CollectionResult r = collector.collect(w);   // r.profiles[0..2].path
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "go/go_bench_format.h"
#include "process/command_template.h"
#include "process/http_client.h"
#include "process/port_allocator.h"

namespace pgo::harness {

struct CollectedProfile {
  std::string workload;
  int instance = 0;      // 1-based
  std::string path;      // the validated profile
  std::string log_path;  // the instance's output (http: the server's)
  std::string url;       // http only: the instance's base URL, "http://127.0.0.1:PORT"
  std::int64_t bytes = 0;
  std::int64_t samples = 0;               // Sample messages in the profile
  std::int64_t duration_nanos = 0;        // the profile's own duration_nanos
  std::chrono::nanoseconds elapsed{0};    // running the instance, or fetching its profile
  std::vector<GoBenchResult> benchmarks;  // gotest only: the run's benchmark results
};

struct CollectionResult {
  std::vector<CollectedProfile> profiles;  // in instance order
  std::vector<std::string> warnings;       // e.g. a profile with no samples
  std::chrono::nanoseconds wall_time{0};
  int load_runs = 0;  // http: how many times the load command was started
};

// Settings every method shares.
struct WorkloadProcess {
  std::string workload;                    // REQUIRES: non-empty; names files and errors
  CommandVariables variables;              // {binary}, {input}, ... set by the caller
  std::string working_directory;           // empty: the harness's own
  std::map<std::string, std::string> env;  // on top of the harness's environment
  std::string stdin_path;                  // fed to standard input; empty: /dev/null
  int instances = 1;                       // REQUIRES: >= 1
};

struct FlagCollection : WorkloadProcess {
  // REQUIRES: uses {profile}. Also available: {instance}.
  std::vector<std::string> command;
  bool concurrent = false;                          // run the K instances at the same time
  std::optional<std::chrono::nanoseconds> timeout;  // per instance
};

struct HttpCollection : WorkloadProcess {
  // REQUIRES: uses {port}. Also available: {instance}.
  std::vector<std::string> server_command;
  std::string ready_path = "/debug/pprof/";  // ready once a GET returns 2xx
  std::chrono::nanoseconds ready_timeout = std::chrono::seconds(30);
  // Runs against all instances while the profiles are captured; empty: the servers load
  // themselves. Available: {urls} (base URLs, "http://127.0.0.1:PORT"), {ports}, {port}
  // (the first instance's), {instances}. Stopped once every profile is fetched.
  std::vector<std::string> load_command;
  // A load command that exits successfully before the capture ends is started again
  // (load generators usually run for a fixed time); false: it runs once, and ending early
  // is a warning. A load command that fails is an error either way.
  bool restart_load = true;
  std::chrono::nanoseconds load_lead{0};  // load runs this long before the capture starts
  int profile_seconds = 10;               // REQUIRES: >= 1
  std::string profile_path = "/debug/pprof/profile";
  std::chrono::milliseconds fetch_timeout{0};  // per attempt; 0: profile_seconds + 15 s
  int fetch_attempts = 2;
  std::vector<int> cpu_affinity;  // CPUs the servers may run on; empty: any
};

struct GotestCollection : WorkloadProcess {
  std::string test_binary;              // REQUIRES: from `go test -c`
  std::string bench = ".";              // -test.bench pattern
  std::string benchtime;                // -test.benchtime ("2s", "500x"); empty: Go's default
  int count = 1;                        // -test.count
  std::vector<std::string> extra_args;  // e.g. "-test.cpu=1"; placeholders allowed
  bool concurrent = false;
  std::optional<std::chrono::nanoseconds> timeout;  // per run
};

class ProfileCollector {
 public:
  // Directories are created when missing.
  ProfileCollector(std::string profile_dir, std::string log_dir);

  CollectionResult collect(const FlagCollection& workload);
  CollectionResult collect(const HttpCollection& workload);
  CollectionResult collect(const GotestCollection& workload);

  // The argv one gotest run executes, e.g. {BIN, "-test.run=^$", "-test.bench=.",
  // "-test.cpuprofile=P", "-test.benchtime=2s"}; the loop times the same binary without
  // -test.cpuprofile.
  static std::vector<std::string> gotest_argv(const GotestCollection& workload,
                                              const std::string& profile_path);

 private:
  std::string profile_path(const std::string& workload, int instance) const;
  std::string log_path(const std::string& workload, const std::string& suffix) const;
  // Instance `instance` of `workload` with its profile path (any stale file there removed,
  // so that it cannot pass for a new one) and, for a given suffix, its log path.
  CollectedProfile new_instance(const std::string& workload, int instance,
                                const std::string& log_suffix) const;

  std::string profile_dir_;
  std::string log_dir_;
  PortAllocator ports_;
  HttpClient http_;
};

// Checks one collected profile (exists, non-empty, decodes, usable sample type) and fills
// bytes / samples / duration_nanos. Throws pgo::Error (stage "collect") naming `who`
// ("workload 'api' instance 2 of 3"); adds a warning when it has no samples.
void check_collected_profile(CollectedProfile& profile, const std::string& who,
                             std::vector<std::string>& warnings);

}  // namespace pgo::harness

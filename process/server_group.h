// K instances of a server workload on free loopback ports, started together, ready
// together, stopped together: used to collect profiles over HTTP and to time http
// workloads.
//
// The constructor starts every instance with its own {port} and returns only when each
// answers GET ready_path with a 2xx; an instance that exits first fails at once (an
// instance that lost its port to another program is restarted once on a new one), one
// that never answers fails at the deadline. The destructor stops whatever still runs
// (SIGTERM to the process group, SIGKILL after a grace period), so no server outlives the
// object, whatever is thrown.
//
//   ServerGroupSpec s;
//   s.name = "api";
//   s.server_command = {"{binary}", "-addr", "127.0.0.1:{port}"};
//   s.variables.set("binary", "/run/bin/api-v1");
//   s.instances = 3;
//   s.log_dir = "/run/logs/iter-1";
//   ServerGroup servers(s, ports, http);   // servers.urls(): "http://127.0.0.1:41233", ...
//   run_load(expand_command(load, servers.load_variables(vars), "load"));
//   std::vector<ProcessResult> r = servers.stop();   // r[i].user_seconds: CPU per instance
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "process/command_template.h"
#include "process/http_client.h"
#include "process/port_allocator.h"
#include "process/process.h"

namespace pgo::harness {

struct ServerGroupSpec {
  std::string name;                         // REQUIRES: non-empty; names logs and errors
  std::vector<std::string> server_command;  // REQUIRES: uses {port}; {instance} available
  CommandVariables variables;
  std::string working_directory;
  std::map<std::string, std::string> env;
  std::vector<int> cpu_affinity;  // CPUs the servers may run on; empty: any
  int instances = 1;              // REQUIRES: >= 1
  std::string ready_path = "/debug/pprof/";
  std::chrono::nanoseconds ready_timeout = std::chrono::seconds(30);
  std::string log_dir;            // logs: "<log_dir>/<name>-server-<instance>.log"
  std::string stage = "collect";  // the pgo::Error stage of failures ("collect", "trial")
};

class ServerGroup {
 public:
  // Starts and waits as described above. Throws pgo::Error (spec.stage) naming the
  // instance, what went wrong and the tail of its log.
  ServerGroup(const ServerGroupSpec& spec, PortAllocator& ports, const HttpClient& http);
  ~ServerGroup();
  ServerGroup(const ServerGroup&) = delete;
  ServerGroup& operator=(const ServerGroup&) = delete;

  int size() const { return static_cast<int>(instances_.size()); }
  const std::vector<std::string>& urls() const { return urls_; }  // "http://127.0.0.1:PORT"
  std::vector<std::uint16_t> ports() const;
  // The instances' process ids (each the leader of its process group), in instance order.
  std::vector<pid_t> pids() const;
  std::vector<std::string> log_paths() const;

  // `base` plus what a load command may use: {urls} (a list), {ports} (a list), {port}
  // (the first instance's) and {instances}.
  CommandVariables load_variables(const CommandVariables& base) const;

  // Throws pgo::Error (spec.stage) when an instance has exited, e.g. crashed under load;
  // `during` says when ("while profiles were fetched").
  void check_running(const std::string& during);

  // Stops every instance; results in instance order (wall and CPU time from start to
  // stop). Later calls return the same results.
  std::vector<ProcessResult> stop(std::chrono::nanoseconds grace = std::chrono::seconds(2));

 private:
  struct Instance {
    std::uint16_t port = 0;
    std::string log_path;
    std::unique_ptr<BackgroundProcess> process;
    int starts = 0;
  };
  void start(int index, PortAllocator& ports);
  std::string label(int index) const;

  ServerGroupSpec spec_;
  std::vector<Instance> instances_;
  std::vector<std::string> urls_;
  std::vector<ProcessResult> stopped_;
};

}  // namespace pgo::harness

#include "process/server_group.h"

#include <sstream>
#include <thread>

#include "base/error.h"
#include "process/process_log.h"

namespace pgo::harness {
namespace {

using Clock = std::chrono::steady_clock;

std::string seconds_text(std::chrono::nanoseconds d) {
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << std::chrono::duration<double>(d).count() << " s";
  return s.str();
}

std::string base_url(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

bool lost_port_race(const std::string& log_path) {
  return log_tail(log_path, 20).find("address already in use") != std::string::npos;
}

}  // namespace

ServerGroup::ServerGroup(const ServerGroupSpec& spec, PortAllocator& ports, const HttpClient& http)
    : spec_(spec) {
  auto fail = [&](const std::string& problem, const std::string& hint) {
    throw Error(spec_.stage, "", "workload '" + spec_.name + "': " + problem, hint);
  };
  if (spec_.name.empty()) fail("a server workload has no name", "");
  if (spec_.instances < 1) fail("instances must be at least 1", "");
  if (spec_.server_command.empty() ||
      command_placeholders(spec_.server_command).count("port") == 0) {
    fail("the server command does not use {port}",
         "the server must listen on the port it is given, e.g. \"-addr\", \"127.0.0.1:{port}\"");
  }
  if (spec_.ready_path.empty() || spec_.ready_path[0] != '/') {
    fail("the ready path must start with '/'", "e.g. \"/debug/pprof/\"");
  }

  instances_.resize(static_cast<std::size_t>(spec_.instances));
  for (int i = 0; i < spec_.instances; ++i) start(i, ports);

  HttpOptions probe;
  probe.timeout = std::chrono::milliseconds(1000);
  probe.connect_timeout = std::chrono::milliseconds(500);
  probe.attempts = 1;
  auto deadline = Clock::now() + spec_.ready_timeout;
  std::vector<bool> ready(instances_.size(), false);
  std::vector<std::string> last_probe(instances_.size());
  for (;;) {
    bool all_ready = true;
    for (std::size_t k = 0; k < instances_.size(); ++k) {
      if (ready[k]) continue;
      Instance& s = instances_[k];
      int index = static_cast<int>(k);
      if (std::optional<ProcessResult> exited = s.process->wait_for(std::chrono::nanoseconds(0))) {
        // Another program may take the port between allocation and bind: retry once.
        if (s.starts < 2 && lost_port_race(s.log_path)) {
          start(index, ports);
          all_ready = false;
          continue;
        }
        throw Error(spec_.stage, s.log_path,
                    with_log_tail(label(index) + " exited before it was ready (" +
                                      exited->describe_status() + ")",
                                  s.log_path),
                    "check the server command and that it listens on {port}");
      }
      HttpResponse r = http.get(urls_[k] + spec_.ready_path, probe);
      ready[k] = r.ok();
      last_probe[k] = r.describe();
      all_ready = all_ready && ready[k];
    }
    if (all_ready) return;
    if (Clock::now() >= deadline) {
      for (std::size_t k = 0; k < instances_.size(); ++k) {
        if (ready[k]) continue;
        throw Error(spec_.stage, instances_[k].log_path,
                    with_log_tail(label(static_cast<int>(k)) + " was not ready after " +
                                      seconds_text(spec_.ready_timeout) + " (GET " +
                                      spec_.ready_path + ": " + last_probe[k] + ")",
                                  instances_[k].log_path),
                    "does the server import net/http/pprof and listen on 127.0.0.1:{port}? "
                    "raise the ready timeout if it starts slowly");
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ServerGroup::~ServerGroup() = default;  // each BackgroundProcess stops its own group

void ServerGroup::start(int index, PortAllocator& ports) {
  Instance& s = instances_[static_cast<std::size_t>(index)];
  s.port = ports.allocate(1).front();
  s.log_path = spec_.log_dir + "/" + spec_.name + "-server-" + std::to_string(index + 1) + ".log";
  CommandVariables vars = spec_.variables;
  vars.set("port", std::to_string(s.port));
  vars.set("instance", std::to_string(index + 1));
  std::vector<std::string> argv =
      expand_command(spec_.server_command, vars, "workload '" + spec_.name + "' server command");
  ProcessSpec ps = logged_process_spec(argv, spec_.working_directory, spec_.env, s.log_path);
  ps.cpu_affinity = spec_.cpu_affinity;
  s.process.reset();  // a restarted instance: the old one is gone before the new one starts
  s.process = std::make_unique<BackgroundProcess>(ps);
  ++s.starts;
  urls_.resize(instances_.size());
  urls_[static_cast<std::size_t>(index)] = base_url(s.port);
}

std::string ServerGroup::label(int index) const {
  return "workload '" + spec_.name + "' server instance " + std::to_string(index + 1) + " of " +
         std::to_string(spec_.instances);
}

std::vector<std::uint16_t> ServerGroup::ports() const {
  std::vector<std::uint16_t> out;
  for (const Instance& s : instances_) out.push_back(s.port);
  return out;
}

std::vector<pid_t> ServerGroup::pids() const {
  std::vector<pid_t> out;
  for (const Instance& s : instances_) out.push_back(s.process->pid());
  return out;
}

std::vector<std::string> ServerGroup::log_paths() const {
  std::vector<std::string> out;
  for (const Instance& s : instances_) out.push_back(s.log_path);
  return out;
}

CommandVariables ServerGroup::load_variables(const CommandVariables& base) const {
  CommandVariables vars = base;
  std::vector<std::string> ports_text;
  for (const Instance& s : instances_) ports_text.push_back(std::to_string(s.port));
  vars.set_list("urls", urls_);
  vars.set_list("ports", ports_text);
  vars.set("port", ports_text.front());
  vars.set("instances", std::to_string(instances_.size()));
  return vars;
}

void ServerGroup::check_running(const std::string& during) {
  for (std::size_t k = 0; k < instances_.size(); ++k) {
    Instance& s = instances_[k];
    if (std::optional<ProcessResult> exited = s.process->wait_for(std::chrono::nanoseconds(0))) {
      throw Error(spec_.stage, s.log_path,
                  with_log_tail(label(static_cast<int>(k)) + " exited " + during + " (" +
                                    exited->describe_status() + ")",
                                s.log_path),
                  "the server crashed or quit: see its log");
    }
  }
}

std::vector<ProcessResult> ServerGroup::stop(std::chrono::nanoseconds grace) {
  if (!stopped_.empty()) return stopped_;
  for (Instance& s : instances_) stopped_.push_back(s.process->stop(grace));
  return stopped_;
}

}  // namespace pgo::harness

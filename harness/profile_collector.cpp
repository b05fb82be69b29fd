#include "harness/profile_collector.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "harness/process.h"
#include "merge/error.h"
#include "merge/profile_reader.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::duration;
using std::chrono::nanoseconds;

std::string instance_label(const WorkloadProcess& w, int instance) {
  return "workload '" + w.workload + "' instance " + std::to_string(instance) + " of " +
         std::to_string(w.instances);
}

// Workload names come from scenarios; keep file names portable.
std::string file_stem(const std::string& name) {
  std::string out;
  for (char c : name) {
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ? c : '_';
  }
  return out;
}

std::string seconds_text(nanoseconds d) {
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << duration<double>(d).count() << " s";
  return s.str();
}

void require(bool ok, const WorkloadProcess& w, const std::string& problem, const std::string& hint) {
  if (!ok) throw Error("collect", "", "workload '" + w.workload + "': " + problem, hint);
}

void require_common(const WorkloadProcess& w) {
  if (w.workload.empty()) throw Error("collect", "", "a workload has no name");
  require(w.instances >= 1, w, "instances must be at least 1", "set instances to 1 or more");
}

void require_placeholder(const WorkloadProcess& w, const std::vector<std::string>& argv,
                         const std::string& name, const std::string& what) {
  require(!argv.empty(), w, "the " + what + " is empty", "give the command as a list of arguments");
  require(command_placeholders(argv).count(name) != 0, w,
          "the " + what + " does not use {" + name + "}",
          "pass {" + name + "} to the program, e.g. \"-cpuprofile\", \"{profile}\"");
}

// Starts a log with the command it records; the process appends its output after it.
ProcessSpec logged_spec(const WorkloadProcess& w, const std::vector<std::string>& argv,
                        const std::string& log_path) {
  std::ofstream header(log_path, std::ios::trunc);
  if (!header) throw Error("collect", log_path, "cannot write the workload log");
  header << "$ " << quote_command(argv) << "\n";
  header.close();
  ProcessSpec spec;
  spec.argv = argv;
  spec.working_directory = w.working_directory;
  spec.env_overrides = w.env;
  spec.stdout_mode = StreamMode::kFile;
  spec.stderr_mode = StreamMode::kFile;
  spec.stdout_path = log_path;
  spec.stderr_path = log_path;
  spec.append_output = true;
  return spec;
}

std::string with_tail(const std::string& message, const std::string& log_path) {
  std::string tail = log_tail(log_path, 6);
  if (tail.empty()) return message;
  std::string flat;
  for (char c : tail) flat += c == '\n' ? '|' : c;
  while (!flat.empty() && flat.back() == '|') flat.pop_back();
  return message + "; output ends: " + flat;
}

void remove_stale(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

// Runs K instances (sequentially, or all started first then awaited) and returns their
// results; throws for the first that failed after every instance has ended.
std::vector<ProcessResult> run_instances(const WorkloadProcess& w,
                                         const std::vector<ProcessSpec>& specs, bool concurrent,
                                         std::optional<nanoseconds> timeout) {
  std::vector<ProcessResult> results;
  if (!concurrent) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      ProcessSpec spec = specs[i];
      spec.timeout = timeout;
      results.push_back(run_process(spec));
      if (!results.back().succeeded()) break;  // later instances would only repeat it
    }
  } else {
    // All instances exist before any is awaited: they run at the same time. On an
    // exception the destructors stop whatever is still running.
    std::vector<std::unique_ptr<BackgroundProcess>> running;
    for (const ProcessSpec& spec : specs) running.push_back(std::make_unique<BackgroundProcess>(spec));
    auto deadline = timeout ? Clock::now() + *timeout : Clock::time_point::max();
    for (auto& p : running) {
      auto left = deadline == Clock::time_point::max() ? nanoseconds(std::chrono::hours(24 * 365))
                                                       : std::max(nanoseconds(0), deadline - Clock::now());
      std::optional<ProcessResult> r = p->wait_for(left);
      if (!r) {
        ProcessResult killed = p->stop(std::chrono::milliseconds(500));
        killed.timed_out = true;
        killed.wall_time = *timeout;
        r = killed;
      }
      results.push_back(*r);
    }
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ProcessResult& r = results[i];
    if (r.succeeded()) continue;
    int instance = static_cast<int>(i) + 1;
    std::string status = r.timed_out && timeout ? "timed out after " + seconds_text(*timeout)
                                                : r.describe_status();
    throw Error("collect", specs[i].stdout_path,
                with_tail(instance_label(w, instance) + " failed: " + status, specs[i].stdout_path),
                "run the command from the log by hand to see why");
  }
  return results;
}

bool usable_sample_type(const perftools::profiles::Profile& p) {
  for (const auto& st : p.sample_type()) {
    auto str = [&](std::int64_t i) -> std::string {
      return i >= 0 && i < p.string_table_size() ? p.string_table(static_cast<int>(i)) : "";
    };
    std::string type = str(st.type()), unit = str(st.unit());
    if ((type == "samples" && unit == "count") || (type == "cpu" && unit == "nanoseconds")) return true;
  }
  return false;
}

}  // namespace

std::string log_tail(const std::string& path, int max_lines) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.rfind("$ ", 0) == 0) continue;  // blank, or our command header
    if (line.size() > 300) line = line.substr(0, 300) + "...";
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

void check_collected_profile(CollectedProfile& profile, const std::string& who,
                             std::vector<std::string>& warnings) {
  std::error_code ec;
  if (!fs::exists(profile.path, ec)) {
    throw Error("collect", profile.path, with_tail(who + " wrote no profile", profile.log_path),
                "does the command pass {profile} to the program's CPU-profile flag, and does the "
                "program stop the profiler before it exits?");
  }
  auto size = fs::file_size(profile.path, ec);
  if (ec || size == 0) {
    throw Error("collect", profile.path, who + " wrote an empty profile",
                "the program must call pprof.StopCPUProfile before exiting");
  }
  profile.bytes = static_cast<std::int64_t>(size);
  perftools::profiles::Profile p;
  try {
    p = merge::read_profile_file(profile.path);
  } catch (const Error& e) {
    throw Error("collect", profile.path, who + " wrote an invalid profile: " + e.problem(),
                "is it a pprof CPU profile (not text, not another profile kind)?");
  }
  if (!usable_sample_type(p)) {
    throw Error("collect", profile.path,
                who + "'s profile has no samples/count or cpu/nanoseconds sample type",
                "fetch a CPU profile (/debug/pprof/profile), not a heap or other profile");
  }
  profile.samples = p.sample_size();
  profile.duration_nanos = p.duration_nanos();
  if (profile.samples == 0) {
    warnings.push_back(who + ": the profile has no samples (the workload did too little work "
                             "while profiled); it adds nothing to the merge");
  }
}

ProfileCollector::ProfileCollector(std::string profile_dir, std::string log_dir)
    : profile_dir_(fs::absolute(profile_dir).lexically_normal().string()),
      log_dir_(fs::absolute(log_dir).lexically_normal().string()) {
  std::error_code ec;
  fs::create_directories(profile_dir_, ec);
  if (ec) throw Error("collect", profile_dir_, "cannot create the profile directory: " + ec.message());
  fs::create_directories(log_dir_, ec);
  if (ec) throw Error("collect", log_dir_, "cannot create the log directory: " + ec.message());
}

std::string ProfileCollector::profile_path(const std::string& workload, int instance) const {
  return (fs::path(profile_dir_) / (file_stem(workload) + "-" + std::to_string(instance) + ".pprof")).string();
}

std::string ProfileCollector::log_path(const std::string& workload, const std::string& suffix) const {
  return (fs::path(log_dir_) / (file_stem(workload) + "-" + suffix + ".log")).string();
}

// ---- flag ----------------------------------------------------------------------------

CollectionResult ProfileCollector::collect(const FlagCollection& w) {
  require_common(w);
  require_placeholder(w, w.command, "profile", "command");
  auto start = Clock::now();
  CollectionResult result;
  std::vector<ProcessSpec> specs;
  for (int i = 1; i <= w.instances; ++i) {
    CollectedProfile p;
    p.workload = w.workload;
    p.instance = i;
    p.path = profile_path(w.workload, i);
    p.log_path = log_path(w.workload, std::to_string(i));
    remove_stale(p.path);
    CommandVariables vars = w.variables;
    vars.set("profile", p.path);
    vars.set("instance", std::to_string(i));
    std::vector<std::string> argv = expand_command(w.command, vars, "workload '" + w.workload + "'");
    specs.push_back(logged_spec(w, argv, p.log_path));
    result.profiles.push_back(std::move(p));
  }
  std::vector<ProcessResult> runs = run_instances(w, specs, w.concurrent, w.timeout);
  for (std::size_t i = 0; i < result.profiles.size(); ++i) {
    CollectedProfile& p = result.profiles[i];
    p.elapsed = runs[i].wall_time;
    check_collected_profile(p, instance_label(w, p.instance), result.warnings);
  }
  result.wall_time = Clock::now() - start;
  return result;
}

// ---- gotest --------------------------------------------------------------------------

std::vector<std::string> ProfileCollector::gotest_argv(const GotestCollection& w,
                                                       const std::string& profile_path) {
  std::vector<std::string> argv = {w.test_binary, "-test.run=^$", "-test.bench=" + w.bench};
  if (!profile_path.empty()) argv.push_back("-test.cpuprofile=" + profile_path);
  if (!w.benchtime.empty()) argv.push_back("-test.benchtime=" + w.benchtime);
  if (w.count > 1) argv.push_back("-test.count=" + std::to_string(w.count));
  // Only the extra arguments are templates: a benchmark pattern may contain regexp
  // braces ("x{2}") that must not be read as placeholders.
  CommandVariables vars = w.variables;
  vars.set("profile", profile_path);
  if (!vars.has("instance")) vars.set("instance", "1");
  std::vector<std::string> extra =
      expand_command(w.extra_args, vars, "workload '" + w.workload + "' extra arguments");
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

CollectionResult ProfileCollector::collect(const GotestCollection& w) {
  require_common(w);
  std::error_code ec;
  require(fs::is_regular_file(w.test_binary, ec), w, "test binary " + w.test_binary + " does not exist",
          "build it with go test -c first");
  require(!w.bench.empty(), w, "the benchmark pattern is empty", "use \".\" for all benchmarks");
  auto start = Clock::now();
  CollectionResult result;
  std::vector<ProcessSpec> specs;
  for (int i = 1; i <= w.instances; ++i) {
    CollectedProfile p;
    p.workload = w.workload;
    p.instance = i;
    p.path = profile_path(w.workload, i);
    p.log_path = log_path(w.workload, std::to_string(i));
    remove_stale(p.path);
    GotestCollection run = w;
    run.variables.set("instance", std::to_string(i));
    std::vector<std::string> argv = gotest_argv(run, p.path);
    specs.push_back(logged_spec(w, argv, p.log_path));
    result.profiles.push_back(std::move(p));
  }
  std::vector<ProcessResult> runs = run_instances(w, specs, w.concurrent, w.timeout);
  for (std::size_t i = 0; i < result.profiles.size(); ++i) {
    CollectedProfile& p = result.profiles[i];
    p.elapsed = runs[i].wall_time;
    std::ifstream in(p.log_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    p.benchmarks = parse_go_bench_output(text.str()).results;
    if (p.benchmarks.empty()) {
      throw Error("collect", p.log_path,
                  instance_label(w, p.instance) + ": no benchmark matched -test.bench=" + w.bench,
                  "check the pattern against the package's Benchmark functions");
    }
    check_collected_profile(p, instance_label(w, p.instance), result.warnings);
  }
  result.wall_time = Clock::now() - start;
  return result;
}

// ---- http ----------------------------------------------------------------------------

namespace {

struct ServerInstance {
  std::uint16_t port = 0;
  std::string log_path;
  std::unique_ptr<BackgroundProcess> process;
  bool ready = false;
  int starts = 0;
};

std::string base_url(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

bool lost_port_race(const std::string& log_path) {
  return log_tail(log_path, 20).find("address already in use") != std::string::npos;
}

}  // namespace

CollectionResult ProfileCollector::collect(const HttpCollection& w) {
  require_common(w);
  require_placeholder(w, w.server_command, "port", "server command");
  require(w.profile_seconds >= 1, w, "profile seconds must be at least 1", "");
  require(!w.readiness_path.empty() && w.readiness_path[0] == '/', w,
          "the readiness path must start with '/'", "e.g. \"/debug/pprof/\"");
  auto start = Clock::now();
  CollectionResult result;
  const std::string context = "workload '" + w.workload + "'";

  // Members are destroyed in reverse order: load first, then servers. Both stop their
  // process groups in their destructors, which is what makes every early throw clean.
  std::vector<ServerInstance> servers(static_cast<std::size_t>(w.instances));
  std::unique_ptr<BackgroundProcess> load;

  auto start_server = [&](int i) {
    ServerInstance& s = servers[static_cast<std::size_t>(i - 1)];
    s.port = ports_.allocate(1).front();
    s.log_path = log_path(w.workload, "server-" + std::to_string(i));
    CommandVariables vars = w.variables;
    vars.set("port", std::to_string(s.port));
    vars.set("instance", std::to_string(i));
    std::vector<std::string> argv = expand_command(w.server_command, vars, context);
    s.process.reset();
    s.process = std::make_unique<BackgroundProcess>(logged_spec(w, argv, s.log_path));
    ++s.starts;
  };
  for (int i = 1; i <= w.instances; ++i) start_server(i);

  // Readiness: poll every instance until all answer, one exits, or the deadline passes.
  HttpOptions probe;
  probe.timeout = std::chrono::milliseconds(1000);
  probe.connect_timeout = std::chrono::milliseconds(500);
  probe.attempts = 1;
  auto deadline = Clock::now() + w.ready_timeout;
  std::vector<std::string> last_probe(servers.size());
  for (;;) {
    bool all_ready = true;
    for (std::size_t k = 0; k < servers.size(); ++k) {
      ServerInstance& s = servers[k];
      if (s.ready) continue;
      int instance = static_cast<int>(k) + 1;
      if (std::optional<ProcessResult> exited = s.process->wait_for(nanoseconds(0))) {
        // Another program may have taken the port between allocation and bind: retry once.
        if (s.starts < 2 && lost_port_race(s.log_path)) {
          start_server(instance);
          all_ready = false;
          continue;
        }
        throw Error("collect", s.log_path,
                    with_tail(instance_label(w, instance) + " exited before it was ready (" +
                                  exited->describe_status() + ")",
                              s.log_path),
                    "check the server command and that it listens on {port}");
      }
      HttpResponse r = http_.get(base_url(s.port) + w.readiness_path, probe);
      s.ready = r.ok();
      last_probe[k] = r.describe();
      all_ready = all_ready && s.ready;
    }
    if (all_ready) break;
    if (Clock::now() >= deadline) {
      for (std::size_t k = 0; k < servers.size(); ++k) {
        if (servers[k].ready) continue;
        throw Error("collect", servers[k].log_path,
                    with_tail(instance_label(w, static_cast<int>(k) + 1) + " was not ready after " +
                                  seconds_text(w.ready_timeout) + " (GET " + w.readiness_path +
                                  ": " + last_probe[k] + ")",
                              servers[k].log_path),
                    "does the server import net/http/pprof and listen on 127.0.0.1:{port}? "
                    "raise the ready timeout if it starts slowly");
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  std::vector<std::string> urls, ports;
  for (const ServerInstance& s : servers) {
    urls.push_back(base_url(s.port));
    ports.push_back(std::to_string(s.port));
  }
  std::string load_log = log_path(w.workload, "load");
  if (!w.load_command.empty()) {
    CommandVariables vars = w.variables;
    vars.set_list("urls", urls);
    vars.set_list("ports", ports);
    vars.set("port", ports.front());
    vars.set("instances", std::to_string(w.instances));
    std::vector<std::string> argv = expand_command(w.load_command, vars, context + " load command");
    load = std::make_unique<BackgroundProcess>(logged_spec(w, argv, load_log));
    if (w.load_lead > nanoseconds(0)) {
      if (std::optional<ProcessResult> done = load->wait_for(w.load_lead); done && !done->succeeded()) {
        throw Error("collect", load_log,
                    with_tail(context + ": the load command failed (" + done->describe_status() + ")", load_log),
                    "run the command from the log by hand to see why");
      }
    }
  }

  // Capture: every instance at the same time, so the windows cover the same load.
  std::vector<HttpDownload> downloads;
  for (int i = 1; i <= w.instances; ++i) {
    CollectedProfile p;
    p.workload = w.workload;
    p.instance = i;
    p.path = profile_path(w.workload, i);
    p.log_path = servers[static_cast<std::size_t>(i - 1)].log_path;
    remove_stale(p.path);
    std::string sep = w.profile_path.find('?') == std::string::npos ? "?" : "&";
    downloads.push_back({urls[static_cast<std::size_t>(i - 1)] + w.profile_path + sep +
                             "seconds=" + std::to_string(w.profile_seconds),
                         p.path});
    result.profiles.push_back(std::move(p));
  }
  HttpOptions fetch;
  fetch.timeout = w.fetch_timeout.count() > 0
                      ? w.fetch_timeout
                      : std::chrono::milliseconds(w.profile_seconds * 1000 + 15'000);
  fetch.attempts = std::max(1, w.fetch_attempts);
  fetch.backoff = std::chrono::milliseconds(500);
  std::vector<HttpResponse> fetched = http_.download_all(downloads, fetch);

  if (load) {
    if (std::optional<ProcessResult> done = load->wait_for(nanoseconds(0))) {
      if (!done->succeeded()) {
        throw Error("collect", load_log,
                    with_tail(context + ": the load command failed (" + done->describe_status() + ")", load_log),
                    "run the command from the log by hand to see why");
      }
      result.warnings.push_back(context + ": the load command ended before the " +
                                std::to_string(w.profile_seconds) +
                                " s capture did; the profiles may include idle time");
    }
    load->stop();
  }
  for (std::size_t k = 0; k < fetched.size(); ++k) {
    CollectedProfile& p = result.profiles[k];
    p.elapsed = fetched[k].elapsed;
    if (!fetched[k].ok()) {
      throw Error("collect", p.path,
                  with_tail(instance_label(w, p.instance) + ": fetching " + downloads[k].url +
                                " failed: " + fetched[k].describe(),
                            p.log_path),
                  fetched[k].timed_out ? "raise the fetch timeout, or check that the server "
                                         "answers while under load"
                                       : "check the server's log");
    }
  }
  for (ServerInstance& s : servers) s.process->stop();
  for (CollectedProfile& p : result.profiles) {
    check_collected_profile(p, instance_label(w, p.instance), result.warnings);
  }
  result.wall_time = Clock::now() - start;
  return result;
}

}  // namespace pgo::harness

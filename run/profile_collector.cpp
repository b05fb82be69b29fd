#include "run/profile_collector.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "base/error.h"
#include "merge/profile_reader.h"
#include "process/process.h"
#include "process/process_log.h"
#include "process/server_group.h"
#include "run/run_directory.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::nanoseconds;

std::string instance_label(const WorkloadProcess& w, int instance) {
  return "workload '" + w.workload + "' instance " + std::to_string(instance) + " of " +
         std::to_string(w.instances);
}

std::string seconds_text(nanoseconds d) {
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << std::chrono::duration<double>(d).count() << " s";
  return s.str();
}

void require(bool ok, const WorkloadProcess& w, const std::string& problem,
             const std::string& hint) {
  if (!ok) throw Error("collect", "", "workload '" + w.workload + "': " + problem, hint);
}

void require_common(const WorkloadProcess& w) {
  if (w.workload.empty()) throw Error("collect", "", "a workload has no name");
  require(w.instances >= 1, w, "instances must be at least 1", "set instances to 1 or more");
}

void require_placeholder(const WorkloadProcess& w, const std::vector<std::string>& argv,
                         const std::string& name, const std::string& what,
                         const std::string& hint) {
  require(!argv.empty(), w, "the " + what + " is empty", "give the command as a list of arguments");
  require(command_placeholders(argv).count(name) != 0, w,
          "the " + what + " does not use {" + name + "}", hint);
}

ProcessSpec workload_spec(const WorkloadProcess& w, const std::vector<std::string>& argv,
                          const std::string& log_path) {
  ProcessSpec spec = logged_process_spec(argv, w.working_directory, w.env, log_path);
  if (!w.stdin_path.empty()) {
    spec.stdin_mode = StreamMode::kFile;
    spec.stdin_path = w.stdin_path;
  }
  return spec;
}

void remove_stale(const std::string& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

// Runs K instances (one after another, or all started before any is awaited) and returns
// their results; throws for the first that failed once every instance has ended.
std::vector<ProcessResult> run_instances(const WorkloadProcess& w,
                                         const std::vector<ProcessSpec>& specs, bool concurrent,
                                         std::optional<nanoseconds> timeout) {
  std::vector<ProcessResult> results;
  if (!concurrent) {
    for (const ProcessSpec& s : specs) {
      ProcessSpec spec = s;
      spec.timeout = timeout;
      results.push_back(run_process(spec));
      if (!results.back().succeeded()) break;  // later instances would only repeat it
    }
  } else {
    // On an exception the destructors stop whatever is still running.
    std::vector<std::unique_ptr<BackgroundProcess>> running;
    for (const ProcessSpec& spec : specs) {
      running.push_back(std::make_unique<BackgroundProcess>(spec));
    }
    auto deadline = timeout ? Clock::now() + *timeout : Clock::time_point::max();
    for (auto& p : running) {
      nanoseconds left = timeout ? std::max(nanoseconds(0), deadline - Clock::now())
                                 : nanoseconds(std::chrono::hours(24 * 365));
      std::optional<ProcessResult> r = p->wait_for(left);
      if (!r) {
        r = p->stop(std::chrono::milliseconds(500));
        r->timed_out = true;
      }
      results.push_back(*r);
    }
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ProcessResult& r = results[i];
    if (r.succeeded()) continue;
    std::string status =
        r.timed_out && timeout ? "timed out after " + seconds_text(*timeout) : r.describe_status();
    throw Error("collect", specs[i].stdout_path,
                with_log_tail(instance_label(w, static_cast<int>(i) + 1) + " failed: " + status,
                              specs[i].stdout_path),
                "run the command from the log by hand to see why");
  }
  return results;
}

bool usable_sample_type(const perftools::profiles::Profile& p) {
  auto str = [&](std::int64_t i) -> std::string {
    return i >= 0 && i < p.string_table_size() ? p.string_table(static_cast<int>(i)) : "";
  };
  for (const auto& st : p.sample_type()) {
    std::string type = str(st.type()), unit = str(st.unit());
    if ((type == "samples" && unit == "count") || (type == "cpu" && unit == "nanoseconds")) {
      return true;
    }
  }
  return false;
}

// Joins a thread on every path out of a scope.
class JoinOnExit {
 public:
  explicit JoinOnExit(std::thread& t) : t_(t) {}
  ~JoinOnExit() {
    if (t_.joinable()) t_.join();
  }
  JoinOnExit(const JoinOnExit&) = delete;
  JoinOnExit& operator=(const JoinOnExit&) = delete;

 private:
  std::thread& t_;
};

}  // namespace

void check_collected_profile(CollectedProfile& profile, const std::string& who,
                             std::vector<std::string>& warnings) {
  std::error_code ec;
  if (!fs::exists(profile.path, ec)) {
    throw Error(ErrorKind::kProfileMissing, "collect", profile.path,
                with_log_tail(who + " wrote no profile", profile.log_path),
                "does the command pass {profile} to the program's CPU-profile flag, and does the "
                "program stop the profiler before it exits?");
  }
  auto size = fs::file_size(profile.path, ec);
  if (ec || size == 0) {
    throw Error(ErrorKind::kUnusableProfile, "collect", profile.path,
                who + " wrote an empty profile",
                "the program must call pprof.StopCPUProfile before exiting");
  }
  profile.bytes = static_cast<std::int64_t>(size);
  perftools::profiles::Profile p;
  try {
    p = merge::read_profile_file(profile.path);
  } catch (const Error& e) {
    throw Error(ErrorKind::kUnusableProfile, "collect", profile.path,
                who + " wrote an invalid profile: " + e.problem(),
                "is it a pprof CPU profile (not text, not another profile kind)?");
  }
  if (!usable_sample_type(p)) {
    throw Error(ErrorKind::kUnusableProfile, "collect", profile.path,
                who + "'s profile has no samples/count or cpu/nanoseconds sample type",
                "collect a CPU profile (/debug/pprof/profile), not a heap or other profile");
  }
  profile.samples = p.sample_size();
  profile.duration_nanos = p.duration_nanos();
  if (profile.samples == 0) {
    warnings.push_back(who +
                       ": the profile has no samples (the workload did too little work "
                       "while profiled); it adds nothing to the merge");
  }
}

ProfileCollector::ProfileCollector(std::string profile_dir, std::string log_dir)
    : profile_dir_(fs::absolute(profile_dir).lexically_normal().string()),
      log_dir_(fs::absolute(log_dir).lexically_normal().string()) {
  std::error_code ec;
  fs::create_directories(profile_dir_, ec);
  if (ec) {
    throw Error("collect", profile_dir_, "cannot create the profile directory: " + ec.message());
  }
  fs::create_directories(log_dir_, ec);
  if (ec) throw Error("collect", log_dir_, "cannot create the log directory: " + ec.message());
}

std::string ProfileCollector::profile_path(const std::string& workload, int instance) const {
  std::string name = portable_file_stem(workload);
  name.append("-").append(std::to_string(instance)).append(".pprof");
  return (fs::path(profile_dir_) / name).string();
}

std::string ProfileCollector::log_path(const std::string& workload,
                                       const std::string& suffix) const {
  std::string name = portable_file_stem(workload);
  name.append("-").append(suffix).append(".log");
  return (fs::path(log_dir_) / name).string();
}

CollectedProfile ProfileCollector::new_instance(const std::string& workload, int instance,
                                                const std::string& log_suffix) const {
  CollectedProfile p;
  p.workload = workload;
  p.instance = instance;
  p.path = profile_path(workload, instance);
  if (!log_suffix.empty()) p.log_path = log_path(workload, log_suffix);
  remove_stale(p.path);
  return p;
}

// ---- flag ----------------------------------------------------------------------------

CollectionResult ProfileCollector::collect(const FlagCollection& w) {
  require_common(w);
  require_placeholder(w, w.command, "profile", "command",
                      "pass {profile} to the program, e.g. \"-cpuprofile\", \"{profile}\"");
  auto start = Clock::now();
  CollectionResult result;
  std::vector<ProcessSpec> specs;
  for (int i = 1; i <= w.instances; ++i) {
    CollectedProfile p = new_instance(w.workload, i, std::to_string(i));
    CommandVariables vars = w.variables;
    vars.set("profile", p.path);
    vars.set("instance", std::to_string(i));
    std::vector<std::string> argv =
        expand_command(w.command, vars, "workload '" + w.workload + "'");
    specs.push_back(workload_spec(w, argv, p.log_path));
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
  require(fs::is_regular_file(w.test_binary, ec), w,
          "test binary " + w.test_binary + " does not exist", "build it with go test -c first");
  require(!w.bench.empty(), w, "the benchmark pattern is empty", "use \".\" for all benchmarks");
  auto start = Clock::now();
  CollectionResult result;
  std::vector<ProcessSpec> specs;
  for (int i = 1; i <= w.instances; ++i) {
    CollectedProfile p = new_instance(w.workload, i, std::to_string(i));
    GotestCollection run = w;
    run.variables.set("instance", std::to_string(i));
    specs.push_back(workload_spec(w, gotest_argv(run, p.path), p.log_path));
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

CollectionResult ProfileCollector::collect(const HttpCollection& w) {
  require_common(w);
  require_placeholder(w, w.server_command, "port", "server command",
                      "the server must listen on the port it is given, e.g. \"-addr\", "
                      "\"127.0.0.1:{port}\"");
  require(w.profile_seconds >= 1, w, "profile seconds must be at least 1", "");
  auto start = Clock::now();
  CollectionResult result;
  const std::string context = "workload '" + w.workload + "'";

  ServerGroupSpec group;
  group.name = portable_file_stem(w.workload);
  group.server_command = w.server_command;
  group.variables = w.variables;
  group.working_directory = w.working_directory;
  group.env = w.env;
  group.cpu_affinity = w.cpu_affinity;
  group.instances = w.instances;
  group.ready_path = w.ready_path;
  group.ready_timeout = w.ready_timeout;
  group.log_dir = log_dir_;
  // Destruction runs in reverse: the fetch thread is joined, then the load stopped, then
  // the servers. That order is what makes every early throw leave nothing running.
  ServerGroup servers(group, ports_, http_);
  std::unique_ptr<BackgroundProcess> load;

  std::string load_log = log_path(w.workload, "load");
  ProcessSpec load_spec;
  auto load_failed = [&](const ProcessResult& r) {
    return Error("collect", load_log,
                 with_log_tail(context + ": the load command failed (" + r.describe_status() + ")",
                               load_log),
                 "run the command from the log by hand to see why");
  };
  if (!w.load_command.empty()) {
    std::vector<std::string> argv = expand_command(
        w.load_command, servers.load_variables(w.variables), context + " load command");
    load_spec = workload_spec(w, argv, load_log);  // restarts append to the same log
    load = std::make_unique<BackgroundProcess>(load_spec);
    result.load_runs = 1;
  }

  // Keeps the load going while the servers warm up and while profiles are captured: a
  // load that finished is restarted (restart_load) or left ended (load_over); a failure
  // is recorded and thrown by the caller once no fetch thread runs.
  std::optional<ProcessResult> load_failure;
  bool load_over = false;
  auto tend_load = [&](nanoseconds slice) {
    if (!load || load_failure || load_over) {
      std::this_thread::sleep_for(slice);
      return;
    }
    std::optional<ProcessResult> done = load->wait_for(slice);
    if (!done) return;
    if (!done->succeeded()) {
      load_failure = done;
    } else if (w.restart_load) {
      load.reset();
      load = std::make_unique<BackgroundProcess>(load_spec);
      ++result.load_runs;
    } else {
      load_over = true;
    }
  };
  for (auto lead_end = Clock::now() + w.load_lead; load && Clock::now() < lead_end;) {
    tend_load(std::min<nanoseconds>(std::chrono::milliseconds(50), lead_end - Clock::now()));
    if (load_failure) throw load_failed(*load_failure);
  }

  // Capture from every instance at the same time, so the windows cover the same load.
  std::vector<HttpDownload> downloads;
  for (int i = 1; i <= w.instances; ++i) {
    CollectedProfile p = new_instance(w.workload, i, "");
    p.log_path = servers.log_paths()[static_cast<std::size_t>(i - 1)];
    p.url = servers.urls()[static_cast<std::size_t>(i - 1)];
    std::string sep = w.profile_path.find('?') == std::string::npos ? "?" : "&";
    downloads.push_back(
        {p.url + w.profile_path + sep + "seconds=" + std::to_string(w.profile_seconds), p.path});
    result.profiles.push_back(std::move(p));
  }
  HttpOptions fetch;
  fetch.timeout = w.fetch_timeout.count() > 0
                      ? w.fetch_timeout
                      : std::chrono::milliseconds(w.profile_seconds * 1000 + 15'000);
  fetch.attempts = std::max(1, w.fetch_attempts);
  fetch.backoff = std::chrono::milliseconds(500);

  std::vector<HttpResponse> fetched;
  std::exception_ptr fetch_error;
  std::atomic<bool> fetch_done{false};
  std::thread fetcher([&] {
    try {
      fetched = http_.download_all(downloads, fetch);
    } catch (...) {
      fetch_error = std::current_exception();
    }
    fetch_done = true;
  });
  JoinOnExit join(fetcher);

  while (!fetch_done) tend_load(std::chrono::milliseconds(50));
  fetcher.join();
  if (fetch_error) std::rethrow_exception(fetch_error);
  if (load_failure) throw load_failed(*load_failure);
  if (load_over) {
    result.warnings.push_back(context + ": the load command ended before the " +
                              std::to_string(w.profile_seconds) +
                              " s capture did; the profiles include idle time");
  }
  if (load) {
    if (std::optional<ProcessResult> done = load->wait_for(nanoseconds(0));
        done && !done->succeeded()) {
      throw load_failed(*done);
    }
    load->stop();
  }

  for (std::size_t k = 0; k < fetched.size(); ++k) {
    CollectedProfile& p = result.profiles[k];
    p.elapsed = fetched[k].elapsed;
    if (!fetched[k].ok()) {
      // No profile came back: the server failed to produce one, a workload fault (exit 4)
      // like a command that wrote none; a profile that arrives but is unusable is exit 5.
      throw Error(ErrorKind::kProfileMissing, "collect", p.path,
                  with_log_tail(instance_label(w, p.instance) + ": fetching " + downloads[k].url +
                                    " failed: " + fetched[k].describe(),
                                p.log_path),
                  fetched[k].timed_out ? "raise the fetch timeout, or check that the server "
                                         "answers while under load"
                                       : "check the server's log");
    }
  }
  servers.check_running("while its profile was captured");
  servers.stop();
  for (CollectedProfile& p : result.profiles) {
    check_collected_profile(p, instance_label(w, p.instance), result.warnings);
  }
  result.wall_time = Clock::now() - start;
  return result;
}

}  // namespace pgo::harness

// Risk guarded against: a run that ends while processes it started live on: a background
// job, a double-forked daemon in its own session, a grandchild that ignores SIGTERM, in a
// timed run, a timed-out run or a background process (server, load generator); and the
// clean-up taking the child's own rusage or killing another run's processes.
// Uses /bin/sh, setsid and sleep; each case takes about a second.
#include "process/process_tree.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "process/process.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using pgo::harness::BackgroundProcess;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;
using pgo::harness::run_process;
using pgo::harness::StreamMode;

using pgo::testing::shell_spec;

namespace {

struct Scratch : pgo::testing::TempDir {
  Scratch() : TempDir("pgo_process_tree") {}
};

std::vector<pid_t> pids_in(const std::string& file) {
  std::ifstream in(file);
  std::vector<pid_t> out;
  for (long pid; in >> pid;) out.push_back(static_cast<pid_t>(pid));
  return out;
}

// Alive, or a zombie nobody reaped: /proc/PID still exists.
bool exists(pid_t pid) { return fs::exists("/proc/" + std::to_string(pid)); }

// Kills what a failed check left behind, so a failure does not leak into other tests.
void kill_leftovers(const std::vector<pid_t>& pids) {
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
}

// Three kinds of leftovers, each writing its pid to `file`: a background job in the run's
// process group, a daemon that left the group and session (setsid, double fork), and a
// grandchild that ignores SIGTERM. The script returns once all three are running.
std::string leave_leftovers(const std::string& file) {
  return "sleep 151 >/dev/null 2>&1 & echo $! >> " + file + "\n( setsid sh -c 'echo $$ >> " + file +
         "; exec sleep 152' >/dev/null 2>&1 & )" +
         "\n( trap '' TERM; exec sleep 153 ) >/dev/null 2>&1 & echo $! >> " + file +
         "\nwhile [ $(wc -l < " + file + ") -lt 3 ]; do sleep 0.01; done\n";
}

}  // namespace

TEST_CASE("a finished run leaves no background job, daemon or SIGTERM-proof grandchild",
          "[process]") {
  Scratch s;
  const std::string file = s.path("pids");
  ProcessResult r = run_process(shell_spec(leave_leftovers(file) + "exit 7"));
  std::vector<pid_t> pids = pids_in(file);
  REQUIRE(pids.size() == 3);
  CHECK(r.exit_code == 7);  // the child's own status, not a leftover's
  for (pid_t pid : pids) {
    INFO("pid " << pid);
    CHECK_FALSE(exists(pid));
  }
  kill_leftovers(pids);
}

TEST_CASE("a timed-out run leaves nothing behind either", "[process]") {
  Scratch s;
  const std::string file = s.path("pids");
  ProcessSpec spec = shell_spec(leave_leftovers(file) + "exec sleep 30");
  spec.timeout = 2s;
  ProcessResult r = run_process(spec);
  std::vector<pid_t> pids = pids_in(file);
  REQUIRE(pids.size() == 3);
  CHECK(r.timed_out);
  for (pid_t pid : pids) {
    INFO("pid " << pid);
    CHECK_FALSE(exists(pid));
  }
  kill_leftovers(pids);
}

TEST_CASE("a stopped background process leaves nothing behind", "[process]") {
  Scratch s;
  const std::string file = s.path("pids");
  BackgroundProcess server(shell_spec(leave_leftovers(file) + "exec sleep 30"));
  for (int i = 0; i < 500 && pids_in(file).size() < 3; ++i) std::this_thread::sleep_for(10ms);
  std::vector<pid_t> pids = pids_in(file);
  REQUIRE(pids.size() == 3);
  ProcessResult r = server.stop(1s);
  CHECK(r.term_signal == SIGTERM);
  for (pid_t pid : pids) {
    INFO("pid " << pid);
    CHECK_FALSE(exists(pid));
  }
  kill_leftovers(pids);
}

TEST_CASE("ending a run spares the processes of a run still in progress", "[process]") {
  // A server (background process) runs while another run leaves an orphan: only the
  // finished run's orphan is ended, the server and its own orphan keep running.
  Scratch s;
  const std::string server_file = s.path("server"), run_file = s.path("run");
  BackgroundProcess server(shell_spec("( setsid sh -c 'echo $$ >> " + server_file +
                                      "; exec sleep 154' >/dev/null 2>&1 & )\nexec sleep 30"));
  for (int i = 0; i < 500 && pids_in(server_file).empty(); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(pids_in(server_file).size() == 1);
  ProcessResult r = run_process(shell_spec("( setsid sh -c 'echo $$ >> " + run_file +
                                           "; exec sleep 155' >/dev/null 2>&1 & )\n"
                                           "while [ ! -s " +
                                           run_file + " ]; do sleep 0.01; done"));
  CHECK(r.succeeded());
  REQUIRE(pids_in(run_file).size() == 1);
  CHECK_FALSE(exists(pids_in(run_file)[0]));
  CHECK(exists(pids_in(server_file)[0]));
  CHECK(server.running());
  server.stop(1s);
  CHECK_FALSE(exists(pids_in(server_file)[0]));
  kill_leftovers(pids_in(server_file));
  kill_leftovers(pids_in(run_file));
}

TEST_CASE("the run's own CPU time survives the clean-up of its leftovers", "[process]") {
  // The child burns CPU itself and leaves a busy orphan: the reported CPU time is the
  // child's (wait4 on its pid), the orphan is killed and reaped separately.
  Scratch s;
  const std::string file = s.path("pids");
  ProcessResult r = run_process(shell_spec("( while :; do :; done ) & echo $! >> " + file +
                                           "\ni=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"));
  std::vector<pid_t> pids = pids_in(file);
  REQUIRE(pids.size() == 1);
  CHECK(r.succeeded());
  CHECK(r.user_seconds + r.system_seconds > 0.01);
  CHECK_FALSE(exists(pids[0]));
  kill_leftovers(pids);
}

TEST_CASE("every spawned process carries its run's tree token", "[process]") {
  ProcessResult a = run_process(shell_spec("printf %s \"$PGO_HARNESS_PROCESS_TREE\""));
  ProcessResult b = run_process(shell_spec("printf %s \"$PGO_HARNESS_PROCESS_TREE\""));
  CHECK_FALSE(a.captured_stdout.empty());
  CHECK(a.captured_stdout.find(std::to_string(::getpid()) + "-") != std::string::npos);
  CHECK(a.captured_stdout != b.captured_stdout);
}

TEST_CASE("the children of a run killed with SIGKILL are ended with it", "[process]") {
  // A nested harness killed with kill -9 cannot end its own children: they are adopted by
  // this process and ended as the killed run's leftovers.
  Scratch s;
  const std::string file = s.path("pids");
  BackgroundProcess run(shell_spec("sleep 156 & echo $! >> " + file + "\nwait"));
  for (int i = 0; i < 500 && pids_in(file).empty(); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(pids_in(file).size() == 1);
  REQUIRE(::kill(run.pid(), SIGKILL) == 0);
  REQUIRE(run.wait_for(5s));
  CHECK_FALSE(exists(pids_in(file)[0]));
  kill_leftovers(pids_in(file));
}

TEST_CASE("the harness's children are listed the fast way and by scanning /proc alike",
          "[process]") {
  BackgroundProcess a(shell_spec("exec sleep 30")), b(shell_spec("exec sleep 30"));
  std::vector<pid_t> fast = pgo::harness::process_tree::list_children();
  std::vector<pid_t> scanned = pgo::harness::process_tree::list_children_by_scan();
  std::sort(fast.begin(), fast.end());
  std::sort(scanned.begin(), scanned.end());
  CHECK(fast == scanned);
  CHECK(std::count(fast.begin(), fast.end(), a.pid()) == 1);
  CHECK(std::count(fast.begin(), fast.end(), b.pid()) == 1);
}

TEST_CASE("an orphan of the run whose environment vanishes while it ends is still ended",
          "[process]") {
  // An orphan is attributed to its run by reading its environment, which an exiting
  // process (its memory already released) or one that execs with an empty environment no
  // longer shows. Seen once as the run's, it must stay the run's: here it answers SIGTERM
  // by exec'ing `env -i sleep`, while another run is in flight (so an orphan of unknown
  // owner would be spared).
  namespace tree = pgo::harness::process_tree;
  Scratch s;
  const std::string ready = s.path("ready");
  BackgroundProcess other_run(shell_spec("exec sleep 30"));
  const std::string token = tree::new_tree_token();

  pid_t leader = ::fork();
  REQUIRE(leader >= 0);
  if (leader == 0) {
    ::setpgid(0, 0);
    ::_exit(0);
  }
  pid_t orphan = ::fork();
  REQUIRE(orphan >= 0);
  if (orphan == 0) {
    ::setsid();
    const std::string variable = std::string(tree::kTreeVariable) + "=" + token;
    const std::string script = "exec 2>/dev/null; trap 'exec env -i sleep 157' TERM; : > " + ready +
                               "; while :; do sleep 0.01; done";
    const char* env[] = {variable.c_str(), "PATH=/usr/bin:/bin", nullptr};
    ::execle("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr), env);
    ::_exit(127);
  }
  for (int i = 0; i < 500 && !fs::exists(ready); ++i) std::this_thread::sleep_for(10ms);
  REQUIRE(fs::exists(ready));
  siginfo_t info{};
  REQUIRE(::waitid(P_PID, static_cast<id_t>(leader), &info, WEXITED | WNOWAIT) == 0);

  CHECK(tree::end_tree(leader, token, 300ms) == 1);
  CHECK_FALSE(exists(orphan));
  CHECK(other_run.running());
  ::kill(orphan, SIGKILL);
  ::waitpid(orphan, nullptr, 0);
  ::waitpid(leader, nullptr, 0);
}

// The process trees the harness starts, and making sure every one of them ends with its run.
//
// A run (a timed run, a profiled run, a server, a load generator, a bench hook) is the
// child process/process.cpp spawned plus everything that child starts: background jobs
// (`sh -c 'helper & exec prog'`), double-forked daemons that left its process group and
// session, grandchildren that ignore SIGTERM. Three mechanisms together catch all of them:
//
// - The harness is a child subreaper (PR_SET_CHILD_SUBREAPER): a process whose parent dies
//   is re-parented to the harness instead of PID 1, so every surviving process of a tree
//   has an ancestor, or is itself, a child of the harness.
// - Every spawned child gets the environment variable kTreeVariable, a token unique to its
//   run, which its descendants inherit: a re-parented orphan is attributed to its run by
//   reading /proc/PID/environ (a nested harness extends the token: "OUTER/PID-N").
// - When a run's child has exited (seen with waitid(WNOWAIT), so it stays a zombie and its
//   pid and process group id cannot be reused), end_tree() sends SIGTERM to the run's
//   process group and to each of the run's orphans and their groups, waits a grace period,
//   then SIGKILLs what is left, again and again until nothing of the tree is alive, and
//   reaps the orphans by pid. Only then is the child itself reaped with wait4, so its own
//   rusage is never taken by anybody else.
//
// The harness's children are listed from /proc/self/task/TID/children. Zombies that are not
// tracked runs are reaped by pid (never waitpid(-1)), under the spawn lock, so a child
// spawned by another thread is tracked before any sweep can see it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <shared_mutex>
#include <string>
#include <vector>

namespace pgo::harness::process_tree {

// The environment variable that names a child's run; its descendants inherit it.
inline constexpr const char* kTreeVariable = "PGO_HARNESS_PROCESS_TREE";

// Makes the harness a child subreaper, once per process (later calls do nothing).
void become_subreaper();

// A token no other run of this harness process has: "PID-SERIAL", after the inherited
// token and a '/' when the harness itself runs under a harness.
std::string new_tree_token();

// Held shared by a spawn from before the fork until the child is tracked; held exclusively
// by a sweep while it looks at and reaps the harness's children.
std::shared_mutex& spawn_lock();

// The table of runs whose child is not reaped yet (lock-free, for kill_all_runs).
void track_run(pid_t leader);
void untrack_run(pid_t leader);
bool is_tracked_run(pid_t pid);
bool any_other_tracked_run(pid_t leader);

// The harness's current children (every thread's), zombies included, from
// /proc/self/task/TID/children; where the kernel lacks those files, by the scan below.
std::vector<pid_t> list_children();
// The same by reading the parent of every process in /proc/PID/stat (slower).
std::vector<pid_t> list_children_by_scan();

// Ends what is left of a run's tree. REQUIRES: `leader` (the run's child, the leader of
// its process group) has exited or been killed and is not reaped yet. Orphans carrying
// `token` are the run's; orphans without a readable token are taken as this run's when no
// other run is in flight (while one is, an orphan whose environment cannot be read, as
// during its exec or exit, is looked at again until `grace` has passed). An orphan once
// seen as the run's stays the run's (by pid and start time) while it exits. Orphans
// re-parented to the harness while this runs are looked at too. SIGTERM first, SIGKILL to
// whatever is alive after `grace`.
// Returns the number of the run's processes that were still alive when it started.
int end_tree(pid_t leader, const std::string& token, std::chrono::nanoseconds grace);

// SIGKILL to every tracked run's process group and to every live child of the harness and
// its group, repeated while killing re-parents more of them. Async-signal-safe (raw system
// calls, no allocation): for SIGINT/SIGTERM handlers and the harness's exit paths.
void kill_all_runs() noexcept;

}  // namespace pgo::harness::process_tree

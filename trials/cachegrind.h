// Cachegrind: counting what a program does instead of timing it.
//
// `valgrind --tool=cachegrind --cache-sim=yes --branch-sim=yes` runs a program on a
// simulated CPU and counts, exactly, the instructions it executes, the simulated L1 and
// last-level (LL) cache misses and the mispredicted branches. With a deterministic Go
// runtime (GOMAXPROCS=1, GOGC=off: see counting_environment) the same binary and input
// give the same counts to within about 0.03% run to run, where one run's time on a shared
// 2-core machine spreads by 10%; the price is a run about 50x slower than native.
//
//   CachegrindCounts c = parse_cachegrind_output(read("cg.out"), "cg.out");
//   CountSummary s = summarize_counts(c);
//   use(s.instructions, s.cycles_estimate);
//
// The cycle estimate is a first-order CPI model, not a measurement:
//
//   cycles = Ir + 10 * (I1mr + D1mr + D1mw) + 100 * (ILmr + DLmr + DLmw) + 15 * (Bcm + Bim)
//
// one cycle per instruction, 10 per L1 miss and 100 more per last-level miss (the weights
// of KCachegrind's "Cycle Estimation", CEst = Ir + 10 L1m + 100 LLm; a LL miss is also an
// L1 miss, so it costs 110), and 15 per mispredicted conditional or indirect branch (the
// pipeline refill of current x86 cores is 15-20 cycles). It ignores instruction-level
// parallelism, the cost of individual instructions (a division counts as an add), TLB
// misses, prefetching and memory bandwidth. It is what lets PGO's typical effect show:
// inlining and devirtualization can add instructions yet remove mispredicted indirect calls
// and cache misses (bench/counting_study.sh compares it with time on every scenario).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pgo::harness {

// The model's weights (see above).
inline constexpr double kL1MissCycles = 10;
inline constexpr double kLastLevelMissCycles = 100;
inline constexpr double kBranchMispredictCycles = 15;

// The simulated caches (size,associativity,line size), fixed so that counts do not depend
// on the host: cachegrind otherwise copies the host's caches, and a VM may report an
// 320 MiB direct-mapped L3. 32 KiB 8-way L1s and an 8 MiB 16-way last level, as on a
// typical current x86 core.
inline constexpr const char* kSimulatedL1 = "32768,8,64";
inline constexpr const char* kSimulatedLastLevel = "8388608,16,64";

// The totals of a cachegrind output file: event name ("Ir", "D1mr", ...) -> count, from
// its `events:` and `summary:` lines (the `totals:` line of older versions is accepted).
struct CachegrindCounts {
  std::map<std::string, std::int64_t> events;
  std::int64_t get(const std::string& event) const;  // 0 when absent
};

// Throws pgo::Error (stage "counting", file = path) when the text has no events line, no
// summary line, or a summary whose numbers do not match the events.
CachegrindCounts parse_cachegrind_output(const std::string& text, const std::string& path);

struct CountSummary {
  std::int64_t instructions = 0;        // Ir
  std::int64_t l1_misses = 0;           // I1mr + D1mr + D1mw
  std::int64_t last_level_misses = 0;   // ILmr + DLmr + DLmw
  std::int64_t branch_mispredicts = 0;  // Bcm + Bim
  double cycles_estimate = 0;           // the model above
};
CountSummary summarize_counts(const CachegrindCounts& counts);

// `valgrind` in PATH, as an absolute path. Throws pgo::Error (stage "counting") naming the
// Debian package when it is not installed.
std::string find_valgrind();

// The argv that runs `program` under cachegrind, writing its counts to `out_file`.
std::vector<std::string> cachegrind_argv(const std::string& valgrind, const std::string& out_file,
                                         const std::vector<std::string>& program);

}  // namespace pgo::harness

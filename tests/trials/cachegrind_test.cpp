// Risk guarded against: counts read from the wrong line or column of cachegrind's output,
// a cycle estimate whose weights drift from the documented model, a truncated output file
// read as zero work, and a missing valgrind reported without the package to install.
#include "trials/cachegrind.h"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "base/error.h"

namespace h = pgo::harness;

namespace {

// The head and tail of a real `valgrind --tool=cachegrind --cache-sim=yes
// --branch-sim=yes` output file (valgrind 3.19, ruleeval -passes 2), per-line records cut.
const char* const kRealOutput = R"(desc: I1 cache:         32768 B, 64 B, 8-way associative
desc: D1 cache:         32768 B, 64 B, 8-way associative
desc: LL cache:         8388608 B, 64 B, 16-way associative
cmd: ./re0 -rules rules.txt -q -passes 2
events: Ir I1mr ILmr Dr D1mr DLmr Dw D1mw DLmw Bc Bcm Bi Bim
fl=???
fn=0x0000000000401000
0 3 1 1 1 0 0 0 0 0 0 0 0 0
summary: 518641013 16964 3235 185913844 767649 3308 71305757 369548 351958 47510613 2447721 15169699 6618379
)";

}  // namespace

TEST_CASE("cachegrind totals are read by event name", "[cachegrind]") {
  h::CachegrindCounts c = h::parse_cachegrind_output(kRealOutput, "cg.out");
  CHECK(c.get("Ir") == 518641013);
  CHECK(c.get("D1mw") == 369548);
  CHECK(c.get("Bim") == 6618379);
  CHECK(c.get("NoSuchEvent") == 0);

  h::CountSummary s = h::summarize_counts(c);
  CHECK(s.instructions == 518641013);
  CHECK(s.l1_misses == 16964 + 767649 + 369548);
  CHECK(s.last_level_misses == 3235 + 3308 + 351958);
  CHECK(s.branch_mispredicts == 2447721 + 6618379);
  // Ir + 10 L1m + 100 LLm + 15 Bm, the model documented in trials/cachegrind.h.
  CHECK(s.cycles_estimate ==
        Approx(518641013.0 + 10.0 * 1154161 + 100.0 * 358501 + 15.0 * 9066100));
}

TEST_CASE("an older 'totals:' line and trailing events left out are accepted", "[cachegrind]") {
  h::CachegrindCounts c =
      h::parse_cachegrind_output("events: Ir Bc Bcm\ntotals: 1000 20\n", "cg.out");
  CHECK(c.get("Ir") == 1000);
  CHECK(c.get("Bc") == 20);
  CHECK(c.get("Bcm") == 0);
  // Without cache or branch simulation the estimate is the instruction count.
  CHECK(h::summarize_counts(h::parse_cachegrind_output("events: Ir\nsummary: 77\n", "x"))
            .cycles_estimate == 77);
}

TEST_CASE("a broken cachegrind output is an error, never zero work", "[cachegrind]") {
  CHECK_THROWS_WITH(h::parse_cachegrind_output("", "cg.out"),
                    Catch::Contains("cg.out") && Catch::Contains("no 'events:' line"));
  CHECK_THROWS_WITH(h::parse_cachegrind_output("events: Ir\n", "cg.out"),
                    Catch::Contains("no 'summary:' line"));
  CHECK_THROWS_WITH(h::parse_cachegrind_output("events: Ir\nsummary: 1 2\n", "cg.out"),
                    Catch::Contains("2 numbers for 1 events"));
  CHECK_THROWS_WITH(h::parse_cachegrind_output("events: Ir\nsummary: -5\n", "cg.out"),
                    Catch::Contains("'-5' is not a count"));
  CHECK_THROWS_WITH(h::parse_cachegrind_output("events: Ir\nsummary: 12x\n", "cg.out"),
                    Catch::Contains("'12x' is not a count"));
}

TEST_CASE("the cachegrind command line simulates fixed caches and branches", "[cachegrind]") {
  const std::vector<std::string> argv =
      h::cachegrind_argv("/usr/bin/valgrind", "/tmp/cg.out", {"/bin/app", "-n", "3"});
  const std::vector<std::string> expected = {"/usr/bin/valgrind",
                                             "-q",
                                             "--tool=cachegrind",
                                             "--cache-sim=yes",
                                             "--branch-sim=yes",
                                             "--I1=32768,8,64",
                                             "--D1=32768,8,64",
                                             "--LL=8388608,16,64",
                                             "--cachegrind-out-file=/tmp/cg.out",
                                             "/bin/app",
                                             "-n",
                                             "3"};
  CHECK(argv == expected);
}

TEST_CASE("valgrind missing from PATH names the Debian package", "[cachegrind]") {
  const char* saved = std::getenv("PATH");
  const std::string old = saved != nullptr ? saved : "";
  ::setenv("PATH", "/nonexistent-pgo-test-dir", 1);
  std::string message;
  try {
    h::find_valgrind();
  } catch (const pgo::Error& e) {
    message = e.what();
  }
  ::setenv("PATH", old.c_str(), 1);
  CHECK_THAT(message, Catch::Contains("valgrind is not installed"));
  CHECK_THAT(message, Catch::Contains("Debian package 'valgrind'"));
}

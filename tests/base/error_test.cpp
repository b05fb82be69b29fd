// Risk guarded against: callers act on an error's kind (exit codes, the merge's skip
// policy); a kind lost on construction or copy would turn, e.g., an interruption into a
// failure, or an incompatible input into a fatal one.
#include "base/error.h"

#include <catch2/catch.hpp>
#include <string>

TEST_CASE("an error is generic unless given a kind, and keeps its kind when copied", "[error]") {
  const pgo::Error plain("read", "a.pprof", "truncated gzip stream", "re-fetch it");
  CHECK(plain.kind() == pgo::ErrorKind::kGeneric);
  CHECK(std::string(plain.what()) == "a.pprof: read: truncated gzip stream (re-fetch it)");

  const pgo::Error typed(pgo::ErrorKind::kInterrupted, "interrupted", "", "stopped by a signal",
                         "resume");
  CHECK(typed.kind() == pgo::ErrorKind::kInterrupted);
  CHECK(typed.stage() == "interrupted");
  CHECK(typed.file().empty());
  CHECK(typed.problem() == "stopped by a signal");
  CHECK(typed.hint() == "resume");
  CHECK(std::string(typed.what()) == "interrupted: stopped by a signal (resume)");

  const pgo::Error copy = typed;
  CHECK(copy.kind() == pgo::ErrorKind::kInterrupted);
  try {
    throw pgo::Error(pgo::ErrorKind::kProfileMissing, "collect", "w-1.pprof", "wrote no profile");
  } catch (const std::runtime_error& e) {
    const auto* error = dynamic_cast<const pgo::Error*>(&e);
    REQUIRE(error != nullptr);
    CHECK(error->kind() == pgo::ErrorKind::kProfileMissing);
  }
}

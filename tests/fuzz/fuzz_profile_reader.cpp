// libFuzzer target for the profile reader (decode_profile: gzip detection, inflation,
// protobuf parsing, validation) and for what runs on every profile it accepts: the PGO
// view, the trimmer and the encoder. Guards against crashes, sanitizer reports and hangs
// on hostile input, and checks two invariants on every accepted profile:
//   - the trimmed profile validates again;
//   - the trimmed profile gives the Go compiler the same view (preprofile text), except
//     where values are so large that sums wrap around (merged samples then differ).
// Rejections are pgo::Error and are fine. tests/fuzz/run_fuzz.sh runs it; the
// fuzz_corpus_replay test replays the corpus through it without libFuzzer.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "base/error.h"
#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "merge/profile_trimmer.h"
#include "merge/profile_writer.h"

namespace {

std::string compiler_view(const perftools::profiles::Profile& p) {
  try {
    return pgo::merge::PgoView::from_profile(p, "fuzz").to_preprofile_text();
  } catch (const pgo::Error& e) {
    return "error: " + e.problem();
  }
}

bool small_values(const perftools::profiles::Profile& p) {
  constexpr std::int64_t kLimit = std::int64_t{1} << 40;
  for (const auto& s : p.sample()) {
    for (std::int64_t v : s.value()) {
      if (v > kLimit || v < -kLimit) return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  perftools::profiles::Profile profile;
  try {
    profile = pgo::merge::decode_profile(std::span<const std::uint8_t>(data, size), "fuzz");
  } catch (const pgo::Error&) {
    return 0;  // a clean rejection
  }
  const std::string view = compiler_view(profile);
  const auto trimmed = pgo::merge::trim_profile(profile);
  try {
    pgo::merge::validate_profile(trimmed, "trimmed");
  } catch (const pgo::Error&) {
    std::abort();  // the trimmer produced an invalid profile
  }
  if (small_values(profile) && compiler_view(trimmed) != view) std::abort();
  (void)pgo::merge::encode_profile(trimmed);
  return 0;
}

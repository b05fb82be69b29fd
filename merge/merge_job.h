// MergeJob: what `pgo-merge` does between parsing options and writing the output.
//
// Reads, decodes and folds the inputs on `jobs` worker threads, applies normalization and
// weights, and returns the merged profile together with the inputs it skipped under the
// skip-bad policy (and, when asked, each merged input's statistics). It never prints.
//
// The parallel fold: the first input that decodes is folded first, on the calling thread,
// and fixes the kind of profile every other input must match (as in a sequential merge).
// With several jobs its merge becomes the base: every shard is a ProfileMerger layered
// over it (layer_on), which finds what the first input holds in the base's tables and
// keeps only the rest (profiles of one program share most functions, locations and
// samples). Then each worker claims the next input in list order, decodes it and folds it into the
// lowest-numbered shard no other worker is folding into (shard_pool.h); at the end the
// shards that hold inputs are absorbed pairwise, in a tree, and then into the base.
// ProfileMerger's result does not depend on how inputs were split or ordered, so the
// output bytes are the same for any number of jobs. Errors are deterministic too: inputs
// are claimed in order and every claimed input is finished, so the error reported is the
// one of the first bad input in list order, as a sequential merge would report it.
// Memory: each worker holds one decoded input; the base holds the first input's merge and
// each shard used holds what its inputs add beyond it (for inputs like the first, little
// more than its values), growing toward the merged result only as far as its inputs
// differ from the first; as many shards are used as folds ever ran at once (at most
// jobs), so peak memory is at most about jobs x (largest input + merged result).
//
//   pgo::merge::MergeJobOptions options;
//   options.normalize = true;
//   auto outcome = pgo::merge::run_merge_job({{"a.pprof", 1.0}, {"b.pprof", 2.0}}, options);
//   write_profile_file(outcome.profile, "default.pgo");
//
// Normalization (--normalize) needs every input's total before the first fold, so it
// reads the inputs twice: once for the totals, once to merge. Each input is scaled so
// that its total of the PGO sample type (pgo_sample_index) equals the largest total among
// the inputs; scaling up rather than down keeps rounding error small. All sample types of
// an input are scaled by that one factor, so counts and nanoseconds stay consistent
// (pprof's Normalize scales each type separately). The weight multiplies the factor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "merge/profile_reader.h"
#include "merge/profile_stats.h"
#include "proto/profile.pb.h"

namespace pgo::merge {

struct MergeInput {
  std::string path;
  double weight = 1.0;  // REQUIRES: finite, >= 0
};

struct MergeJobOptions {
  bool normalize = false;
  // Skip unreadable or incompatible inputs instead of failing (like pprof does); the job
  // still fails when no input is left.
  bool skip_bad = false;
  unsigned jobs = 0;                                      // worker threads; 0: available_cores()
  std::uint64_t max_input_bytes = kDefaultMaxInputBytes;  // per input, after gunzip
  // When set, MergeOutcome::input_stats holds each merged input's statistics with this
  // many top edges, computed while the input is decoded for the merge (no second read).
  std::optional<std::size_t> input_stats_top_n;
  // Fail when `go build -pgo` would reject the merged profile (PgoView::from_profile's
  // rule: samples but no samples/count or cpu/nanoseconds sample type, e.g. heap
  // profiles; or no Function.start_line on any sampled frame). Off for a deliberate
  // non-PGO merge (pgo-merge --allow-non-pgo).
  bool require_pgo_usable = true;
};

// The CPUs this process may run on (sched_getaffinity), at least 1.
unsigned available_cores();

struct SkippedInput {
  std::string path;
  std::string reason;  // the pgo::Error's one-line message
};

struct MergeOutcome {
  perftools::profiles::Profile profile;  // empty when merged_inputs is 0
  std::size_t merged_inputs = 0;         // 0 only under skip_bad, when every input was skipped
  std::vector<SkippedInput> skipped;
  std::vector<ProfileStats> input_stats;  // merged inputs in list order, when asked
  // The factor each input's values were scaled by (its weight, times its normalization
  // factor under normalize), in list order; skipped inputs included.
  std::vector<double> factors;
};

// Throws pgo::Error for the first bad input (unless skip_bad), for an input without a
// PGO sample type under normalize, and (under require_pgo_usable) for a merged profile the
// Go compiler cannot use, naming the inputs it came from (stage "pgo"). Under skip_bad, when every
// input was skipped, returns merged_inputs == 0 (the caller reports the skipped inputs, then
// fails).
MergeOutcome run_merge_job(const std::vector<MergeInput>& inputs, const MergeJobOptions& options);

}  // namespace pgo::merge

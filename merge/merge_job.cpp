#include "merge/merge_job.h"

#include <algorithm>
#include <set>

#include "merge/error.h"
#include "merge/parallel_decoder.h"
#include "merge/pgo_view.h"
#include "merge/profile_merger.h"
#include "merge/profile_scaling.h"

namespace pgo::merge {
namespace {

std::vector<std::string> paths_of(const std::vector<MergeInput>& inputs) {
  std::vector<std::string> paths;
  for (const auto& in : inputs) paths.push_back(in.path);
  return paths;
}

// Rethrows a decoding failure unless the policy is to skip it; returns false if skipped.
bool accept(const DecodedProfile& item, bool skip_bad, std::vector<SkippedInput>& skipped) {
  if (!item.error) return true;
  try {
    std::rethrow_exception(item.error);
  } catch (const Error& e) {
    if (!skip_bad) throw;
    skipped.push_back({item.path, e.what()});
  }
  return false;
}

std::int64_t pgo_total(const perftools::profiles::Profile& profile, const std::string& path) {
  const auto index = pgo_sample_index(profile);
  if (!index) {
    throw Error("normalize", path, "no samples/count or cpu/nanoseconds sample type",
                "--normalize needs a CPU profile; drop the option or this input");
  }
  try {
    return sample_total(profile, *index);
  } catch (const Error& e) {
    throw Error("normalize", path, e.problem(), e.hint());
  }
}

// "a.pprof" for one input, "a.pprof (and 2 more inputs)" for several.
std::string inputs_name(const std::vector<std::string>& paths) {
  std::string name = paths.front();
  if (paths.size() > 1) {
    const std::size_t more = paths.size() - 1;
    name += " (and " + std::to_string(more) + (more == 1 ? " more input)" : " more inputs)");
  }
  return name;
}

// "alloc_objects/count, alloc_space/bytes": what the profile measures instead.
std::string sample_types_text(const perftools::profiles::Profile& p) {
  std::string text;
  auto string_at = [&](std::int64_t i) -> const std::string& {
    return p.string_table(static_cast<int>(i));
  };
  for (const auto& st : p.sample_type()) {
    if (!text.empty()) text += ", ";
    text += string_at(st.type()) + "/" + string_at(st.unit());
  }
  return text.empty() ? "none" : text;
}

// The Go compiler's verdict on the merged profile, blamed on the inputs it came from:
// sample types are equal across merged inputs and start lines missing from the result
// are missing from every input, so each merged input is unusable for the same reason.
void check_pgo_usable(const perftools::profiles::Profile& merged,
                      const std::vector<std::string>& merged_paths) {
  try {
    (void)PgoView::from_profile(merged, "<merged>");
  } catch (const Error& e) {
    std::string problem = e.problem();
    if (!pgo_sample_index(merged))
      problem += " (its sample types: " + sample_types_text(merged) + ")";
    throw Error("pgo", inputs_name(merged_paths), "go build -pgo cannot use this merge: " + problem,
                "merge CPU profiles, from /debug/pprof/profile or -cpuprofile, or pass "
                "--allow-non-pgo to merge other profiles anyway");
  }
}

}  // namespace

MergeOutcome run_merge_job(const std::vector<MergeInput>& inputs, const MergeJobOptions& options) {
  if (inputs.empty()) {
    throw Error("merge", "", "no input profiles", "pass at least one profile or directory");
  }
  MergeOutcome outcome;
  std::vector<double> factors;
  std::set<std::size_t> bad;  // indices skipped in the first pass
  for (const auto& in : inputs) factors.push_back(in.weight);

  if (options.normalize) {
    std::vector<std::int64_t> totals(inputs.size(), 0);
    ParallelDecoder decoder(paths_of(inputs), options.decode_threads);
    while (auto item = decoder.next()) {
      if (!accept(*item, options.skip_bad, outcome.skipped)) {
        bad.insert(item->index);
        continue;
      }
      try {
        totals[item->index] = pgo_total(*item->profile, item->path);
      } catch (const Error& e) {
        if (!options.skip_bad) throw;
        outcome.skipped.push_back({item->path, e.what()});
        bad.insert(item->index);
      }
    }
    const std::int64_t target = *std::max_element(totals.begin(), totals.end());
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      factors[i] *= normalization_factor(totals[i], target);
    }
  }

  std::vector<std::string> paths;
  std::vector<std::size_t> original_index;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (bad.contains(i)) continue;
    paths.push_back(inputs[i].path);
    original_index.push_back(i);
  }

  ProfileMerger merger;
  std::vector<std::string> merged_paths;
  ParallelDecoder decoder(paths, options.decode_threads);
  while (auto item = decoder.next()) {
    if (!accept(*item, options.skip_bad, outcome.skipped)) continue;
    try {
      merger.add(*item->profile, item->path, factors[original_index[item->index]]);
      merged_paths.push_back(item->path);
    } catch (const Error& e) {
      // Only an incompatible input leaves the merger usable; overflow always fails.
      const bool incompatible = e.problem().starts_with("incompatible");
      if (!options.skip_bad || !incompatible) throw;
      outcome.skipped.push_back({item->path, e.what()});
    }
  }
  if (merger.input_count() == 0) return outcome;  // every input skipped
  outcome.merged_inputs = merger.input_count();
  outcome.profile = merger.result();
  if (options.require_pgo_usable) check_pgo_usable(outcome.profile, merged_paths);
  return outcome;
}

}  // namespace pgo::merge

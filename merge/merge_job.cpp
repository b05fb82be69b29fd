#include "merge/merge_job.h"

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <thread>

#include "base/error.h"
#include "merge/pgo_view.h"
#include "merge/profile_merger.h"
#include "merge/profile_scaling.h"
#include "merge/shard_pool.h"

namespace pgo::merge {
namespace {

// What happened to one input in one pass.
struct InputResult {
  bool done = false;           // processed (merged, skipped or failed)
  std::string skipped_reason;  // non-empty: skipped under skip_bad
  std::exception_ptr error;    // fatal: the job fails with the first one in list order
  std::optional<ProfileStats> stats;
};

// Runs work(index, worker) for indices [begin, count) on `jobs` threads, claiming indices
// in increasing order. Once `stop` is set no further index is claimed, but each claimed
// one is finished: so every index below the highest claimed one has been processed.
void run_workers(std::size_t begin, std::size_t count, unsigned jobs, std::atomic<bool>& stop,
                 const std::function<void(std::size_t, unsigned)>& work) {
  std::atomic<std::size_t> next{begin};
  auto loop = [&](unsigned worker) {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1);
      if (i >= count) return;
      work(i, worker);
    }
  };
  const unsigned threads =
      static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(count - begin, 1)));
  std::vector<std::thread> pool;
  for (unsigned w = 1; w < threads; ++w) pool.emplace_back(loop, w);
  loop(0);
  for (auto& t : pool) t.join();
}

// Records a failure of input i: skipped when the policy allows and the error is a bad
// input's (a pgo::Error the caller calls skippable), fatal otherwise (and stops the pass).
void record_failure(InputResult& r, std::exception_ptr e, bool skippable, bool skip_bad,
                    std::atomic<bool>& stop) {
  if (skippable && skip_bad) {
    try {
      std::rethrow_exception(e);
    } catch (const Error& err) {
      r.skipped_reason = err.what();
      return;
    } catch (...) {
    }
  }
  r.error = e;
  stop.store(true);
}

// After a pass: throws the first fatal error in list order, appends the skipped inputs.
void settle(const std::vector<InputResult>& results, const std::vector<std::string>& paths,
            std::vector<SkippedInput>& skipped) {
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].error) std::rethrow_exception(results[i].error);
    if (!results[i].skipped_reason.empty())
      skipped.push_back({paths[i], results[i].skipped_reason});
  }
}

// One worker thread's buffers, reused input after input: the file's bytes and the decoded
// input (inflated bytes and tables). Once they have grown to the size of the inputs, a
// worker allocates nothing per input, so it pays no page faults for fresh memory.
struct WorkerBuffers {
  std::vector<std::uint8_t> file;
  WireProfile profile;
};

// Reads and decodes one input into buffers.profile.
// check_samples false: the fold checks each sample as it decodes it (one pass saved);
// only right when a bad input fails the job, since the fold has then changed its shard.
const WireProfile& read_input(const std::string& path, const MergeJobOptions& options,
                              bool check_samples, WorkerBuffers& buffers,
                              std::uint64_t* file_bytes = nullptr) {
  read_file_into(path, buffers.file);
  if (file_bytes) *file_bytes = buffers.file.size();
  decode_wire_input_into(buffers.file, path, options.max_input_bytes, check_samples,
                         buffers.profile);
  return buffers.profile;
}

std::int64_t pgo_total(const WireProfile& profile, const std::string& path) {
  const int index = wire_pgo_sample_index(profile);
  if (index < 0) {
    throw Error("normalize", path, "no samples/count or cpu/nanoseconds sample type",
                "--normalize needs a CPU profile; drop the option or this input");
  }
  std::int64_t total = 0;
  SampleView s;
  for (SampleCursor cursor(profile, path); cursor.next(s);) {
    if (__builtin_add_overflow(total, s.values[static_cast<std::size_t>(index)], &total)) {
      throw Error("normalize", path, "sample total overflows 64 bits");
    }
  }
  return total;
}

bool is_incompatible(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const Error& err) {
    return err.kind() == ErrorKind::kIncompatibleProfiles;
  } catch (...) {
  }
  return false;
}

// Absorbs the shards that hold inputs into shards[0] pairwise: log2(n) rounds, each in
// parallel. Shards no fold ever took are dropped first.
void combine(std::vector<ProfileMerger>& shards) {
  std::vector<ProfileMerger> used;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (i == 0 || shards[i].input_count() > 0) used.push_back(std::move(shards[i]));
  }
  shards.swap(used);
  for (std::size_t step = 1; step < shards.size(); step *= 2) {
    std::vector<std::thread> round;
    std::vector<std::exception_ptr> errors(shards.size());
    for (std::size_t i = 0; i + step < shards.size(); i += 2 * step) {
      round.emplace_back([&shards, &errors, i, step] {
        try {
          shards[i].absorb(shards[i + step]);
          shards[i + step] = ProfileMerger();  // free it now
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& t : round) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
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

unsigned available_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

MergeOutcome run_merge_job(const std::vector<MergeInput>& inputs, const MergeJobOptions& options) {
  if (inputs.empty()) {
    throw Error("merge", "", "no input profiles", "pass at least one profile or directory");
  }
  const std::size_t n = inputs.size();
  // More threads than inputs would only add empty shards to combine.
  const auto jobs = static_cast<unsigned>(
      std::min<std::size_t>(options.jobs == 0 ? available_cores() : options.jobs, n));
  std::vector<std::string> paths;
  for (const auto& in : inputs) paths.push_back(in.path);
  MergeOutcome outcome;
  std::vector<double> factors;
  for (const auto& in : inputs) factors.push_back(in.weight);
  std::vector<char> excluded(n, 0);  // skipped in the normalization pass
  std::vector<WorkerBuffers> buffers(std::max(1u, jobs));

  if (options.normalize) {
    std::vector<InputResult> results(n);
    std::vector<std::int64_t> totals(n, 0);
    std::atomic<bool> stop{false};
    run_workers(0, n, jobs, stop, [&](std::size_t i, unsigned worker) {
      try {
        totals[i] = pgo_total(read_input(paths[i], options, true, buffers[worker]), paths[i]);
      } catch (const Error&) {
        record_failure(results[i], std::current_exception(), true, options.skip_bad, stop);
      } catch (...) {
        record_failure(results[i], std::current_exception(), false, options.skip_bad, stop);
      }
    });
    settle(results, paths, outcome.skipped);
    for (std::size_t i = 0; i < n; ++i) excluded[i] = !results[i].skipped_reason.empty();
    const std::int64_t target = *std::max_element(totals.begin(), totals.end());
    for (std::size_t i = 0; i < n; ++i) factors[i] *= normalization_factor(totals[i], target);
  }

  std::vector<InputResult> results(n);
  ShardPool<ProfileMerger> pool(std::max(1u, jobs));
  std::vector<ProfileMerger>& shards = pool.shards();
  std::atomic<bool> stop{false};
  // Decodes input i with the worker's buffers, folds it into a free shard; records what
  // happened.
  auto process = [&](std::size_t i, unsigned worker) {
    InputResult& r = results[i];
    r.done = true;
    if (excluded[i]) return;
    const WireProfile* decoded = nullptr;
    std::uint64_t file_bytes = 0;
    try {
      decoded = &read_input(paths[i], options, options.skip_bad, buffers[worker], &file_bytes);
    } catch (const Error&) {
      return record_failure(r, std::current_exception(), true, options.skip_bad, stop);
    } catch (...) {
      return record_failure(r, std::current_exception(), false, options.skip_bad, stop);
    }
    const WireProfile& profile = *decoded;
    try {
      {
        ShardPool<ProfileMerger>::Lease lease(pool);
        lease.shard().add(profile, paths[i], factors[i]);
      }
      if (options.input_stats_top_n) {
        auto stats =
            compute_profile_stats(to_profile(profile), paths[i], *options.input_stats_top_n);
        stats.encoded_bytes = file_bytes;
        r.stats = std::move(stats);
      }
    } catch (...) {
      // Only an incompatible input leaves the merger usable; overflow always fails.
      const auto e = std::current_exception();
      record_failure(r, e, is_incompatible(e), options.skip_bad, stop);
    }
  };

  // The first input that decodes fixes the kind of profile, on this thread (in shards[0],
  // the lowest-numbered shard and free). With several workers it then becomes the base
  // every shard is a layer over: profiles of one program share most of their functions,
  // locations and samples, which the shards then look up in one set of tables instead of
  // each growing its own copy. One worker folds on into shards[0] itself.
  std::size_t first = 0;
  while (first < n) {
    process(first, 0);  // on this thread, which is also worker 0 below
    if (results[first].error) break;
    ++first;
    if (shards[0].input_count() > 0) break;
  }
  ProfileMerger merged;
  const bool more = first < n && !stop.load();
  const bool layered = more && shards.size() > 1;
  if (layered) {
    merged = std::move(shards[0]);
    shards[0] = ProfileMerger();
    for (ProfileMerger& shard : shards) shard.layer_on(merged);
  }
  if (more) {
    run_workers(first, n, jobs, stop, [&](std::size_t i, unsigned worker) { process(i, worker); });
  }
  std::vector<WorkerBuffers>().swap(buffers);  // the inputs are folded: free them before the result
  settle(results, paths, outcome.skipped);
  for (auto& r : results) {
    if (r.stats) outcome.input_stats.push_back(std::move(*r.stats));
  }

  combine(shards);
  if (layered) {
    merged.absorb(shards[0]);
  } else {
    merged = std::move(shards[0]);
  }
  std::vector<ProfileMerger>().swap(shards);
  outcome.factors = factors;
  if (merged.input_count() == 0) return outcome;  // every input skipped
  outcome.merged_inputs = merged.input_count();
  outcome.profile = merged.result();
  if (options.require_pgo_usable) {
    std::vector<std::string> merged_paths;
    for (std::size_t i = 0; i < n; ++i) {
      if (results[i].done && results[i].skipped_reason.empty() && !results[i].error &&
          !excluded[i]) {
        merged_paths.push_back(paths[i]);
      }
    }
    check_pgo_usable(outcome.profile, merged_paths);
  }
  return outcome;
}

}  // namespace pgo::merge

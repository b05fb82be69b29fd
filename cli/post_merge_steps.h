// PostMergeSteps: what `pgo-merge` does with the merged profile before writing it:
// --trim (keep only what the Go compiler reads) and --stats / --stats-json / --top
// (per input and for the output: samples, PGO weight, call edges, hot edges, top edges).
//
//   PostMergeOptions post;                       // filled by add_post_merge_options
//   if (auto err = post_merge_usage_error(post, to_stdout)) fail_usage(*err);
//   auto bytes = apply_post_merge_steps(post, outcome, "out.pgo");
//   ... write bytes ..., then finish_post_merge_steps(...) writes the stats.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "merge/merge_job.h"
#include "merge/profile_stats.h"

namespace pgo::cli {

struct PostMergeOptions {
  bool trim = false;
  bool stats = false;      // text report on stderr
  std::string stats_json;  // JSON report to this file ("-": stdout)
  std::size_t top_n = merge::kDefaultTopEdges;
};

void add_post_merge_options(CLI::App& app, PostMergeOptions& options);

// Whether the per-input statistics are wanted: run_merge_job computes them while it
// decodes each input (MergeJobOptions::input_stats_top_n).
bool wants_input_stats(const PostMergeOptions& options);

// A usage problem of these options given where the profile goes, or nullopt.
std::optional<std::string> post_merge_usage_error(const PostMergeOptions& options,
                                                  bool profile_to_stdout);

// The result of the post-merge steps: the bytes to write and the stats to report.
struct PostMergeResult {
  std::vector<std::uint8_t> bytes;
  std::optional<merge::MergeStats> stats;  // when --stats or --stats-json
  std::optional<merge::TrimSize> trim;     // when --trim
};

// Trims outcome.profile in place when asked, encodes it, and computes the stats (the
// per-input figures come from outcome.input_stats). Throws pgo::Error.
PostMergeResult apply_post_merge_steps(const PostMergeOptions& options,
                                       merge::MergeOutcome& outcome,
                                       const std::string& output_name);

// Reports after the profile was written: the trim line (unless quiet), the text stats on
// `err`, the JSON stats to their file (atomically) or stdout.
void finish_post_merge_steps(const PostMergeOptions& options, const PostMergeResult& result,
                             const std::string& program, bool quiet, std::ostream& err);

}  // namespace pgo::cli

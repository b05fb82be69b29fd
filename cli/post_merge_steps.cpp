#include "cli/post_merge_steps.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/merge_stats_output.h"
#include "base/error.h"
#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "merge/profile_trimmer.h"
#include "merge/profile_writer.h"

namespace pgo::cli {

void add_post_merge_options(CLI::App& app, PostMergeOptions& o) {
  app.add_flag("--trim", o.trim,
               "Keep only what the Go compiler reads: each sample's two leaf locations (with "
               "inline frames), no labels, only samples/count and cpu/nanoseconds; then "
               "re-merge and drop what nothing refers to. `go tool preprofile` output is "
               "unchanged; the size reduction is reported");
  app.add_flag("--stats", o.stats,
               "Print PGO statistics on stderr, per input and for the output: samples, PGO "
               "weight, call edges, hot edges at the compiler's 99% threshold, top hot edges "
               "(`pgo-merge inspect PROFILE...` does the same without merging)");
  app.add_option("--stats-json", o.stats_json,
                 "Write the statistics as JSON (schema pgo-merge-stats/1) to FILE ('-': stdout)")
      ->type_name("FILE");
  app.add_option("--top", o.top_n, "Number of hot edges listed per profile in the statistics")
      ->type_name("N")
      ->default_val(merge::kDefaultTopEdges)
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000}));
}

bool wants_input_stats(const PostMergeOptions& o) { return o.stats || !o.stats_json.empty(); }

std::optional<std::string> post_merge_usage_error(const PostMergeOptions& o,
                                                  bool profile_to_stdout) {
  if (o.stats_json == "-" && profile_to_stdout) {
    return "--stats-json - needs -o FILE: the profile already goes to standard output";
  }
  return std::nullopt;
}

PostMergeResult apply_post_merge_steps(const PostMergeOptions& o, merge::MergeOutcome& outcome,
                                       const std::string& output_name) {
  PostMergeResult r;
  const bool want_stats = wants_input_stats(o);
  if (o.trim) {
    merge::TrimSize size;
    size.bytes_before = merge::encode_profile(outcome.profile).size();
    outcome.profile = merge::trim_profile(outcome.profile);
    r.bytes = merge::encode_profile(outcome.profile);
    size.bytes_after = r.bytes.size();
    r.trim = size;
  } else {
    r.bytes = merge::encode_profile(outcome.profile);
  }
  if (!want_stats) return r;

  merge::MergeStats stats;
  stats.top_n = o.top_n;
  stats.trim = r.trim;
  // Computed by the merge job while it decoded each input: no input is read twice.
  stats.inputs = outcome.input_stats;
  auto out = merge::compute_profile_stats(outcome.profile, output_name, o.top_n);
  out.encoded_bytes = r.bytes.size();
  stats.output = std::move(out);
  r.stats = std::move(stats);
  return r;
}

void finish_post_merge_steps(const PostMergeOptions& o, const PostMergeResult& r,
                             const std::string& program, bool quiet, std::ostream& err) {
  if (r.trim && !quiet && !o.stats) {
    err << program << ": trimmed: " << r.trim->bytes_before << " -> " << r.trim->bytes_after
        << " bytes\n";
  }
  if (!r.stats) return;
  if (o.stats) err << render_stats_text(*r.stats);
  if (o.stats_json.empty()) return;
  const std::string json = render_stats_json(*r.stats);
  if (o.stats_json == "-") {
    if (std::fwrite(json.data(), 1, json.size(), stdout) != json.size() || std::fflush(stdout)) {
      throw Error("write", "<stdout>", "cannot write the statistics to standard output");
    }
  } else {
    pgo::write_file_atomically(o.stats_json, json);
  }
}

}  // namespace pgo::cli

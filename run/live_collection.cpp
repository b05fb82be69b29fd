#include "run/live_collection.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/error.h"
#include "base/file_io.h"
#include "base/percent.h"
#include "merge/hot_weight_coverage.h"
#include "merge/merge_job.h"
#include "merge/pgo_view.h"
#include "merge/profile_scaling.h"
#include "merge/profile_writer.h"

namespace pgo::harness {
namespace {

using Clock = std::chrono::steady_clock;

bool cancelled(const HttpOptions& http) { return http.cancel != nullptr && http.cancel->load(); }

[[noreturn]] void throw_interrupted() {
  throw Error(ErrorKind::kInterrupted, "interrupted", "", "collection interrupted",
              "nothing was written");
}

// Waits until `until`, in short steps so a cancellation ends the wait at once.
void wait_until(Clock::time_point until, const HttpOptions& http) {
  while (Clock::now() < until) {
    if (cancelled(http)) throw_interrupted();
    std::this_thread::sleep_for(
        std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
  }
}

merge::PgoView view_of(const std::vector<std::string>& paths, bool normalize,
                       const std::string& name, perftools::profiles::Profile* keep) {
  std::vector<merge::MergeInput> inputs;
  for (const std::string& p : paths) inputs.push_back({p, 1.0});
  merge::MergeJobOptions options;
  options.normalize = normalize;
  merge::MergeOutcome outcome = merge::run_merge_job(inputs, options);
  merge::PgoView view = merge::PgoView::from_profile(outcome.profile, name);
  if (keep != nullptr) *keep = std::move(outcome.profile);
  return view;
}

}  // namespace

int default_min_instances(std::size_t targets) { return static_cast<int>(targets / 2 + 1); }

LiveCollection collect_live_profiles(const LiveCollectionRequest& request) {
  LiveCollection c;
  c.min_instances = request.min_instances;
  for (const ProfileTarget& t : request.targets)
    c.instances.push_back({t, {}, 0, 0, 0, {}, false, {}});
  const auto first_start = Clock::now();
  for (int round = 1; round <= request.rounds; ++round) {
    if (round > 1) wait_until(first_start + (round - 1) * request.every, request.http);
    if (cancelled(request.http)) throw_interrupted();
    if (request.progress) {
      request.progress("round " + std::to_string(round) + " of " + std::to_string(request.rounds) +
                       ": fetching " + std::to_string(request.targets.size()) + " profile(s)");
    }
    std::vector<FetchedProfile> fetched = fetch_live_profiles(
        request.targets, request.raw_dir, "round-" + std::to_string(round), request.http);
    if (cancelled(request.http)) throw_interrupted();
    for (std::size_t i = 0; i < fetched.size(); ++i) {
      InstanceResult& inst = c.instances[i];
      if (fetched[i].ok()) {
        ++inst.usable_rounds;
        inst.samples += fetched[i].samples;
        inst.duration_nanos += fetched[i].duration_nanos;
        if (fetched[i].samples == 0) {
          c.warnings.push_back(inst.target.name + " round " + std::to_string(round) +
                               ": the profile has no samples (idle instance?)");
        }
      }
      inst.fetches.push_back(std::move(fetched[i]));
    }
  }
  std::vector<std::string> all_paths;
  for (const InstanceResult& inst : c.instances) {
    if (inst.succeeded()) ++c.succeeded_instances;
    for (const FetchedProfile& f : inst.fetches) {
      if (f.ok()) all_paths.push_back(f.path);
    }
  }
  c.enough_instances = c.succeeded_instances >= request.min_instances && !all_paths.empty();
  if (!c.enough_instances) return c;

  const merge::PgoView merged_view = view_of(all_paths, request.normalize, "merged", &c.merged);
  c.merged_samples = c.merged.sample_size();
  c.merged_hot_edges = merged_view.hot_edges().size();

  std::vector<double> coverage;
  std::vector<std::size_t> covered_instances;
  for (std::size_t i = 0; i < c.instances.size(); ++i) {
    InstanceResult& inst = c.instances[i];
    if (!inst.succeeded()) continue;
    std::vector<std::string> paths;
    for (const FetchedProfile& f : inst.fetches) {
      if (f.ok()) paths.push_back(f.path);
    }
    const merge::PgoView own = view_of(paths, request.normalize, inst.target.name, nullptr);
    inst.hot_weight_coverage = merge::hot_weight_coverage(merged_view, own);
    coverage.push_back(*inst.hot_weight_coverage);
    covered_instances.push_back(i);
  }
  const std::vector<bool> flags = merge::flag_coverage_outliers(coverage, request.outlier_gap);
  for (std::size_t k = 0; k < covered_instances.size(); ++k) {
    if (!flags[k]) continue;
    InstanceResult& inst = c.instances[covered_instances[k]];
    double lo = 1, hi = 0;
    for (std::size_t j = 0; j < coverage.size(); ++j) {
      if (j == k) continue;
      lo = std::min(lo, coverage[j]);
      hi = std::max(hi, coverage[j]);
    }
    inst.outlier = true;
    inst.outlier_note =
        "instance " + inst.target.name + " covers " + format_percent(coverage[k], 0) +
        " of the merged hot weight; others " +
        (lo == hi ? format_percent(lo, 0) : format_percent(lo, 0) + "-" + format_percent(hi, 0));
    c.warnings.push_back(inst.outlier_note);
  }
  return c;
}

void check_pgo_usable(const perftools::profiles::Profile& profile, const std::string& name) {
  if (!merge::pgo_sample_index(profile)) {
    throw Error("pgo", name, "no samples/count or cpu/nanoseconds sample type",
                "go build -pgo needs a CPU profile");
  }
  if (profile.sample_size() == 0) {
    throw Error("pgo", name, "the profile has no samples",
                "collect while the instances are under load, or with a longer --seconds");
  }
  (void)merge::PgoView::from_profile(profile, name);  // throws where the Go toolchain does
}

void write_pgo_profile(const perftools::profiles::Profile& profile, const std::string& path) {
  check_pgo_usable(profile, path);
  pgo::write_file_atomically(path, merge::encode_profile(profile));
}

std::string render_raw_manifest(const LiveCollection& collection, int seconds) {
  nlohmann::json fetches = nlohmann::json::array();
  for (const InstanceResult& inst : collection.instances) {
    for (std::size_t r = 0; r < inst.fetches.size(); ++r) {
      const FetchedProfile& f = inst.fetches[r];
      nlohmann::json j = {
          {"instance", inst.target.name},
          {"url", f.target.url},
          {"round", r + 1},
          {"window_start", f.window_start},
          {"window_end", f.window_end},
          {"http_status", f.http_status},
          {"outcome", f.ok() ? std::string("ok") : to_string(f.failure)},
      };
      if (f.ok()) {
        j["file"] = std::filesystem::path(f.path).filename().string();
        j["sha256"] = f.sha256;
        j["bytes"] = f.bytes;
        j["samples"] = f.samples;
        j["duration_seconds"] = static_cast<double>(f.duration_nanos) / 1e9;
      } else {
        j["reason"] = f.reason;
      }
      fetches.push_back(std::move(j));
    }
  }
  nlohmann::json doc = {{"format", "pgo-harness-raw-profiles/1"},
                        {"seconds", seconds},
                        {"profiles", std::move(fetches)}};
  return doc.dump(2) + "\n";
}

}  // namespace pgo::harness

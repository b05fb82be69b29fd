// Collecting one PGO profile from live service instances (`pgo-harness collect`): fetch a
// CPU profile from every target at once, in one or several rounds spread over time, merge
// the usable ones in process (normalized by default, so a busy instance does not drown a
// quiet one), and measure how representative each instance is of the merged profile.
//
// The policy is data, not printing: every fetch's outcome (ok, or down / timeout /
// http-status / not-cpu-profile with a reason) is in the result, and the caller decides
// how to show it. Nothing here writes the output profile; write_pgo_profile does that,
// after checking that `go build -pgo` can use it.
//
//   LiveCollectionRequest req;
//   req.targets = {parse_profile_target("http://prod1:6060", 30), ...};
//   req.http = profile_fetch_http_options(30);
//   req.raw_dir = "/tmp/raw";
//   LiveCollection c = collect_live_profiles(req);
//   if (c.enough_instances) write_pgo_profile(c.merged, "default.pgo");
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "run/live_profile_fetch.h"
#include "proto/profile.pb.h"

namespace pgo::harness {

// Default of --outlier-gap: an instance whose own hot set covers 20 percentage points
// less of the merged hot weight than the median of the other instances is flagged.
inline constexpr double kDefaultOutlierGap = 0.20;

// Default --min-instances for N targets: a strict majority, floor(N / 2) + 1, so one
// instance being redeployed does not fail a weekly job, but a profile is never built from
// a minority of the fleet without asking for it.
int default_min_instances(std::size_t targets);

struct LiveCollectionRequest {
  std::vector<ProfileTarget> targets;                // REQUIRES: non-empty
  int rounds = 1;                                    // REQUIRES: >= 1
  std::chrono::milliseconds every{0};                // between round starts (0: back to back)
  HttpOptions http;                                  // its cancel flag also ends round waits
  bool normalize = true;                             // see merge/merge_job.h
  int min_instances = 1;                             // REQUIRES: 1 <= min_instances
  std::string raw_dir;                               // REQUIRES: where the raw profiles go
  double outlier_gap = kDefaultOutlierGap;           // fraction, see flag_coverage_outliers
  std::function<void(const std::string&)> progress;  // optional: one line per event
};

struct InstanceResult {
  ProfileTarget target;
  std::vector<FetchedProfile> fetches;  // one per round, in round order
  int usable_rounds = 0;
  std::int64_t samples = 0;         // over its usable rounds
  std::int64_t duration_nanos = 0;  // over its usable rounds
  // Share of the merged profile's hot-edge weight that its own hot set covers (its usable
  // rounds merged); nullopt when it has no usable round or no merge happened.
  std::optional<double> hot_weight_coverage;
  bool outlier = false;
  std::string outlier_note;  // "instance X covers 38% of the merged hot weight; others 85-92%"

  bool succeeded() const { return usable_rounds > 0; }
};

struct LiveCollection {
  std::vector<InstanceResult> instances;  // in target order
  int succeeded_instances = 0;
  int min_instances = 0;
  bool enough_instances = false;
  perftools::profiles::Profile merged;  // filled when enough_instances
  std::int64_t merged_samples = 0;
  std::size_t merged_hot_edges = 0;
  std::vector<std::string> warnings;
};

// Throws pgo::Error (stage "interrupted") when request.http.cancel is set before the end,
// and pgo::Error for a merge failure. Fetch failures are data (see InstanceResult).
LiveCollection collect_live_profiles(const LiveCollectionRequest& request);

// Throws pgo::Error (stage "pgo", file = name) unless `go build -pgo` can use the profile:
// it has samples, a samples/count or cpu/nanoseconds sample type, and function start
// lines on its sampled frames (merge/pgo_view.h).
void check_pgo_usable(const perftools::profiles::Profile& profile, const std::string& name);

// check_pgo_usable, then writes the profile to path atomically; an existing file is
// replaced only when everything succeeded.
void write_pgo_profile(const perftools::profiles::Profile& profile, const std::string& path);

// manifest.json for a --keep-raw directory: per fetch its URL, instance, round, window,
// HTTP status, outcome, file and sha256 (never request headers).
std::string render_raw_manifest(const LiveCollection& collection, int seconds);

}  // namespace pgo::harness

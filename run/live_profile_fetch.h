// Fetching CPU profiles from live instances: all targets at once through HttpClient, each
// download checked to be a CPU profile the Go compiler can use, every failure classified
// so that a report can say which instance failed and why.
//
//   std::vector<ProfileTarget> targets = {parse_profile_target("http://prod1:6060", 30)};
//   HttpOptions http = profile_fetch_http_options(30);
//   auto fetched = fetch_live_profiles(targets, "/tmp/raw", "round-1", http);
//   for (const auto& f : fetched)
//     if (!f.ok()) warn(f.target.name + ": " + to_string(f.failure) + ": " + f.reason);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "process/http_client.h"
#include "run/profile_target.h"

namespace pgo::harness {

enum class FetchFailure {
  kNone,
  kDown,           // no HTTP answer: connection refused, unknown host, TLS handshake failed
  kTimeout,        // no complete answer within the timeout
  kHttpStatus,     // answered with a non-2xx status
  kNotCpuProfile,  // answered 2xx, but not a pprof profile, or one without CPU samples
  kCancelled,      // HttpOptions::cancel was set
};

// "down", "timeout", "http-status", "not-cpu-profile", "cancelled" ("" for kNone).
std::string to_string(FetchFailure failure);

struct FetchedProfile {
  ProfileTarget target;
  std::string path;  // the downloaded file (kept only when ok())
  FetchFailure failure = FetchFailure::kNone;
  std::string reason;  // one line, e.g. "HTTP 404 Not Found: 404 page not found"
  long http_status = 0;
  int attempts = 0;
  std::string window_start;  // UTC, ISO 8601: when the fetch started and ended
  std::string window_end;
  double elapsed_seconds = 0;
  std::int64_t bytes = 0;
  std::int64_t samples = 0;
  std::int64_t duration_nanos = 0;  // the profile's own duration
  std::string sha256;               // of the file's bytes

  bool ok() const { return failure == FetchFailure::kNone; }
};

// HttpOptions for a capture of `seconds`: each attempt may take the window plus a margin
// (max(5 s, 50% of the window)), 3 attempts, backoff from 500 ms doubling.
HttpOptions profile_fetch_http_options(int seconds);

// Downloads every target concurrently into "<dir>/<prefix>-<index>.pprof" (index from 1 in
// target order), then checks each file: it decodes as a pprof profile and (unless
// require_cpu_profile is false) has a samples/count or cpu/nanoseconds sample type. A file
// that fails the check is removed.
// Results are in target order. Never throws for a network or content failure (those are
// data); throws pgo::Error only when `dir` cannot be created.
std::vector<FetchedProfile> fetch_live_profiles(const std::vector<ProfileTarget>& targets,
                                                const std::string& dir, const std::string& prefix,
                                                const HttpOptions& http,
                                                bool require_cpu_profile = true);

// "2026-11-27T10:41:35Z" for the current time.
std::string utc_timestamp_now();

}  // namespace pgo::harness

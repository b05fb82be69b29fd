#include "run/live_profile_fetch.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>

#include "base/sha256.h"
#include "base/error.h"
#include "merge/profile_reader.h"
#include "merge/profile_scaling.h"

namespace pgo::harness {
namespace {

// The sample types of a profile, "alloc_objects/count, inuse_space/bytes".
std::string sample_types(const perftools::profiles::Profile& p) {
  std::string s;
  for (const auto& t : p.sample_type()) {
    if (!s.empty()) s += ", ";
    s += p.string_table(static_cast<int>(t.type())) + "/" +
         p.string_table(static_cast<int>(t.unit()));
  }
  return s.empty() ? "none" : s;
}

// Fills samples / duration / sha256, or marks the download as not a CPU profile.
void check_download(FetchedProfile& f, bool require_cpu_profile) {
  try {
    const auto bytes = merge::read_file_bytes(f.path);
    std::size_t i = 0;
    while (i < bytes.size() && i < 64 && std::isspace(bytes[i])) ++i;
    if (i < bytes.size() && bytes[i] == '<') {
      f.failure = FetchFailure::kNotCpuProfile;
      f.reason = "an HTML or XML page, not a pprof profile (a login page or proxy error?)";
      return;
    }
    const auto profile = merge::decode_profile(bytes, f.path);
    if (require_cpu_profile && !merge::pgo_sample_index(profile)) {
      f.failure = FetchFailure::kNotCpuProfile;
      f.reason = "a profile of sample types " + sample_types(profile) +
                 ", not a CPU profile (no samples/count or cpu/nanoseconds)";
      return;
    }
    f.samples = profile.sample_size();
    f.duration_nanos = profile.duration_nanos();
    f.sha256 = sha256_hex(std::span<const std::uint8_t>(bytes));
  } catch (const Error& e) {
    f.failure = FetchFailure::kNotCpuProfile;
    f.reason = "not a pprof profile: " + e.problem();
  }
}

}  // namespace

std::string to_string(FetchFailure failure) {
  switch (failure) {
    case FetchFailure::kNone:
      return "";
    case FetchFailure::kDown:
      return "down";
    case FetchFailure::kTimeout:
      return "timeout";
    case FetchFailure::kHttpStatus:
      return "http-status";
    case FetchFailure::kNotCpuProfile:
      return "not-cpu-profile";
    case FetchFailure::kCancelled:
      return "cancelled";
  }
  return "";
}

std::string utc_timestamp_now() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

HttpOptions profile_fetch_http_options(int seconds) {
  HttpOptions o;
  const auto window = std::chrono::seconds(seconds);
  const auto margin = std::max<std::chrono::milliseconds>(std::chrono::seconds(5), window / 2);
  o.timeout = window + margin;
  o.connect_timeout = std::chrono::seconds(5);
  o.attempts = 3;
  o.backoff = std::chrono::milliseconds(500);
  o.backoff_factor = 2.0;
  return o;
}

std::vector<FetchedProfile> fetch_live_profiles(const std::vector<ProfileTarget>& targets,
                                                const std::string& dir, const std::string& prefix,
                                                const HttpOptions& http, bool require_cpu_profile) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error("collect", dir, "cannot create the directory: " + ec.message());
  std::vector<HttpDownload> downloads;
  std::vector<FetchedProfile> fetched(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    fetched[i].target = targets[i];
    fetched[i].path = dir + "/" + prefix + "-" + std::to_string(i + 1) + ".pprof";
    std::filesystem::remove(fetched[i].path, ec);  // a stale file must not pass for a new one
    downloads.push_back({targets[i].url, fetched[i].path});
  }
  const std::string start = utc_timestamp_now();
  std::vector<HttpResponse> responses = HttpClient().download_all(downloads, http);
  const std::string end = utc_timestamp_now();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    FetchedProfile& f = fetched[i];
    const HttpResponse& r = responses[i];
    f.http_status = r.status;
    f.attempts = r.attempts;
    f.window_start = start;
    f.window_end = end;
    f.elapsed_seconds = std::chrono::duration<double>(r.elapsed).count();
    f.bytes = r.bytes;
    if (r.cancelled) {
      f.failure = FetchFailure::kCancelled;
    } else if (r.timed_out) {
      f.failure = FetchFailure::kTimeout;
    } else if (!r.error.empty() && r.status == 0) {
      f.failure = FetchFailure::kDown;
    } else if (!r.ok()) {
      f.failure = r.error.empty() ? FetchFailure::kHttpStatus : FetchFailure::kDown;
    }
    if (!f.ok()) {
      f.reason = r.describe();
    } else {
      check_download(f, require_cpu_profile);
    }
    if (!f.ok()) std::filesystem::remove(f.path, ec);
  }
  return fetched;
}

}  // namespace pgo::harness

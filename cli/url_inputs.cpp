#include "cli/url_inputs.h"

#include <stdlib.h>

#include <filesystem>

#include "run/live_profile_fetch.h"
#include "run/profile_target.h"
#include "base/error.h"

namespace pgo::cli {

UrlInputs::~UrlInputs() {
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::vector<std::string> UrlInputs::fetch(const std::vector<std::string>& args,
                                          const harness::HttpOptions& http, int seconds,
                                          bool skip_failed) {
  std::vector<harness::ProfileTarget> targets;
  for (const std::string& a : args) {
    if (harness::is_http_url(a)) targets.push_back(harness::parse_profile_target(a, seconds));
  }
  if (targets.empty()) return args;
  std::string pattern = (std::filesystem::temp_directory_path() / "pgo-merge-urls-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw Error("fetch", pattern, "cannot create a temporary directory");
  }
  dir_ = pattern;
  const auto fetched = harness::fetch_live_profiles(targets, dir_, "url", http, false);
  for (const harness::FetchedProfile& f : fetched) {
    if (f.ok()) {
      files_[f.target.spec] = f.path;
      continue;
    }
    const std::string reason = harness::to_string(f.failure) + ": " + f.reason;
    if (!skip_failed) {
      throw Error("fetch", f.target.spec, reason,
                  "check the URL, or --skip-bad to go on without it");
    }
    failures_.push_back({f.target.spec, reason});
  }
  std::vector<std::string> out;
  for (const std::string& a : args) {
    if (!harness::is_http_url(a)) {
      out.push_back(a);
    } else if (auto it = files_.find(a); it != files_.end()) {
      out.push_back(it->second);
    }
  }
  return out;
}

std::string UrlInputs::file_of(const std::string& url) const {
  auto it = files_.find(url);
  return it == files_.end() ? std::string() : it->second;
}

}  // namespace pgo::cli

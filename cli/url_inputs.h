// http(s) URL inputs of `pgo-merge` / `pgo-harness merge`, like `go tool pprof URL`: each
// URL argument is fetched (all at once, through run/live_profile_fetch.h) into a
// private temporary directory before the merge, and stands for that file from then on.
// The directory is removed when the object goes away, so nothing fetched is left behind.
//
//   UrlInputs urls;
//   std::vector<std::string> args = urls.fetch(o.inputs, http, seconds);  // URLs -> files
//   for (const auto& f : urls.failures()) ...                           // with --skip-bad
#pragma once

#include <map>
#include <string>
#include <vector>

#include "process/http_client.h"

namespace pgo::cli {

struct FailedUrlInput {
  std::string url;
  std::string reason;  // "down: Connection refused", "http-status: HTTP 404 ..."
};

class UrlInputs {
 public:
  UrlInputs() = default;
  ~UrlInputs();
  UrlInputs(const UrlInputs&) = delete;
  UrlInputs& operator=(const UrlInputs&) = delete;

  // Returns args with every http(s) URL replaced by the file it was fetched into; other
  // arguments are unchanged. A URL whose fetch failed is left out and listed in
  // failures() when skip_failed, otherwise the first failure throws pgo::Error (stage
  // "fetch", file = URL). A malformed URL always throws (stage "target").
  std::vector<std::string> fetch(const std::vector<std::string>& args,
                                 const harness::HttpOptions& http, int seconds, bool skip_failed);

  const std::vector<FailedUrlInput>& failures() const { return failures_; }
  // The fetched file of a URL argument, or "" when it is not one.
  std::string file_of(const std::string& url) const;

 private:
  std::string dir_;
  std::map<std::string, std::string> files_;
  std::vector<FailedUrlInput> failures_;
};

}  // namespace pgo::cli

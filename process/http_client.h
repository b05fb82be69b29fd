// HTTP GET through libcurl, for readiness probes and pprof downloads from server instances.
//
// Every request has a transfer timeout and a connect timeout; failures that may pass
// (connection refused or reset, timeouts, HTTP 5xx and 429) are retried with exponential
// backoff, others (HTTP 404, a malformed URL) are not. Downloads go to a temporary file
// beside the destination that is renamed into place only after a complete 2xx response,
// so a destination file is always a whole response or absent. Nothing here throws for a
// network failure: the outcome is data (HttpResponse), and callers decide what is fatal.
//
//   HttpClient http;
//   HttpOptions o;
//   o.timeout = std::chrono::seconds(40);
//   HttpResponse r = http.download("http://127.0.0.1:41233/debug/pprof/profile?seconds=30",
//                                  "profiles/api-1.pprof", o);
//   if (!r.ok()) fail(r.describe());
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace pgo::harness {

struct HttpOptions {
  std::chrono::milliseconds timeout{10'000};         // one attempt, connect to last byte
  std::chrono::milliseconds connect_timeout{2'000};  // one attempt's TCP connect
  int attempts = 3;                                  // REQUIRES: >= 1; total, not retries
  std::chrono::milliseconds backoff{200};            // wait before the second attempt
  double backoff_factor = 2.0;                       // each later wait is this much longer
  // Extra request headers, "Name: value" (e.g. "Authorization: Bearer ..."). They are sent
  // and never copied into an HttpResponse, so they cannot leak into logs or reports.
  std::vector<std::string> headers;
  std::string ca_file;  // PEM file of the CAs trusted for https; empty: the system's
  // When set and true, transfers and backoff waits end at once; the response then has
  // cancelled set (e.g. a SIGINT handler sets it). Must outlive the request.
  const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse {
  std::string url;
  long status = 0;         // HTTP status of the last attempt; 0 when none arrived
  std::string error;       // transport error of the last attempt ("Connection refused")
  bool timed_out = false;  // the last attempt hit HttpOptions::timeout
  bool cancelled = false;  // HttpOptions::cancel ended it
  int attempts = 0;
  std::chrono::nanoseconds elapsed{0};  // all attempts and backoff waits
  std::string body;                     // get(): the body; download(): the first bytes of
                                        // a non-2xx body, for the error message
  std::int64_t bytes = 0;               // body size of the last attempt

  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  // "HTTP 404 Not Found: <body start>", "timed out after 2.0 s (3 attempts)", "ok".
  std::string describe() const;
};

// One download of a concurrent batch.
struct HttpDownload {
  std::string url;
  std::string path;  // destination, written atomically
};

class HttpClient {
 public:
  HttpClient();  // initialises libcurl once per process (thread-safe)

  // GET into memory (bodies of readiness probes and small pages).
  HttpResponse get(const std::string& url, const HttpOptions& options) const;

  // GET into `path` (atomically: temporary file + rename). On failure `path` is untouched.
  HttpResponse download(const std::string& url, const std::string& path,
                        const HttpOptions& options) const;

  // All downloads at the same time (one thread each), e.g. CPU profiles from K instances
  // whose capture windows must overlap the same load. Results are in input order. The
  // soft open-file limit is raised to fit them (process/open_file_limit.h); where the hard
  // limit is too low for all at once, as many run at once as fit, the rest as they finish.
  std::vector<HttpResponse> download_all(const std::vector<HttpDownload>& downloads,
                                         const HttpOptions& options) const;
};

}  // namespace pgo::harness

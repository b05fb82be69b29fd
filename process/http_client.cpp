#include "process/http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>

#include "base/error.h"
#include "process/open_file_limit.h"

namespace pgo::harness {
namespace {

constexpr std::size_t kErrorBodyBytes = 300;

// libcurl is loaded on first use (dlopen), not linked: it drags in some thirty shared
// libraries (TLS, Kerberos, LDAP, ...) whose loading costs every pgo-harness start about
// 5 ms of CPU, which `pgo-harness bench` would otherwise add to its overhead per run.
struct Libcurl {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

// Loads libcurl.so.4 once; throws pgo::Error (stage "http") when it is missing.
const Libcurl& libcurl() {
  static const Libcurl api = [] {
    void* lib = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      throw Error("http", "libcurl.so.4", std::string("cannot load libcurl: ") + ::dlerror(),
                  "install libcurl4 (scripts/install-deps.sh)");
    }
    Libcurl l;
    auto load = [lib](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
      if (fn == nullptr) {
        throw Error("http", "libcurl.so.4", std::string("libcurl lacks ") + name,
                    "install a newer libcurl4");
      }
    };
    load(l.global_init, "curl_global_init");
    load(l.easy_init, "curl_easy_init");
    load(l.easy_setopt, "curl_easy_setopt");
    load(l.easy_perform, "curl_easy_perform");
    load(l.easy_getinfo, "curl_easy_getinfo");
    load(l.easy_strerror, "curl_easy_strerror");
    load(l.easy_cleanup, "curl_easy_cleanup");
    load(l.slist_append, "curl_slist_append");
    load(l.slist_free_all, "curl_slist_free_all");
    return l;
  }();
  return api;
}

using Clock = std::chrono::steady_clock;

// Where one attempt's body goes: a string, or an open temporary file.
struct Sink {
  std::string* text = nullptr;
  int fd = -1;
  std::int64_t bytes = 0;
  bool write_failed = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->text != nullptr) {
    sink->text->append(data, n);
  } else {
    size_t done = 0;
    while (done < n) {
      ssize_t w = ::write(sink->fd, data + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        sink->write_failed = true;
        return 0;  // makes curl abort with CURLE_WRITE_ERROR
      }
      done += static_cast<size_t>(w);
    }
  }
  sink->bytes += static_cast<std::int64_t>(n);
  return n;
}

bool cancel_requested(const HttpOptions& options) {
  return options.cancel != nullptr && options.cancel->load();
}

// Progress callback: a non-zero return makes curl abort the transfer (CURLE_ABORTED_BY_CALLBACK).
int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return cancel_requested(*static_cast<const HttpOptions*>(user)) ? 1 : 0;
}

bool retryable(const HttpResponse& r) {
  if (!r.error.empty()) return true;  // refused, reset, timed out: the server may recover
  return r.status >= 500 || r.status == 429;
}

// Failures no retry can fix: a bad certificate, an unknown host, a malformed URL.
bool permanent(CURLcode rc) {
  return rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
         rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_URL_MALFORMAT ||
         rc == CURLE_UNSUPPORTED_PROTOCOL;
}

// One attempt. Fills status / error / timed_out / bytes; returns false when retrying
// cannot help.
bool attempt(const std::string& url, const HttpOptions& options, Sink& sink, HttpResponse& r) {
  const Libcurl& api = libcurl();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(api.easy_init(), api.easy_cleanup);
  r.status = 0;
  r.error.clear();
  r.timed_out = false;
  sink.bytes = 0;
  if (!curl) {
    r.error = "cannot create a libcurl handle";
    return true;
  }
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  api.easy_setopt(h, CURLOPT_URL, url.c_str());
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  // Signals cannot be used for timeouts when several threads run transfers.
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  api.easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  // The instances are local: a proxy from the environment must not intercept them.
  api.easy_setopt(h, CURLOPT_NOPROXY, "localhost,127.0.0.1,::1");
  api.easy_setopt(h, CURLOPT_USERAGENT, "pgo-harness");
  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, api.slist_free_all);
  for (const std::string& header : options.headers) {
    curl_slist* grown = api.slist_append(headers.get(), header.c_str());
    if (grown == nullptr) {
      r.error = "cannot add a request header";
      return false;
    }
    headers.release();
    headers.reset(grown);
  }
  if (headers) api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  if (!options.ca_file.empty()) api.easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
  if (options.cancel != nullptr) {
    api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
    api.easy_setopt(h, CURLOPT_XFERINFODATA, &options);
    api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  }
  CURLcode rc = api.easy_perform(h);
  long status = 0;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  r.status = status;
  r.bytes = sink.bytes;
  if (rc != CURLE_OK) {
    r.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    r.cancelled = rc == CURLE_ABORTED_BY_CALLBACK;
    r.error = error_buffer[0] != 0 ? error_buffer : api.easy_strerror(rc);
    if (sink.write_failed) r.error = std::string("cannot write the body: ") + std::strerror(errno);
  }
  return !permanent(rc);
}

template <typename Prepare>
HttpResponse with_retries(const std::string& url, const HttpOptions& options, Sink& sink,
                          Prepare prepare) {
  HttpResponse r;
  r.url = url;
  auto start = Clock::now();
  auto wait = std::chrono::duration<double, std::milli>(options.backoff.count());
  int attempts = options.attempts < 1 ? 1 : options.attempts;
  for (int i = 1; i <= attempts; ++i) {
    prepare();
    r.attempts = i;
    const bool may_retry = attempt(url, options, sink, r);
    if (r.ok() || !may_retry || !retryable(r) || sink.write_failed || i == attempts) break;
    if (r.cancelled || cancel_requested(options)) break;
    // Sleeps in short steps so that a cancellation does not wait out the backoff.
    auto resume = Clock::now() + std::chrono::duration_cast<Clock::duration>(wait);
    while (Clock::now() < resume && !cancel_requested(options)) {
      std::this_thread::sleep_for(
          std::min<Clock::duration>(resume - Clock::now(), std::chrono::milliseconds(50)));
    }
    if (cancel_requested(options)) {
      r.cancelled = true;
      break;
    }
    wait *= options.backoff_factor;
  }
  r.elapsed = Clock::now() - start;
  return r;
}

}  // namespace

std::string HttpResponse::describe() const {
  std::string attempts_note =
      attempts > 1 ? " (" + std::to_string(attempts) + " attempts)" : std::string();
  if (ok()) return "ok";
  if (cancelled) return "cancelled";
  if (timed_out) return "timed out: " + error + attempts_note;
  if (!error.empty()) return error + attempts_note;
  std::string s = "HTTP " + std::to_string(status);
  std::string start = body.substr(0, kErrorBodyBytes);
  while (!start.empty() && (start.back() == '\n' || start.back() == '\r')) start.pop_back();
  if (!start.empty()) s += ": " + start;
  return s + attempts_note;
}

HttpClient::HttpClient() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (libcurl().global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      throw Error("http", "", "cannot initialise libcurl");
    }
  });
}

HttpResponse HttpClient::get(const std::string& url, const HttpOptions& options) const {
  std::string body;
  Sink sink;
  sink.text = &body;
  HttpResponse r = with_retries(url, options, sink, [&] { body.clear(); });
  r.body = std::move(body);
  return r;
}

HttpResponse HttpClient::download(const std::string& url, const std::string& path,
                                  const HttpOptions& options) const {
  std::filesystem::path dest(path);
  // Built with append: GCC 12 reports a false -Wrestrict on "." + std::string.
  std::string name = ".";
  name.append(dest.filename().string()).append(".part-XXXXXX");
  std::string temp = (dest.parent_path() / name).string();
  int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    HttpResponse r;
    r.url = url;
    r.error = "cannot create " + temp + ": " + std::strerror(errno);
    return r;
  }
  Sink sink;
  sink.fd = fd;
  HttpResponse r = with_retries(url, options, sink, [&] {
    // A retry starts the body over; a failure here shows up as a short or failed write.
    if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) sink.write_failed = true;
  });
  bool closed = ::close(fd) == 0;
  if (r.ok() && !closed)
    r.error = std::string("cannot write ") + temp + ": " + std::strerror(errno);
  if (r.ok()) {
    std::error_code ec;
    std::filesystem::rename(temp, dest, ec);
    if (!ec) return r;
    r.error = "cannot rename " + temp + " to " + path + ": " + ec.message();
  } else if (r.status != 0 && r.error.empty()) {
    // Keep the start of an error page (pprof explains problems in the body).
    if (FILE* f = std::fopen(temp.c_str(), "rb")) {
      char buf[kErrorBodyBytes];
      size_t n = std::fread(buf, 1, sizeof buf, f);
      r.body.assign(buf, n);
      std::fclose(f);
    }
  }
  std::filesystem::remove(temp);
  return r;
}

std::vector<HttpResponse> HttpClient::download_all(const std::vector<HttpDownload>& downloads,
                                                   const HttpOptions& options) const {
  std::vector<HttpResponse> results(downloads.size());
  // Each download holds a socket, its .part file and libcurl's wake-up socket pair open
  // with room to spare; the soft limit is raised to fit them all (a fleet's thousand
  // instances need more than the usual 1024). Where the hard limit is lower, as many run
  // at once as fit, each thread taking the next download when its own is done.
  constexpr std::uint64_t kFilesPerDownload = 6;
  constexpr std::uint64_t kSpareFiles = 32;  // logs, pipes and what other threads open
  const std::uint64_t open_now = open_file_count();
  const std::uint64_t wanted = open_now + kSpareFiles + kFilesPerDownload * downloads.size();
  const std::uint64_t limit = raise_open_file_limit(wanted);
  std::size_t threads_wanted = downloads.size();
  if (limit < wanted) {
    const std::uint64_t room = limit > open_now + kSpareFiles ? limit - open_now - kSpareFiles : 0;
    threads_wanted = static_cast<std::size_t>(std::max<std::uint64_t>(1, room / kFilesPerDownload));
  }
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < downloads.size(); i = next++) {
      try {
        results[i] = download(downloads[i].url, downloads[i].path, options);
      } catch (const std::exception& e) {  // an escaping exception would end the process
        results[i].url = downloads[i].url;
        results[i].error = e.what();
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(threads_wanted);
  auto join_all = [&] {
    for (std::thread& t : threads) t.join();
  };
  try {
    for (std::size_t t = 0; t < threads_wanted; ++t) threads.emplace_back(work);
  } catch (...) {  // thread creation failed: the started ones must still be joined
    join_all();
    throw;
  }
  join_all();
  return results;
}

}  // namespace pgo::harness

// Risk guarded against: profile fetches that hang past their timeout, give up on a
// transient 503 or retry a hopeless 404, leave half-written profiles behind, or run one
// after another so that the instances' capture windows do not overlap, or fail a fleet's
// fetch for lack of file descriptors (the usual soft limit of 1024 open files).
#include "process/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "process/open_file_limit.h"
#include "process/port_allocator.h"
#include "process/process.h"

using namespace pgo::harness;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct Reply {
  int status = 200;
  std::string body = "hello";
  std::chrono::milliseconds delay{0};
  bool hang_up = false;  // close the connection without answering
};

// A loopback HTTP/1.0 server answering each connection from a script (the last reply
// repeats), one thread per connection so that concurrent clients are served together.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<Reply(int)> script) : script_(std::move(script)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    REQUIRE(::listen(fd_, 256) == 0);  // a fleet's worth of clients connecting at once
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~ScriptedServer() {
    stopping_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    acceptor_.join();
    for (auto& t : workers_) t.join();
  }
  std::string url(const std::string& path = "/x") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int connections() const { return count_; }

 private:
  void accept_loop() {
    while (!stopping_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      int n = count_++;
      workers_.emplace_back([this, c, n] { serve(c, script_(n)); });
    }
  }
  static void serve(int c, Reply r) {
    char buf[4096];
    std::string req;
    while (req.find("\r\n\r\n") == std::string::npos) {
      ssize_t got = ::read(c, buf, sizeof buf);
      if (got <= 0) break;
      req.append(buf, static_cast<std::size_t>(got));
    }
    std::this_thread::sleep_for(r.delay);
    if (!r.hang_up) {
      std::string resp = "HTTP/1.0 " + std::to_string(r.status) +
                         " X\r\nContent-Length: " + std::to_string(r.body.size()) +
                         "\r\nConnection: close\r\n\r\n" + r.body;
      (void)!::write(c, resp.data(), resp.size());
    }
    ::close(c);
  }

  std::function<Reply(int)> script_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> count_{0};
  std::thread acceptor_;
  std::vector<std::thread> workers_;  // joined after the acceptor: no concurrent access
};

HttpOptions quick() {
  HttpOptions o;
  o.timeout = 2000ms;
  o.connect_timeout = 500ms;
  o.attempts = 3;
  o.backoff = 10ms;
  return o;
}

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("pgo-http-test-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("http client: GET into memory", "[http_client]") {
  ScriptedServer server([](int) { return Reply{200, "profile-bytes"}; });
  HttpResponse r = HttpClient().get(server.url(), quick());
  CHECK(r.ok());
  CHECK(r.status == 200);
  CHECK(r.body == "profile-bytes");
  CHECK(r.attempts == 1);
  CHECK(r.describe() == "ok");
}

TEST_CASE("http client: transient failures are retried with backoff", "[http_client]") {
  ScriptedServer server([](int n) {
    if (n == 0) return Reply{503, "busy"};
    if (n == 1) return Reply{200, "", 0ms, true};  // connection dropped
    return Reply{200, "third time"};
  });
  HttpResponse r = HttpClient().get(server.url(), quick());
  CHECK(r.ok());
  CHECK(r.body == "third time");
  CHECK(r.attempts == 3);
  CHECK(server.connections() == 3);
}

TEST_CASE("http client: a 404 is not retried and explains itself", "[http_client]") {
  ScriptedServer server([](int) { return Reply{404, "404 page not found\n"}; });
  HttpResponse r = HttpClient().get(server.url(), quick());
  CHECK_FALSE(r.ok());
  CHECK(r.attempts == 1);
  CHECK(r.describe() == "HTTP 404: 404 page not found");
}

TEST_CASE("http client: a slow server times out within the limit", "[http_client]") {
  ScriptedServer server([](int) { return Reply{200, "late", 1500ms}; });
  HttpOptions o = quick();
  o.timeout = 300ms;
  o.attempts = 2;
  auto start = std::chrono::steady_clock::now();
  HttpResponse r = HttpClient().get(server.url(), o);
  auto took = std::chrono::steady_clock::now() - start;
  CHECK_FALSE(r.ok());
  CHECK(r.timed_out);
  CHECK(r.attempts == 2);
  CHECK(took < 1400ms);
  CHECK_THAT(r.describe(), Catch::Contains("timed out") && Catch::Contains("2 attempts"));
}

TEST_CASE("http client: connection refused is reported after every attempt", "[http_client]") {
  PortAllocator ports;
  std::uint16_t closed = ports.allocate(1).front();
  HttpResponse r = HttpClient().get("http://127.0.0.1:" + std::to_string(closed) + "/", quick());
  CHECK_FALSE(r.ok());
  CHECK(r.status == 0);
  CHECK(r.attempts == 3);
  CHECK_FALSE(r.error.empty());
}

TEST_CASE("http client: downloads are atomic", "[http_client]") {
  fs::path dir = temp_dir();
  fs::path dest = dir / "p.pprof";
  { std::ofstream(dest) << "old"; }
  SECTION("a failed download leaves the destination and no temporary file") {
    ScriptedServer server([](int) { return Reply{500, "profiling failed"}; });
    HttpOptions o = quick();
    o.attempts = 2;
    HttpResponse r = HttpClient().download(server.url(), dest.string(), o);
    CHECK_FALSE(r.ok());
    CHECK_THAT(r.describe(), Catch::Contains("HTTP 500: profiling failed"));
    std::ifstream in(dest);
    std::string content((std::istreambuf_iterator<char>(in)), {});
    CHECK(content == "old");
  }
  SECTION("a complete download replaces it") {
    ScriptedServer server([](int) { return Reply{200, std::string(100000, 'x')}; });
    HttpResponse r = HttpClient().download(server.url(), dest.string(), quick());
    CHECK(r.ok());
    CHECK(r.bytes == 100000);
    CHECK(fs::file_size(dest) == 100000);
  }
  int files = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++files;
  CHECK(files == 1);
  fs::remove_all(dir);
}

TEST_CASE("http client: download_all fetches concurrently", "[http_client]") {
  ScriptedServer server([](int n) { return Reply{200, "body" + std::to_string(n), 600ms}; });
  fs::path dir = temp_dir();
  std::vector<HttpDownload> jobs;
  for (int i = 0; i < 4; ++i) {
    std::string name = "p";
    name += std::to_string(i);  // not "p" + ...: GCC 12 reports a false -Wrestrict there
    jobs.push_back({server.url("/" + name), (dir / name).string()});
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<HttpResponse> rs = HttpClient().download_all(jobs, quick());
  auto took = std::chrono::steady_clock::now() - start;
  REQUIRE(rs.size() == 4);
  for (std::size_t i = 0; i < rs.size(); ++i) {
    CHECK(rs[i].ok());
    CHECK(rs[i].url == jobs[i].url);
    CHECK(fs::file_size(jobs[i].path) > 0);
  }
  CHECK(took < 1800ms);  // sequential would take 4 x 600 ms
  fs::remove_all(dir);
}

namespace {

// n downloads from one server into dir: how many succeeded.
int downloads_ok(int n, const fs::path& dir) {
  ScriptedServer server([](int) { return Reply{200, std::string(1000, 'p'), 50ms}; });
  std::vector<HttpDownload> jobs;
  for (int i = 0; i < n; ++i) {
    std::string name = "p";
    name += std::to_string(i);
    jobs.push_back({server.url("/" + name), (dir / name).string()});
  }
  HttpOptions o = quick();
  o.connect_timeout = 5000ms;  // a loaded machine serves 200 connections slowly
  o.timeout = 30000ms;
  int ok = 0;
  for (const HttpResponse& r : HttpClient().download_all(jobs, o)) ok += r.ok();
  return ok;
}

// Runs body in a child process (open-file limits, once changed, would stay changed for
// the tests after it; a lowered hard limit cannot be raised again without privileges):
// body returns "" when all is well, else what went wrong, which the parent reports.
std::string in_child(const std::function<std::string()>& body) {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string problem;
    try {
      problem = body();
    } catch (const std::exception& e) {
      problem = e.what();
    }
    (void)!::write(pipe_fds[1], problem.data(), problem.size());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string problem;
  char buf[512];
  for (ssize_t got; (got = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) problem.append(buf, got);
  ::close(pipe_fds[0]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    problem += " (the child did not exit cleanly)";
  return problem;
}

}  // namespace

TEST_CASE("http client: download_all raises a low open-file limit, children get it back",
          "[http_client]") {
  fs::path dir = temp_dir();
  CHECK(in_child([&]() -> std::string {
          rlimit low{};
          ::getrlimit(RLIMIT_NOFILE, &low);
          low.rlim_cur = 64;  // 200 downloads hold about 800 descriptors
          if (::setrlimit(RLIMIT_NOFILE, &low) != 0) return "cannot lower the soft limit";
          const int ok = downloads_ok(200, dir);
          if (ok != 200) return std::to_string(ok) + " of 200 downloads succeeded";
          rlimit after{};
          ::getrlimit(RLIMIT_NOFILE, &after);
          if (after.rlim_cur <= 64) return "the soft limit was not raised";
          // A program started now runs under the limit the process had before the raise.
          ProcessSpec spec;
          spec.argv = {"sh", "-c", "ulimit -Sn"};
          spec.stdout_mode = StreamMode::kCapture;
          const std::string child_limit = run_process(spec).captured_stdout;
          if (child_limit != "64\n") return "a child's soft limit is " + child_limit;
          return "";
        }) == "");
  fs::remove_all(dir);
}

TEST_CASE("http client: download_all under a hard open-file limit too low for all at once",
          "[http_client]") {
  fs::path dir = temp_dir();
  CHECK(in_child([&]() -> std::string {
          rlimit tight{128, 128};  // room for about 15 downloads at once, not 200
          if (::setrlimit(RLIMIT_NOFILE, &tight) != 0) return "cannot lower the limits";
          const int ok = downloads_ok(200, dir);
          return ok == 200 ? "" : std::to_string(ok) + " of 200 downloads succeeded";
        }) == "");
  fs::remove_all(dir);
}

// Risk guarded against: `pgo-harness collect` working against one friendly server but not
// a real fleet: an instance that is down, hangs past the timeout, answers an HTML page, a
// heap profile or a 404 failing the whole run silently or without its name and reason;
// a below-policy collection or a Ctrl-C replacing the committed profile; HTTPS with a
// private CA or a token not working, or the token leaking into output; a merged profile
// that `go build -pgo` cannot use; the single-instance bias going unflagged.
// Real servers only (tests/cli/testdata/pprofserver on 127.0.0.1); label integration.
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "base/sha256.h"
#include "merge/profile_reader.h"
#include "pprof_test_server.h"
#include "process/port_allocator.h"
#include "process/process.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;
using pgo::cli::testing::PprofServer;
using pgo::harness::ProcessResult;
using pgo::harness::ProcessSpec;
using pgo::harness::StreamMode;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";

ProcessResult harness(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  ProcessSpec spec;
  spec.argv = {kHarness};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.env_overrides = std::move(env);
  spec.stdout_mode = spec.stderr_mode = StreamMode::kCapture;
  spec.timeout = std::chrono::seconds(90);
  return run_process(spec);
}

int free_port() { return pgo::harness::PortAllocator().allocate(1).at(0); }

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

const json& instance(const json& doc, const std::string& url) {
  for (const json& i : doc["instances"]) {
    if (i["url"].get<std::string>().rfind(url, 0) == 0) return i;
  }
  throw std::runtime_error("no instance " + url);
}

}  // namespace

TEST_CASE("collect merges the live pair and names every failed instance with its reason") {
  pgo::testing::TempDir t("pgo_collect_cli");
  PprofServer a(t.dir, {"-variant", "a"}), b(t.dir, {"-variant", "b"});
  PprofServer html(t.dir, {"-mode", "html"}), heap(t.dir, {"-mode", "heap"});
  PprofServer slow(t.dir, {"-mode", "slow"}), for_404(t.dir, {});
  const std::string down = "http://127.0.0.1:" + std::to_string(free_port());
  const fs::path out = t.dir / "default.pgo", raw = t.dir / "raw";
  auto r = harness({"collect",
                    "--seconds",
                    "1",
                    "--timeout",
                    "3",
                    "--attempts",
                    "1",
                    "--min-instances",
                    "2",
                    "--json",
                    "-q",
                    "--keep-raw",
                    raw.string(),
                    "-o",
                    out.string(),
                    a.base_url(),
                    b.base_url(),
                    html.base_url(),
                    heap.base_url(),
                    slow.base_url(),
                    down,
                    for_404.base_url() + "/debug/pprof/nothere"});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  json doc = json::parse(r.captured_stdout);
  CHECK(doc["format"] == "pgo-harness-collect/1");
  CHECK(doc["written"] == true);
  CHECK(doc["succeeded_instances"] == 2);
  CHECK(doc["min_instances"] == 2);
  auto outcome = [&](const std::string& url) {
    return instance(doc, url)["fetches"][0]["outcome"].get<std::string>();
  };
  CHECK(outcome(a.base_url()) == "ok");
  CHECK(outcome(b.base_url()) == "ok");
  CHECK(outcome(html.base_url()) == "not-cpu-profile");
  CHECK(outcome(heap.base_url()) == "not-cpu-profile");
  CHECK(outcome(slow.base_url()) == "timeout");
  CHECK(outcome(down) == "down");
  CHECK(outcome(for_404.base_url()) == "http-status");
  CHECK(instance(doc, for_404.base_url())["fetches"][0]["http_status"] == 404);
  // Each failure also on stderr, by name, with its reason.
  for (const auto* s : {&html, &heap, &slow}) {
    CHECK_THAT(r.captured_stderr,
               Catch::Contains("instance 127.0.0.1:" + std::to_string(s->port()) + " failed"));
  }
  CHECK_THAT(r.captured_stderr, Catch::Contains("alloc_objects/count"));  // the heap profile
  CHECK_THAT(r.captured_stderr, Catch::Contains("HTML"));
  // Representativeness of the two usable instances.
  for (const auto* s : {&a, &b}) {
    const json& i = instance(doc, s->base_url());
    CHECK(i["samples"].get<int>() >= 0);
    CHECK(i["duration_seconds"].get<double>() > 0.5);
    CHECK(i["hot_weight_coverage"].get<double>() >= 0);
    CHECK(i["hot_weight_coverage"].get<double>() <= 1);
  }
  // The output: a CPU profile the Go toolchain accepts, its sha256 in the report.
  auto merged = pgo::merge::read_profile_file(out.string());
  CHECK(merged.sample_size() > 0);
  CHECK(doc["merged"]["sha256"] == pgo::sha256_file_hex(out.string()));
  ProcessSpec pre;
  pre.argv = {"go", "tool", "preprofile", "-i", out.string(), "-o", (t.dir / "pre").string()};
  pre.stderr_mode = StreamMode::kCapture;
  auto pr = run_process(pre);
  INFO(pr.captured_stderr);
  CHECK(pr.succeeded());
  // The raw profiles and their manifest.
  json manifest = json::parse(read_file(raw / "manifest.json"));
  int ok = 0;
  for (const json& f : manifest["profiles"]) {
    if (f["outcome"] != "ok") continue;
    ++ok;
    CHECK(f["sha256"] == pgo::sha256_file_hex((raw / f["file"].get<std::string>()).string()));
    CHECK(f["http_status"] == 200);
    CHECK_FALSE(f["window_start"].get<std::string>().empty());
  }
  CHECK(ok == 2);
  CHECK(manifest["profiles"].size() == 7);
}

TEST_CASE("collect below --min-instances fails and leaves the committed profile untouched") {
  pgo::testing::TempDir t("pgo_collect_cli");
  PprofServer a(t.dir, {}), html(t.dir, {"-mode", "html"});
  const fs::path out = t.dir / "default.pgo";
  std::ofstream(out) << "committed";
  const std::string down = "http://127.0.0.1:" + std::to_string(free_port());
  // Three targets: the default policy needs a majority, two; only one succeeds.
  auto r = harness({"collect", "--seconds", "1", "--attempts", "1", "-o", out.string(),
                    a.base_url(), html.base_url(), down});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.captured_stderr, Catch::Contains("1 of 3 instance(s) gave a usable profile, at "
                                                "least 2 needed"));
  CHECK_THAT(r.captured_stderr, Catch::Contains("failed: down"));
  CHECK_THAT(r.captured_stderr, Catch::Contains("failed: not-cpu-profile"));
  CHECK(read_file(out) == "committed");
  for (const auto& e : fs::directory_iterator(t.dir)) {
    CHECK(e.path().filename().string().find(".part") == std::string::npos);
  }
}

TEST_CASE("collect over HTTPS with a private CA and a token that never appears in output") {
  pgo::testing::TempDir t("pgo_collect_cli");
  const fs::path cert = t.dir / "cert.pem", out = t.dir / "tls.pgo", raw = t.dir / "raw";
  const std::string token = "tok-8d1f-do-not-print";
  PprofServer s(t.dir, {"-tls", "-cert-out", cert.string(), "-token", token});
  auto r = harness(
      {"collect", "--seconds", "1", "--json", "--cacert", cert.string(), "--token-env",
       "PGO_TEST_TOKEN", "--keep-raw", raw.string(), "-o", out.string(), s.base_url("https")},
      {{"PGO_TEST_TOKEN", token}});
  INFO(r.captured_stderr);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(out));
  for (const std::string& text :
       {r.captured_stdout, r.captured_stderr, read_file(raw / "manifest.json")}) {
    CHECK(text.find(token) == std::string::npos);
  }
  // A token file works the same; without the CA the certificate is refused, one line.
  std::ofstream(t.dir / "token") << token << "\n";
  auto from_file =
      harness({"collect", "--seconds", "1", "--cacert", cert.string(), "--token-file",
               (t.dir / "token").string(), "-o", (t.dir / "b.pgo").string(), s.base_url("https")});
  CHECK(from_file.exit_code == 0);
  auto untrusted = harness({"collect", "--seconds", "1", "-q", "--token-env", "PGO_TEST_TOKEN",
                            "-o", (t.dir / "c.pgo").string(), s.base_url("https")},
                           {{"PGO_TEST_TOKEN", token}});
  CHECK(untrusted.exit_code == 1);
  CHECK_THAT(untrusted.captured_stderr, Catch::Contains("certificate"));
  CHECK(lines(untrusted.captured_stderr) == 1);
  auto no_token = harness({"collect", "--seconds", "1", "-q", "--cacert", cert.string(), "-o",
                           (t.dir / "d.pgo").string(), s.base_url("https")});
  CHECK(no_token.exit_code == 1);
  CHECK_THAT(no_token.captured_stderr, Catch::Contains("HTTP 401"));
  CHECK_FALSE(fs::exists(t.dir / "d.pgo"));
}

TEST_CASE("collect flags the instance whose hot set stands apart") {
  pgo::testing::TempDir t("pgo_collect_cli");
  PprofServer a1(t.dir, {"-variant", "a"}), a2(t.dir, {"-variant", "a"}),
      b(t.dir, {"-variant", "b"});
  auto r = harness({"collect", "--seconds", "2", "--json", "-q", "-o", (t.dir / "m.pgo").string(),
                    a1.base_url(), a2.base_url(), b.base_url()});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  json doc = json::parse(r.captured_stdout);
  const json& odd = instance(doc, b.base_url());
  CHECK(odd["outlier"] == true);
  CHECK(odd["hot_weight_coverage"].get<double>() <
        instance(doc, a1.base_url())["hot_weight_coverage"].get<double>());
  CHECK(instance(doc, a1.base_url())["outlier"] == false);
  CHECK(instance(doc, a2.base_url())["outlier"] == false);
  CHECK_THAT(odd["outlier_note"].get<std::string>(),
             Catch::Contains("of the merged hot weight; others"));
}

TEST_CASE("collect: rounds over time and the raw manifest per round") {
  pgo::testing::TempDir t("pgo_collect_cli");
  PprofServer a(t.dir, {}), b(t.dir, {"-variant", "b"});
  const fs::path raw = t.dir / "raw";
  auto start = std::chrono::steady_clock::now();
  auto r = harness({"collect", "--seconds", "1", "--rounds", "2", "--every", "2s", "--json", "-q",
                    "--keep-raw", raw.string(), "-o", (t.dir / "r.pgo").string(), a.base_url(),
                    b.base_url()});
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::seconds(3));
  json doc = json::parse(r.captured_stdout);
  CHECK(instance(doc, a.base_url())["usable_rounds"] == 2);
  CHECK(json::parse(read_file(raw / "manifest.json"))["profiles"].size() == 4);
  CHECK(fs::exists(raw / "round-2-2.pprof"));
}

TEST_CASE("collect: a bad target URL, an unreachable host, no targets: one clear line each") {
  pgo::testing::TempDir t("pgo_collect_cli");
  auto bad = harness({"collect", "-o", (t.dir / "x.pgo").string(), "prod1:6060"});
  CHECK(bad.exit_code == 1);
  CHECK(lines(bad.captured_stderr) == 1);
  CHECK_THAT(bad.captured_stderr,
             Catch::Contains("prod1:6060: target: not an http:// or https:// URL"));

  const std::string down = "http://127.0.0.1:" + std::to_string(free_port());
  auto unreachable = harness({"collect", "-q", "--seconds", "1", "--attempts", "1", "-o",
                              (t.dir / "x.pgo").string(), down});
  CHECK(unreachable.exit_code == 1);
  CHECK(lines(unreachable.captured_stderr) == 1);
  CHECK_THAT(unreachable.captured_stderr, Catch::Contains(": down: "));

  auto none = harness({"collect", "-o", (t.dir / "x.pgo").string()});
  CHECK(none.exit_code == 2);
  CHECK(lines(none.captured_stderr) == 1);
  CHECK_THAT(none.captured_stderr, Catch::Contains("no targets given"));
  std::ofstream(t.dir / "empty.txt") << "# nothing yet\n";
  auto empty_file = harness({"collect", "--targets-file", (t.dir / "empty.txt").string()});
  CHECK(empty_file.exit_code == 1);
  CHECK(lines(empty_file.captured_stderr) == 1);
  CHECK_FALSE(fs::exists(t.dir / "x.pgo"));
}

TEST_CASE("interrupting collect leaves the output untouched and exits at once") {
  pgo::testing::TempDir t("pgo_collect_cli");
  PprofServer a(t.dir, {});
  const fs::path out = t.dir / "default.pgo";
  std::ofstream(out) << "committed";
  ProcessSpec spec;
  spec.argv = {kHarness, "collect", "--seconds", "20", "-o", out.string(), a.base_url()};
  spec.stderr_mode = StreamMode::kFile;
  spec.stderr_path = (t.dir / "stderr").string();
  pgo::harness::BackgroundProcess p(spec);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  auto start = std::chrono::steady_clock::now();
  REQUIRE(::kill(p.pid(), SIGINT) == 0);
  auto result = p.wait_for(std::chrono::seconds(10));
  REQUIRE(result);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CHECK(result->exit_code == 130);
  CHECK_THAT(read_file(t.dir / "stderr"), Catch::Contains("left untouched"));
  CHECK(read_file(out) == "committed");
  for (const auto& e : fs::directory_iterator(t.dir)) {
    CHECK(e.path().filename().string().find(".part") == std::string::npos);
  }
  // The server is free again: its profiler is not held by a connection left behind.
  auto again = harness(
      {"collect", "--seconds", "1", "-q", "-o", (t.dir / "again.pgo").string(), a.base_url()});
  INFO(again.captured_stderr);
  CHECK(again.exit_code == 0);
}

TEST_CASE("pgo-merge and pgo-harness merge take http URL inputs like go tool pprof") {
  pgo::testing::TempDir t("pgo_collect_cli");
  PprofServer a(t.dir, {"-variant", "a"}), b(t.dir, {"-variant", "b"});
  const fs::path tmp = t.dir / "tmp", out = t.dir / "m.pgo";
  fs::create_directories(tmp);
  const std::map<std::string, std::string> env = {{"TMPDIR", tmp.string()}};
  ProcessSpec spec;
  spec.argv = {std::string(PGO_BIN_DIR) + "/pgo-merge",
               "--seconds",
               "1",
               "--normalize",
               "--weight",
               b.base_url() + "=2",
               "-o",
               out.string(),
               a.base_url(),
               b.base_url()};
  spec.env_overrides = env;
  spec.stderr_mode = StreamMode::kCapture;
  auto r = run_process(spec);
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.captured_stderr, Catch::Contains("merged 2 of 2 input(s)"));
  CHECK(pgo::merge::read_profile_file(out.string()).sample_size() > 0);
  CHECK(fs::is_empty(tmp));  // the fetched files are gone

  // A local file and a URL together, through pgo-harness merge.
  auto mixed = harness({"merge", "--seconds", "1", "-o", (t.dir / "mixed.pgo").string(),
                        out.string(), a.base_url() + "/debug/pprof/profile"},
                       env);
  INFO(mixed.captured_stderr);
  CHECK(mixed.exit_code == 0);
  CHECK_THAT(mixed.captured_stderr, Catch::Contains("merged 2 of 2 input(s)"));

  // A failing URL: one line naming it, or skipped under --skip-bad.
  const std::string down = "http://127.0.0.1:" + std::to_string(free_port());
  auto failed = harness({"merge", "--seconds", "1", "--attempts", "1", "-o",
                         (t.dir / "f.pgo").string(), out.string(), down},
                        env);
  CHECK(failed.exit_code == 1);
  CHECK(lines(failed.captured_stderr) == 1);
  CHECK_THAT(failed.captured_stderr, Catch::Contains(down + ": fetch: down: "));
  CHECK_FALSE(fs::exists(t.dir / "f.pgo"));
  auto skipped = harness({"merge", "--seconds", "1", "--attempts", "1", "--skip-bad", "--weight",
                          down + "=3", "-o", (t.dir / "s.pgo").string(), out.string(), down},
                         env);
  INFO(skipped.captured_stderr);
  CHECK(skipped.exit_code == 0);
  CHECK_THAT(skipped.captured_stderr, Catch::Contains("skipped " + down + ": down: "));
  CHECK(fs::is_empty(tmp));
}

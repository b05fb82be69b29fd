// Risk guarded against: builds that are not what the run says they are. A PGO build must
// record the profile it was given, a -pgo=off build none, a mismatch must fail loudly,
// equal inputs must give equal digests, a fresh cache must be new, empty and cleaned up,
// a compile error must reach the user with the compiler's own line, and no build, finished
// or killed, may leave the go command's work directory behind.
// Needs the Go toolchain (label "integration").
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/error.h"
#include "base/sha256.h"
#include "go/go_toolchain.h"
#include "tests/support/go_test_module.h"

using namespace pgo::harness;
using pgo::harness::testing::GoTestModule;
namespace fs = std::filesystem;

namespace {
// A small real PGO profile whose bytes never change, so the shared build cache makes the
// PGO build cheap after the first test run.
std::string stable_profile(const GoTestModule& m) {
  fs::path src = fs::path(m.go.env("GOROOT")) /
                 "src/cmd/compile/internal/test/testdata/pgo/inline/inline_hot.pprof";
  fs::path dst = m.dir / "inline_hot.pprof";
  fs::copy_file(src, dst, fs::copy_options::overwrite_existing);
  return dst.string();
}
}  // namespace

TEST_CASE("go toolchain: locate and version and env", "[go_toolchain][integration]") {
  GoToolchain go = GoToolchain::locate();
  CHECK(go.version().rfind("go1.", 0) == 0);
  CHECK(fs::path(go.go_path()).is_absolute());
  CHECK_FALSE(go.env("GOROOT").empty());
  CHECK_FALSE(go.env("GOARCH").empty());
  try {
    GoToolchain::locate("/nonexistent/bin/go");
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "toolchain");
  }
}

TEST_CASE("go builder: -pgo=off and -pgo=FILE are recorded and verified",
          "[go_toolchain][integration]") {
  GoTestModule m;
  GoBuildResult off = m.builder.build(m.request("v0"));
  CHECK(off.pgo_requested == "off");
  CHECK(off.pgo_recorded == "off");
  CHECK(off.sha256 == pgo::sha256_file_hex(off.output));
  CHECK(off.binary_size == static_cast<std::int64_t>(fs::file_size(off.output)));
  CHECK(off.wall_time.count() > 0);
  CHECK(off.build_info.path == "example.com/tool");
  CHECK(off.cache_mode == GoCacheMode::kShared);
  std::ifstream log(off.log_path);
  std::string first;
  std::getline(log, first);
  CHECK(first.rfind("# cd ", 0) == 0);

  // Same inputs, same binary: the digest identifies a build.
  GoBuildResult again = m.builder.build(m.request("v0-again"));
  CHECK(again.sha256 == off.sha256);

  std::string profile = stable_profile(m);
  GoBuildResult pgo = m.builder.build(m.request("v1", profile));
  CHECK(pgo.pgo_requested == profile);
  CHECK(pgo.pgo_recorded == profile);
  CHECK(pgo.build_info.pgo() == profile);
  CHECK(pgo.sha256 != off.sha256);
}

TEST_CASE("go builder: a flag that overrides -pgo is caught", "[go_toolchain][integration]") {
  GoTestModule m;
  GoBuildRequest r = m.request("mismatch", stable_profile(m));
  r.flags = {"-pgo=off"};  // the go command takes the last -pgo
  try {
    m.builder.build(r);
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "build");
    CHECK_THAT(e.problem(), Catch::Contains("but the binary records -pgo=off"));
  }
}

TEST_CASE("go builder: test binaries for gotest workloads", "[go_toolchain][integration]") {
  GoTestModule m;
  GoBuildRequest r = m.request("tool.test");
  r.kind = GoBuildKind::kTestBinary;
  GoBuildResult b = m.builder.build(r);
  CHECK(fs::is_regular_file(b.output));
  CHECK(b.argv[1] == "test");
  CHECK(b.argv[2] == "-c");
  CHECK(b.pgo_recorded == "off");
}

TEST_CASE("go builder: a PGO test binary of a non-main package is accepted",
          "[go_toolchain][integration]") {
  // Risk: `go test -c` of a library package records no -pgo in its build info; treating
  // that as "built without the profile" failed every gotest scenario at build v1.
  GoTestModule m;
  fs::create_directories(m.module / "lib");
  std::ofstream(m.module / "lib" / "lib.go")
      << "package lib\n\nfunc Add(a, b int) int { return a + b }\n";
  std::ofstream(m.module / "lib" / "lib_test.go")
      << "package lib\n\nimport \"testing\"\n\n"
         "func BenchmarkAdd(b *testing.B) { for i := 0; i < b.N; i++ { Add(i, i) } }\n";
  GoBuildRequest r = m.request("lib.test", stable_profile(m));
  r.kind = GoBuildKind::kTestBinary;
  r.package = "./lib";
  GoBuildResult b = m.builder.build(r);
  CHECK(fs::is_regular_file(b.output));
  CHECK(b.build_info.settings.count("-pgo") == 0);
  CHECK(b.pgo_recorded.empty());

  // The test binary of a main package does record it, and it is still verified.
  GoBuildRequest main_test = m.request("tool-pgo.test", stable_profile(m));
  main_test.kind = GoBuildKind::kTestBinary;
  CHECK(m.builder.build(main_test).pgo_recorded == stable_profile(m));
}

TEST_CASE("go builder: a compile error reaches the message", "[go_toolchain][integration]") {
  GoTestModule m;
  std::ofstream(m.module / "broken.go") << "package main\n\nfunc broken() { nothingHere() }\n";
  try {
    m.builder.build(m.request("broken"));
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "build");
    CHECK_THAT(e.problem(), Catch::Contains("broken.go:3:17: undefined: nothingHere"));
    CHECK_THAT(e.problem(), Catch::Contains("exit status 1"));
    CHECK(e.file() == m.request("broken").log_path);
  }
}

TEST_CASE("go builder: a missing profile fails before building", "[go_toolchain][integration]") {
  GoTestModule m;
  CHECK_THROWS_WITH(m.builder.build(m.request("x", (m.dir / "nope.pgo").string())),
                    Catch::Contains("the PGO profile does not exist"));
  CHECK_FALSE(fs::exists(m.request("x").log_path));
}

// The cache policy is checked with a stand-in `go` that records the GOCACHE each build
// gets and copies a prebuilt binary (a real cold build takes 10 s to minutes on these
// machines); everything else (`go env`, `go version -m`) goes to the real go command.
TEST_CASE("go builder: fresh caches are new and empty and removed while shared is reused",
          "[go_toolchain][integration]") {
  GoTestModule m;
  std::string prebuilt = m.build_tool();
  fs::path record = m.dir / "gocache-record.txt";
  fs::path fake = m.dir / "fake-go";
  {
    std::ofstream script(fake);
    script << "#!/bin/sh\n"
           << "case \"$1\" in\n"
           << "build|test)\n"
           << "  echo \"$GOCACHE $(ls -A \"$GOCACHE\" | wc -l)\" >> '" << record.string() << "'\n"
           << "  out=; prev=\n"
           << "  for a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\n"
           << "  cp '" << prebuilt << "' \"$out\" ;;\n"
           << "*) exec '" << m.go.go_path() << "' \"$@\" ;;\n"
           << "esac\n";
  }
  fs::permissions(fake, fs::perms::owner_all);
  GoToolchain go = GoToolchain::locate(fake.string());
  fs::path caches = m.dir / "caches";

  GoBuilder fresh(go, caches.string(), GoCacheMode::kFresh);
  fresh.build(m.request("a"));
  fresh.build(m.request("b"));
  GoBuilder shared(go, (m.dir / "shared").string(), GoCacheMode::kShared);
  shared.build(m.request("c"));

  std::ifstream in(record);
  std::string dir_a, dir_b, dir_c;
  int entries_a = -1, entries_b = -1;
  in >> dir_a >> entries_a >> dir_b >> entries_b >> dir_c;
  CHECK(fs::path(dir_a).parent_path() == caches);
  CHECK(fs::path(dir_b).parent_path() == caches);
  CHECK(dir_a != dir_b);
  CHECK(entries_a == 0);
  CHECK(entries_b == 0);
  CHECK(fs::is_empty(caches));  // removed after each build
  CHECK(dir_c == (m.dir / "shared").string());
  CHECK(fs::is_directory(dir_c));
}

// A killed go command cannot remove its work directory: with a fresh cache the build
// compiles the runtime and takes many seconds, so a one-second timeout kills it while its
// $WORK is full. Neither that nor a finished build may leave anything in GOTMPDIR.
TEST_CASE("go builder: a killed or finished build leaves nothing in GOTMPDIR",
          "[go_toolchain][integration]") {
  GoTestModule m;
  const fs::path tmp = m.dir / "gotmp";
  fs::create_directories(tmp);
  GoBuildRequest finished = m.request("finished");
  finished.env["GOTMPDIR"] = tmp.string();
  m.builder.build(finished);
  CHECK(fs::is_empty(tmp));
  // A relative GOTMPDIR is the go command's: relative to the module directory it runs in.
  fs::create_directories(m.module / "reltmp");
  GoBuildRequest relative = m.request("relative");
  relative.env["GOTMPDIR"] = "reltmp";
  m.builder.build(relative);
  CHECK(fs::is_empty(m.module / "reltmp"));
  // A GOTMPDIR that does not exist fails before the go command runs, naming it.
  GoBuildRequest missing = m.request("missing");
  missing.env["GOTMPDIR"] = (m.dir / "no-such-dir").string();
  try {
    m.builder.build(missing);
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "build");
    CHECK(e.file() == (m.dir / "no-such-dir").string());
    CHECK_THAT(e.problem(), Catch::Contains("cannot create a temporary directory"));
  }

  GoBuilder cold(m.go, (m.dir / "caches").string(), GoCacheMode::kFresh);
  GoBuildRequest killed = m.request("killed");
  killed.env["GOTMPDIR"] = tmp.string();
  killed.timeout = std::chrono::seconds(1);
  try {
    cold.build(killed);
    FAIL("a cold build finished within one second");
  } catch (const pgo::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("timed out"));
  }
  CHECK(fs::is_empty(tmp));
  // The log names the directory the go command was given: inside the requested one.
  std::ifstream log(killed.log_path);
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("# GOTMPDIR=" + (tmp / "pgo-go-build-").string()));
}

TEST_CASE("go builder: a vendored module builds offline, without go mod download",
          "[go_toolchain][integration]") {
  // A module whose dependency exists only in vendor/: with the proxy off and an empty
  // module cache, `go mod download` cannot succeed, `go build` (vendor mode) can.
  GoTestModule m;
  const fs::path app = m.dir / "vendored";
  fs::create_directories(app / "vendor" / "example.com" / "dep");
  std::ofstream(app / "go.mod") << "module example.com/app\n\ngo 1.21\n\nrequire example.com/dep "
                                   "v1.0.0\n";
  std::ofstream(app / "main.go") << "package main\n\nimport \"example.com/dep\"\n\n"
                                    "func main() { println(dep.Answer()) }\n";
  std::ofstream(app / "vendor" / "modules.txt") << "# example.com/dep v1.0.0\n## explicit; go "
                                                   "1.21\nexample.com/dep\n";
  std::ofstream(app / "vendor" / "example.com" / "dep" / "dep.go")
      << "package dep\n\nfunc Answer() int { return 42 }\n";
  const std::map<std::string, std::string> offline = {
      {"GOPROXY", "off"},
      {"GOFLAGS", ""},
      {"GOMODCACHE", (m.dir / "empty-modcache").string()},
      {"GOWORK", "off"}};
  const std::string log = (m.dir / "download.log").string();

  CHECK_FALSE(m.builder.download_modules(app.string(), offline, log));
  std::ifstream in(log);
  std::string line;
  std::getline(in, line);
  CHECK(line.find("skipped") != std::string::npos);
  CHECK(line.find("vendor/modules.txt") != std::string::npos);

  GoBuildRequest r = m.request("vendored");
  r.module_dir = app.string();
  r.package = ".";
  r.env = offline;
  GoBuildResult built = m.builder.build(r);
  CHECK(built.pgo_recorded == "off");

  // Asking for module mode means downloading, which the proxy refuses: the rule is read
  // from the build flags, and the failure names the command.
  try {
    m.builder.download_modules(app.string(), offline, log, {"-mod=mod"});
    FAIL("go mod download succeeded with GOPROXY=off");
  } catch (const pgo::Error& e) {
    CHECK(std::string(e.what()).find("go mod download") != std::string::npos);
  }
}

TEST_CASE("go module mode: GOROOT's src/cmd builds from its vendor directory",
          "[go_toolchain][integration]") {
  GoToolchain go = GoToolchain::locate();
  const std::string cmd = (fs::path(go.env("GOROOT")) / "src" / "cmd").string();
  GoModuleMode mode = go_module_mode(cmd, {}, "", "off");
  CHECK(mode.vendor);
  CHECK(mode.reason.find("vendor/modules.txt") != std::string::npos);
}

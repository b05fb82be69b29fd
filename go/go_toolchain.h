// The Go toolchain as the PGO loop uses it: locating `go`, its version and environment,
// reading a binary's build info, and building programs and test binaries with a chosen
// -pgo setting into a build cache the run controls.
//
// Every build records its wall and CPU time, the binary's size and SHA-256, and proves
// that the binary was built as asked: the `-pgo=` setting is read back from the binary's
// build info (`go version -m`) and a mismatch is an error, not a silently wrong result.
// (Exception: `go test -c` of a non-main package records no -pgo at all, so a PGO test
// binary without the setting is accepted; GoBuildResult::pgo_recorded is then "".)
//
//   GoToolchain go = GoToolchain::locate();            // `go` from PATH
//   GoBuilder builder(go, "/run/gocache", GoCacheMode::kFresh);
//   GoBuildRequest req;
//   req.module_dir = "scenarios/api";
//   req.package = "./cmd/server";
//   req.pgo = "/run/profiles/iter-1.pgo";              // or "off"
//   req.output = "/run/bin/server-v1";
//   req.log_path = "/run/logs/build-v1.log";
//   GoBuildResult b = builder.build(req);              // b.sha256, b.wall_time, ...
//
// Build cache policy (GoCacheMode). A profile's bytes are part of the cache key of every
// package, std included, so each new profile rebuilds everything while a -pgo=off build
// reuses a warm cache. With one shared cache, v0 (-pgo=off) would look many times cheaper
// to build than v1..vN for that reason alone. kFresh (the default for the loop) gives every
// build its own empty cache, removed afterwards: each build is a full cold build, and build
// times and the PGO build-time overhead are comparable. kShared reuses one cache: much
// faster, right when build times are not reported (quick settings, tests), wrong for
// comparing them. Either way the module cache (GOMODCACHE) is shared: call
// download_modules() once first so that no build time includes network fetches.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgo::harness {

// What `go version -m BINARY` prints.
struct GoBuildInfo {
  std::string go_version;                       // "go1.26.8"
  std::string path;                             // main package path ("example.com/server")
  std::string main_module;                      // module path of the main module
  std::map<std::string, std::string> settings;  // "build" lines: "-pgo" -> "/abs/x.pgo"
  std::vector<std::string> deps;                // "module@version" of every dependency

  // The recorded -pgo setting: a profile path, or "off" when none is recorded (the go
  // command records nothing for -pgo=off).
  std::string pgo() const;
};

// Parses the output of `go version -m BINARY`. Throws pgo::Error (stage "build") naming
// `binary` when the text has no "path" line (not a Go binary, or built without module info).
GoBuildInfo parse_go_build_info(const std::string& text, const std::string& binary);

// Whether the go command builds in module_dir from the vendor directory, by its own rule
// (cmd/go/internal/modload/init.go, setDefaultBuildMod): a -mod flag decides (the build
// flags override GOFLAGS); without one, in workspace mode (a go.work found from
// module_dir upwards, or GOWORK, unless GOWORK=off) vendor/modules.txt beside go.work
// decides; otherwise vendor mode is the default when go.mod says `go 1.14` or later and
// vendor/modules.txt exists.
struct GoModuleMode {
  bool vendor = false;
  std::string reason;  // "-mod=vendor in the build flags", "vendor/modules.txt and go 1.26", ...
};
GoModuleMode go_module_mode(const std::string& module_dir,
                            const std::vector<std::string>& build_flags, const std::string& goflags,
                            const std::string& gowork);

class GoToolchain {
 public:
  // Finds `go`: `go_command` empty means "go" from PATH; a name without '/' is looked up
  // in PATH; a path is used as is. Runs `go env -json` once. Throws pgo::Error (stage
  // "toolchain") when it is missing or not runnable, with a hint.
  static GoToolchain locate(const std::string& go_command = {});

  const std::string& go_path() const { return go_path_; }  // absolute
  const std::string& version() const { return version_; }  // GOVERSION, "go1.26.8"
  // A `go env` value captured at locate() (GOROOT, GOOS, GOARCH, GOAMD64, GOCACHE,
  // GOMODCACHE, GOFLAGS, GOPROXY, GOEXPERIMENT, CGO_ENABLED...); "" when unset or unknown.
  std::string env(const std::string& key) const;
  const std::map<std::string, std::string>& env_values() const { return env_; }

  // `go version -m BINARY`, parsed. Throws pgo::Error (stage "build").
  GoBuildInfo read_build_info(const std::string& binary) const;

 private:
  std::string go_path_;
  std::string version_;
  std::map<std::string, std::string> env_;
};

enum class GoCacheMode {
  kFresh,   // a new empty GOCACHE per build: cold, comparable build times
  kShared,  // one GOCACHE for all builds: fast, build times not comparable
};

enum class GoBuildKind {
  kProgram,     // go build -o OUT PACKAGE
  kTestBinary,  // go test -c -o OUT PACKAGE (gotest workloads)
};

struct GoBuildRequest {
  GoBuildKind kind = GoBuildKind::kProgram;
  std::string module_dir;                  // REQUIRES: an existing directory; go runs there
  std::string package = ".";               // relative to module_dir, or an import path
  std::string pgo = "off";                 // "off" or a profile file (made absolute)
  std::string output;                      // REQUIRES: non-empty; the binary (made absolute)
  std::vector<std::string> flags;          // extra build flags, after ours
  std::map<std::string, std::string> env;  // on top of the harness's environment
  std::string log_path;                    // REQUIRES: non-empty; go's output goes here
  std::optional<std::chrono::nanoseconds> timeout;
};

struct GoBuildResult {
  std::vector<std::string> argv;  // the go command run
  std::string output;             // absolute path of the binary
  std::string pgo_requested;      // "off" or the absolute profile path
  // What the binary's build info says (equal to pgo_requested, or build() threw); "" for
  // a PGO test binary of a non-main package, whose build info the go command writes
  // without -pgo (nothing to verify there).
  std::string pgo_recorded;
  std::chrono::nanoseconds wall_time{0};
  double user_seconds = 0;  // of the go command and everything it ran
  double system_seconds = 0;
  std::int64_t binary_size = 0;
  std::string sha256;
  GoBuildInfo build_info;
  std::string log_path;
  GoCacheMode cache_mode = GoCacheMode::kFresh;
};

class GoBuilder {
 public:
  // `gocache_dir`: kShared uses it as GOCACHE; kFresh creates one empty directory per
  // build inside it and removes it after the build. Created if missing; made absolute.
  GoBuilder(GoToolchain toolchain, std::string gocache_dir, GoCacheMode mode);

  // Runs `go build|test -c -pgo=P -buildvcs=false -o OUT FLAGS... PACKAGE` in module_dir
  // with GOCACHE set by this builder and GOTOOLCHAIN=local unless request.env sets it
  // (a go.mod asking for a newer Go must not switch toolchains mid-run). -buildvcs=false
  // keeps the digest independent of an enclosing git checkout's state. Builds, then
  // checks the binary's build info. Throws pgo::Error (stage "build") when go
  // fails (the message carries the compiler's first error lines; the log has all of it),
  // when the profile does not exist, or when the recorded -pgo differs from the request.
  GoBuildResult build(const GoBuildRequest& request) const;

  // `go mod download` in module_dir, so that later builds do not time network fetches;
  // skipped (returns false, and says why in the log) when builds with these flags and
  // environment use the module's vendor directory (go_module_mode): they need no network,
  // and a vendored module may not even be on the proxy. Throws pgo::Error (stage "build")
  // with go's message on failure.
  bool download_modules(const std::string& module_dir,
                        const std::map<std::string, std::string>& env, const std::string& log_path,
                        const std::vector<std::string>& build_flags = {}) const;

  const GoToolchain& toolchain() const { return toolchain_; }
  GoCacheMode cache_mode() const { return mode_; }
  const std::string& gocache_dir() const { return gocache_dir_; }

 private:
  GoToolchain toolchain_;
  std::string gocache_dir_;
  GoCacheMode mode_;
};

// The lines of go's output that name the problem ("./main.go:5:2: undefined: x"), at most
// `max_lines`; the last non-empty lines when none look like compiler errors.
std::string go_error_summary(const std::string& output, int max_lines = 5);

}  // namespace pgo::harness

#include "go/go_toolchain.h"

#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "base/error.h"
#include "base/file_io.h"
#include "base/sha256.h"
#include "process/process.h"
#include "process/process_log.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

// What locate() keeps from `go env -json`: the settings that change what a build produces.
const char* const kRecordedEnv[] = {
    "GOVERSION",    "GOROOT",      "GOOS",        "GOARCH",  "GOAMD64",
    "GOARM64",      "GOCACHE",     "GOMODCACHE",  "GOFLAGS", "GOPROXY",
    "GOEXPERIMENT", "CGO_ENABLED", "GOTOOLCHAIN", "GOPATH",  "CC"};

// A quick query of the Go command (`go env`, `go version -m`): output captured, a minute
// at most, and this Go itself (GOTOOLCHAIN=local: never a download of another toolchain).
ProcessSpec go_query_spec(std::vector<std::string> argv) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.stdout_mode = StreamMode::kCapture;
  spec.stderr_mode = StreamMode::kCapture;
  spec.timeout = std::chrono::seconds(60);
  spec.env_overrides["GOTOOLCHAIN"] = "local";
  return spec;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string lookup_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    fs::path candidate = fs::path(dir) / name;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return fs::absolute(candidate).lexically_normal().string();
    }
  }
  return {};
}

// Build settings are printed with strconv.Quote when they contain spaces, tabs, quotes or
// (in keys) '='; undo the common escapes.
std::string unquote(const std::string& s) {
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') return s;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\\' && i + 2 < s.size()) {
      char c = s[++i];
      out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, '\t')) {
    if (!f.empty()) fields.push_back(f);
  }
  return fields;
}

std::string absolute_path(const std::string& p) {
  return fs::absolute(p).lexically_normal().string();
}

// Removes a fresh build cache or a build's temporary directory even when the build throws.
class ScopedDirectory {
 public:
  explicit ScopedDirectory(std::string path) : path_(std::move(path)) {}
  ~ScopedDirectory() {
    if (path_.empty()) return;
    std::error_code ec;  // best effort: a leftover cache only costs disk space
    fs::remove_all(path_, ec);
  }
  ScopedDirectory(const ScopedDirectory&) = delete;
  ScopedDirectory& operator=(const ScopedDirectory&) = delete;

 private:
  std::string path_;
};

// "FILE.go:LINE: ..." or "FILE.go:LINE:COL: ..." with no blank in FILE: how the compiler
// and vet report a problem. (Hand-written: std::regex trips GCC 12 warnings under ASan.)
bool is_compiler_error(const std::string& line) {
  std::size_t go = line.find(".go:");
  if (go == std::string::npos || go == 0) return false;
  for (std::size_t i = 0; i < go; ++i) {
    if (std::isspace(static_cast<unsigned char>(line[i]))) return false;
  }
  std::size_t i = go + 4;
  for (int field = 0; field < 2; ++field) {
    std::size_t digits = i;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i == digits || i >= line.size() || line[i] != ':') return false;
    ++i;
    if (i < line.size() && line[i] == ' ') return true;
  }
  return false;
}

}  // namespace

std::string GoBuildInfo::pgo() const {
  auto it = settings.find("-pgo");
  return it == settings.end() ? "off" : it->second;
}

GoBuildInfo parse_go_build_info(const std::string& text, const std::string& binary) {
  GoBuildInfo info;
  std::stringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      std::size_t colon = line.rfind(": ");
      if (colon != std::string::npos) info.go_version = line.substr(colon + 2);
      continue;
    }
    std::vector<std::string> f = split_tabs(line);
    if (f.size() < 2) continue;
    if (f[0] == "path") {
      info.path = f[1];
    } else if (f[0] == "mod") {
      info.main_module = f[1];
    } else if (f[0] == "dep") {
      info.deps.push_back(f[1] + (f.size() > 2 ? "@" + f[2] : ""));
    } else if (f[0] == "build") {
      std::string kv = f[1];
      for (std::size_t i = 2; i < f.size(); ++i) kv += "\t" + f[i];
      // A quoted key contains '='; find the separator after it.
      std::size_t eq = kv.front() == '"' ? kv.find("\"=") + 1 : kv.find('=');
      if (eq == std::string::npos || eq == 0) continue;
      info.settings[unquote(kv.substr(0, eq))] = unquote(kv.substr(eq + 1));
    }
  }
  if (info.path.empty()) {
    throw Error("build", binary, "no Go build information in the binary",
                "is it a Go binary built with module support (Go 1.18+)?");
  }
  return info;
}

GoToolchain GoToolchain::locate(const std::string& go_command) {
  std::string cmd = go_command.empty() ? "go" : go_command;
  GoToolchain t;
  t.go_path_ = cmd.find('/') == std::string::npos ? lookup_in_path(cmd) : absolute_path(cmd);
  std::error_code ec;
  if (t.go_path_.empty() || !fs::is_regular_file(t.go_path_, ec)) {
    throw Error("toolchain", cmd, "the Go command was not found",
                go_command.empty() ? "install Go 1.21 or newer and put it on PATH"
                                   : "check the scenario's go path");
  }
  ProcessResult r = run_process(go_query_spec({t.go_path_, "env", "-json"}));
  if (!r.succeeded()) {
    throw Error("toolchain", t.go_path_,
                "`go env -json` failed (" + r.describe_status() +
                    "): " + go_error_summary(r.captured_stderr),
                "check the Go installation");
  }
  try {
    nlohmann::json env = nlohmann::json::parse(r.captured_stdout);
    for (const char* key : kRecordedEnv) {
      if (env.contains(key) && env[key].is_string()) t.env_[key] = env[key].get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error("toolchain", t.go_path_, std::string("cannot parse `go env -json`: ") + e.what());
  }
  t.version_ = t.env("GOVERSION");
  if (t.version_.empty()) {
    throw Error("toolchain", t.go_path_, "`go env` reports no GOVERSION",
                "the harness needs Go 1.21 or newer (PGO)");
  }
  return t;
}

std::string GoToolchain::env(const std::string& key) const {
  auto it = env_.find(key);
  return it == env_.end() ? std::string() : it->second;
}

GoBuildInfo GoToolchain::read_build_info(const std::string& binary) const {
  ProcessResult r = run_process(go_query_spec({go_path_, "version", "-m", binary}));
  if (!r.succeeded()) {
    throw Error("build", binary,
                "`go version -m` failed (" + r.describe_status() +
                    "): " + go_error_summary(r.captured_stderr + r.captured_stdout),
                "is it a Go binary?");
  }
  return parse_go_build_info(r.captured_stdout, binary);
}

GoBuilder::GoBuilder(GoToolchain toolchain, std::string gocache_dir, GoCacheMode mode)
    : toolchain_(std::move(toolchain)), gocache_dir_(absolute_path(gocache_dir)), mode_(mode) {
  std::error_code ec;
  fs::create_directories(gocache_dir_, ec);
  if (ec)
    throw Error("build", gocache_dir_, "cannot create the build cache directory: " + ec.message());
}

GoBuildResult GoBuilder::build(const GoBuildRequest& request) const {
  GoBuildResult result;
  result.cache_mode = mode_;
  result.log_path = request.log_path;
  result.output = absolute_path(request.output);
  std::error_code ec;
  if (!fs::is_directory(request.module_dir, ec)) {
    throw Error("build", request.module_dir, "the module directory does not exist",
                "check the scenario's target directory");
  }
  result.pgo_requested = request.pgo == "off" ? "off" : absolute_path(request.pgo);
  if (result.pgo_requested != "off" && !fs::is_regular_file(result.pgo_requested, ec)) {
    throw Error("build", result.pgo_requested, "the PGO profile does not exist",
                "merge the iteration's profiles before building");
  }
  fs::create_directories(fs::path(result.output).parent_path(), ec);

  std::string cache = gocache_dir_;
  std::unique_ptr<ScopedDirectory> fresh;
  if (mode_ == GoCacheMode::kFresh) {
    std::string templ = (fs::path(gocache_dir_) / "build-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      throw Error("build", gocache_dir_, "cannot create a fresh build cache");
    }
    cache = templ;
    fresh = std::make_unique<ScopedDirectory>(cache);
  }

  result.argv = {toolchain_.go_path()};
  if (request.kind == GoBuildKind::kTestBinary) {
    result.argv.insert(result.argv.end(), {"test", "-c"});
  } else {
    result.argv.push_back("build");
  }
  // -buildvcs=false: the binary's digest then depends on sources, flags and profile, not
  // on the state of an enclosing git checkout. Later flags from the scenario may override.
  result.argv.insert(result.argv.end(),
                     {"-pgo=" + result.pgo_requested, "-buildvcs=false", "-o", result.output});
  result.argv.insert(result.argv.end(), request.flags.begin(), request.flags.end());
  result.argv.push_back(request.package);

  std::map<std::string, std::string> env = request.env;
  // A go.mod asking for a newer Go must not make the build download another toolchain:
  // the run records and uses exactly this one, unless the scenario says otherwise.
  env.emplace("GOTOOLCHAIN", "local");
  env["GOCACHE"] = cache;  // the builder controls the cache, whatever the scenario says
  // The go command removes its work directory ($WORK, under GOTMPDIR) when it exits, but
  // not when it is killed: a build that times out or an interrupted run would leave one
  // behind per build. Each build gets its own GOTMPDIR (inside the one the scenario or
  // the environment names, if any), removed here whatever happened to the go command.
  const std::string work_parent = [&] {
    auto it = env.find("GOTMPDIR");
    if (it != env.end() && !it->second.empty()) return it->second;
    const char* v = std::getenv("GOTMPDIR");
    return v != nullptr && *v != '\0' ? std::string(v) : fs::temp_directory_path().string();
  }();
  // A relative GOTMPDIR means what it meant to the go command, which runs in the module
  // directory.
  std::string work_templ =
      (fs::path(absolute_path(request.module_dir)) / work_parent / "pgo-go-build-XXXXXX")
          .lexically_normal()
          .string();
  if (::mkdtemp(work_templ.data()) == nullptr) {
    throw Error(
        "build", work_parent,
        "cannot create a temporary directory for the go command: " + describe_path_error(errno),
        "check that GOTMPDIR or TMPDIR names a writable directory");
  }
  ScopedDirectory work_tmp(work_templ);
  env["GOTMPDIR"] = work_templ;

  ProcessSpec spec = logged_process_spec(result.argv, request.module_dir, env, request.log_path);
  spec.timeout = request.timeout;
  ProcessResult r = run_process(spec);
  result.wall_time = r.wall_time;
  result.user_seconds = r.user_seconds;
  result.system_seconds = r.system_seconds;
  if (!r.succeeded()) {
    std::string what = request.kind == GoBuildKind::kTestBinary ? "go test -c" : "go build";
    throw Error("build", request.log_path,
                what + " of " + request.package + " with -pgo=" + result.pgo_requested +
                    " failed (" + r.describe_status() +
                    "): " + go_error_summary(read_text(request.log_path)),
                "the full output is in the log");
  }
  if (!fs::is_regular_file(result.output, ec)) {
    // go test -c writes nothing for a package without test files.
    throw Error("build", result.output, "the go command succeeded but wrote no binary",
                request.kind == GoBuildKind::kTestBinary ? "does the package have _test.go files?"
                                                         : "is the package a main package?");
  }
  result.binary_size = static_cast<std::int64_t>(fs::file_size(result.output));
  result.sha256 = sha256_file_hex(result.output);
  result.build_info = toolchain_.read_build_info(result.output);
  result.pgo_recorded = result.build_info.pgo();
  if (request.kind == GoBuildKind::kTestBinary && result.pgo_requested != "off" &&
      result.build_info.settings.count("-pgo") == 0) {
    // The go command writes a test binary's build info afresh for the generated test main
    // package unless the package under test is itself a main package, and that fresh info
    // never carries -pgo (cmd/go/internal/load/test.go), although the packages were
    // compiled with the profile. Nothing to read back: record "" (not recorded) rather
    // than a false "off" or a false mismatch.
    result.pgo_recorded.clear();
    return result;
  }
  bool same = result.pgo_recorded == result.pgo_requested;
  if (!same && result.pgo_requested != "off" && result.pgo_recorded != "off") {
    // The go command may record the path after resolving symbolic links.
    same = fs::weakly_canonical(result.pgo_recorded, ec) ==
           fs::weakly_canonical(result.pgo_requested, ec);
  }
  if (!same) {
    throw Error("build", result.output,
                "asked for -pgo=" + result.pgo_requested +
                    " but the binary records -pgo=" + result.pgo_recorded,
                "do the scenario's build flags or GOFLAGS set -pgo? remove it there");
  }
  return result;
}

namespace {

// The value of the last -mod flag in `args` ("-mod=X", "--mod=X", or "-mod X"); "" if none.
std::string last_mod_flag(const std::vector<std::string>& args) {
  std::string mode;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i];
    if (a.rfind("--", 0) == 0) a.erase(0, 1);
    if (a.rfind("-mod=", 0) == 0) {
      mode = a.substr(5);
    } else if (a == "-mod" && i + 1 < args.size()) {
      mode = args[++i];
    }
  }
  return mode;
}

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// go.mod's `go` directive as {major, minor}; {0, 0} when absent (the go command then
// assumes an old version, without vendor by default).
std::pair<int, int> go_directive(const fs::path& go_mod) {
  std::ifstream in(go_mod);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string keyword, version;
    if (words >> keyword && keyword == "go" && words >> version) {
      int major = 0, minor = 0;
      char dot = 0;
      std::istringstream v(version);
      if (v >> major >> dot >> minor && dot == '.') return {major, minor};
      return {major, 0};
    }
  }
  return {0, 0};
}

}  // namespace

GoModuleMode go_module_mode(const std::string& module_dir,
                            const std::vector<std::string>& build_flags, const std::string& goflags,
                            const std::string& gowork) {
  GoModuleMode m;
  if (std::string flag = last_mod_flag(build_flags); !flag.empty()) {
    m.vendor = flag == "vendor";
    m.reason = "-mod=" + flag + " in the build flags";
    return m;
  }
  if (std::string flag = last_mod_flag(split_words(goflags)); !flag.empty()) {
    m.vendor = flag == "vendor";
    m.reason = "-mod=" + flag + " in GOFLAGS";
    return m;
  }
  std::error_code ec;
  fs::path work;
  if (gowork == "off") {
    // Workspace mode disabled: the module's own rule below.
  } else if (!gowork.empty()) {
    work = gowork;
  } else {
    for (fs::path dir = fs::absolute(module_dir, ec); !dir.empty(); dir = dir.parent_path()) {
      if (fs::is_regular_file(dir / "go.work", ec)) {
        work = dir / "go.work";
        break;
      }
      if (dir == dir.parent_path()) break;
    }
  }
  if (!work.empty()) {
    m.vendor = fs::is_regular_file(work.parent_path() / "vendor" / "modules.txt", ec);
    m.reason = "workspace " + work.string() +
               (m.vendor ? " with vendor/modules.txt" : " without a vendor directory");
    return m;
  }
  auto [major, minor] = go_directive(fs::path(module_dir) / "go.mod");
  bool has_vendor = fs::is_regular_file(fs::path(module_dir) / "vendor" / "modules.txt", ec);
  bool new_enough = major > 1 || (major == 1 && minor >= 14);
  m.vendor = has_vendor && new_enough;
  if (!has_vendor) {
    m.reason = "no vendor/modules.txt";
  } else {
    m.reason = "vendor/modules.txt and go " + std::to_string(major) + "." + std::to_string(minor) +
               " in go.mod" + (new_enough ? "" : " (vendor is the default from go 1.14)");
  }
  return m;
}

bool GoBuilder::download_modules(const std::string& module_dir,
                                 const std::map<std::string, std::string>& env_in,
                                 const std::string& log_path,
                                 const std::vector<std::string>& build_flags) const {
  auto from_env = [&](const char* key) {
    auto it = env_in.find(key);
    if (it != env_in.end()) return it->second;
    if (const char* v = std::getenv(key)) return std::string(v);
    return toolchain_.env(key);
  };
  GoModuleMode mode =
      go_module_mode(module_dir, build_flags, from_env("GOFLAGS"), from_env("GOWORK"));
  if (mode.vendor) {
    std::error_code ec;
    fs::create_directories(fs::path(log_path).parent_path(), ec);
    std::ofstream(log_path) << "go mod download skipped in " << module_dir
                            << ": the builds use the vendor directory (" << mode.reason << ")\n";
    return false;
  }
  std::map<std::string, std::string> env = env_in;
  env.emplace("GOTOOLCHAIN", "local");
  ProcessSpec spec =
      logged_process_spec({toolchain_.go_path(), "mod", "download"}, module_dir, env, log_path);
  spec.timeout = std::chrono::minutes(10);
  ProcessResult r = run_process(spec);
  if (!r.succeeded()) {
    throw Error("build", log_path,
                "go mod download in " + module_dir + " failed (" + r.describe_status() +
                    "): " + go_error_summary(read_text(log_path)),
                "check the network and GOPROXY (" + toolchain_.env("GOPROXY") +
                    "), or vendor the dependencies (go mod vendor)");
  }
  return true;
}

std::string go_error_summary(const std::string& output, int max_lines) {
  std::vector<std::string> lines, errors;
  std::stringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '$') continue;  // our header, go's "# pkg"
    lines.push_back(line);
    if (is_compiler_error(line) || line.rfind("go: ", 0) == 0) errors.push_back(line);
  }
  const std::vector<std::string>& pick = errors.empty() ? lines : errors;
  std::size_t begin = errors.empty() && static_cast<int>(pick.size()) > max_lines
                          ? pick.size() - static_cast<std::size_t>(max_lines)
                          : 0;
  std::string out;
  for (std::size_t i = begin; i < pick.size() && static_cast<int>(i - begin) < max_lines; ++i) {
    out += (out.empty() ? "" : "; ") + pick[i];
  }
  return out.empty() ? "no output" : out;
}

}  // namespace pgo::harness

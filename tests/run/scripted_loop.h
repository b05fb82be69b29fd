// Scripted collaborators of PgoLoop (run/pgo_loop.h) for unit tests: no Go, no processes.
//
//   LoopScript script;                       // shared by the three, outlives the loop
//   script.fail_at = "build v1";             // that step throws script.failure instead
//   PgoLoop loop(scenario, options, dir, observer, "test", scripted_collaborators(script));
//   loop.run();
//   script.events;                           // {"go version", "download", "build v0", ...}
//
// Builds write a small file whose bytes depend on the profile they were given (so equal
// profiles give byte-identical binaries, as go build does); profiled runs write real pprof
// CPU profiles (one hot call edge per workload); trial runs measure v0 at 1.0 and every
// PGO build 10% faster, with a small deterministic jitter.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "merge/profile_writer.h"
#include "run/pgo_loop.h"
#include "tests/support/profile_builder.h"

namespace pgo::harness::testing {

struct LoopScript {
  // What the collaborators did, in order: "go version", "download", "tool NAME",
  // "build vI", "profile iter-I WORKLOAD", "trial WORKLOAD@vI".
  std::vector<std::string> events;
  // The event that throws `failure` instead of happening (empty: none).
  std::string fail_at;
  Error failure{"test", "", "scripted failure"};
  // Called with every event before it happens (e.g. to request a stop there).
  std::function<void(const std::string&)> on_event;
  // Profiles without samples (the merge then has nothing to merge).
  bool empty_profiles = false;

  void happen(const std::string& event) {
    if (on_event) on_event(event);
    if (event == fail_at) throw failure;
    events.push_back(event);
  }
};

namespace scripted_detail {

namespace fs = std::filesystem;

inline void write_text(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class Builder : public LoopBuilder {
 public:
  explicit Builder(LoopScript& script) : script_(script) {}
  std::string go_version() override {
    script_.happen("go version");
    return "go1.0-scripted";
  }
  std::optional<VcsRevision> source_revision(const std::string&) override { return std::nullopt; }
  void download_modules(const std::string&, const std::map<std::string, std::string>&,
                        const std::string& log_path, const std::vector<std::string>&) override {
    script_.happen("download");
    write_text(log_path, "go: downloading nothing\n");
  }
  GoBuildResult build_tool(const GoBuildRequest& request) override {
    script_.happen("tool " + fs::path(request.output).filename().string());
    return write(request, "tool");
  }
  GoBuildResult build(const GoBuildRequest& request) override {
    script_.happen("build " + fs::path(request.output).parent_path().filename().string());
    return write(request, request.pgo == "off" ? "off" : sha256_file_hex(request.pgo));
  }

 private:
  GoBuildResult write(const GoBuildRequest& request, const std::string& content) {
    write_text(request.output, "scripted binary, pgo " + content + "\n");
    write_text(request.log_path, "");
    GoBuildResult r;
    r.argv = {"go", "build", "-pgo=" + request.pgo, "-o", request.output};
    r.output = request.output;
    r.pgo_requested = request.pgo;
    r.pgo_recorded = request.pgo;
    r.wall_time = std::chrono::milliseconds(5);
    r.binary_size = static_cast<std::int64_t>(fs::file_size(request.output));
    r.sha256 = sha256_file_hex(request.output);
    r.log_path = request.log_path;
    return r;
  }
  LoopScript& script_;
};

class Profiler : public WorkloadProfiler {
 public:
  explicit Profiler(LoopScript& script) : script_(script) {}
  CollectionResult collect(const Workload& workload, const WorkloadContext& context,
                           const std::string&, int instances,
                           const std::string& profile_dir) override {
    script_.happen("profile " + fs::path(profile_dir).filename().string() + " " + workload.name);
    CollectionResult result;
    for (int k = 1; k <= instances; ++k) {
      merge::testing::ProfileBuilder b;
      const auto caller = b.function("main." + workload.name, "main.go", 10);
      const auto callee = b.function("main.hot_" + workload.name, "hot.go", 20);
      const auto leaf = b.location(0x1000, {{callee, 21}});
      const auto site = b.location(0x2000, {{caller, 12}});
      if (!script_.empty_profiles) b.sample({leaf, site}, {10 * k, 100'000'000LL * k});
      CollectedProfile p;
      p.workload = workload.name;
      p.instance = k;
      p.path = profile_dir + "/" + workload.name + "-" + std::to_string(k) + ".pprof";
      p.log_path = context.log_dir + "/" + workload.name + "-" + std::to_string(k) + ".log";
      fs::create_directories(profile_dir);
      merge::write_profile_file(b.build(), p.path);
      write_text(p.log_path, "");
      p.samples = script_.empty_profiles ? 0 : 1;
      p.duration_nanos = 1'000'000'000;
      result.profiles.push_back(p);
    }
    return result;
  }

 private:
  LoopScript& script_;
};

class Measurer : public WorkloadMeasurer {
 public:
  Measurer(LoopScript& script, const Workload& workload) : script_(script), workload_(workload) {}
  WorkloadMeasurement run(const std::string&, const std::string& label) override {
    script_.happen("trial " + workload_.name + "@" + label);
    WorkloadMeasurement m;
    const double jitter = 1e-4 * static_cast<double>(runs_++ % 5);
    m.value = (label == "v0" ? 1.0 : 0.9) + jitter;
    m.wall_seconds = m.value;
    m.cpu_seconds = m.value;
    m.elapsed_seconds = 1e-6;  // the loop's child time; tiny so the run ends quickly
    m.peak_rss_bytes = 1 << 20;
    return m;
  }
  const Workload& workload() const override { return workload_; }
  std::vector<std::string> display_argv(const std::string& binary) const override {
    return {binary};
  }

 private:
  LoopScript& script_;
  const Workload& workload_;
  int runs_ = 0;
};

class Runners : public WorkloadRunners {
 public:
  explicit Runners(LoopScript& script) : script_(script) {}
  std::unique_ptr<WorkloadMeasurer> runner(const Workload& workload, WorkloadContext) override {
    return std::make_unique<Measurer>(script_, workload);
  }

 private:
  LoopScript& script_;
};

}  // namespace scripted_detail

// REQUIRES: script outlives the collaborators.
inline LoopCollaborators scripted_collaborators(LoopScript& script) {
  LoopCollaborators c;
  c.builder = std::make_unique<scripted_detail::Builder>(script);
  c.profiler = std::make_unique<scripted_detail::Profiler>(script);
  c.runners = std::make_unique<scripted_detail::Runners>(script);
  return c;
}

}  // namespace pgo::harness::testing

// Risk guarded against: a profile that is missing, empty, corrupt or of the wrong kind
// slipping into the merge (and from there into a PGO build that silently does nothing),
// and a mis-configured workload running at all. No Go needed: profiles are written here.
#include "run/profile_collector.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"
#include "proto/profile.pb.h"

using namespace pgo::harness;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("pgo-collector-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A minimal valid profile with the given sample type and `samples` samples.
void write_profile(const fs::path& path, const std::string& type, const std::string& unit,
                   int samples) {
  perftools::profiles::Profile p;
  for (const char* s : {"", "main.f", "main.go"}) p.add_string_table(s);
  p.add_string_table(type);
  p.add_string_table(unit);
  auto* st = p.add_sample_type();
  st->set_type(3);
  st->set_unit(4);
  auto* f = p.add_function();
  f->set_id(1);
  f->set_name(1);
  f->set_system_name(1);
  f->set_filename(2);
  f->set_start_line(10);
  auto* loc = p.add_location();
  loc->set_id(1);
  auto* line = loc->add_line();
  line->set_function_id(1);
  line->set_line(12);
  for (int i = 0; i < samples; ++i) {
    auto* s = p.add_sample();
    s->add_location_id(1);
    s->add_value(1);
  }
  p.set_duration_nanos(1'000'000'000);
  std::ofstream out(path, std::ios::binary);
  p.SerializeToOstream(&out);
}

CollectedProfile at(const fs::path& path) {
  CollectedProfile p;
  p.path = path.string();
  p.log_path = (path.parent_path() / "log.txt").string();
  return p;
}

}  // namespace

TEST_CASE("collected profile: a good CPU profile passes and is measured", "[profile_collector]") {
  fs::path d = temp_dir("good");
  write_profile(d / "p.pprof", "samples", "count", 3);
  CollectedProfile p = at(d / "p.pprof");
  std::vector<std::string> warnings;
  check_collected_profile(p, "workload 'w' instance 1 of 1", warnings);
  CHECK(p.samples == 3);
  CHECK(p.bytes > 0);
  CHECK(p.duration_nanos == 1'000'000'000);
  CHECK(warnings.empty());
  fs::remove_all(d);
}

TEST_CASE("collected profile: missing or empty or corrupt or wrong-kind profiles fail",
          "[profile_collector]") {
  fs::path d = temp_dir("bad");
  std::ofstream(d / "log.txt") << "$ prog\nprog: started\nprog: oops\n";
  std::vector<std::string> warnings;
  auto problem = [&](const fs::path& file) -> std::string {
    CollectedProfile p = at(file);
    try {
      check_collected_profile(p, "workload 'w' instance 2 of 3", warnings);
    } catch (const pgo::Error& e) {
      CHECK(e.stage() == "collect");
      CHECK(e.file() == file.string());
      return e.problem();
    }
    return "no error";
  };
  std::string missing = problem(d / "missing.pprof");
  CHECK_THAT(missing, Catch::Contains("workload 'w' instance 2 of 3 wrote no profile"));
  CHECK_THAT(missing, Catch::Contains("prog: oops"));  // the tail of the workload's output

  std::ofstream(d / "empty.pprof").close();
  CHECK_THAT(problem(d / "empty.pprof"), Catch::Contains("wrote an empty profile"));

  std::ofstream(d / "text.pprof") << "this is not a profile";
  CHECK_THAT(problem(d / "text.pprof"), Catch::Contains("wrote an invalid profile"));

  write_profile(d / "heap.pprof", "alloc_space", "bytes", 2);
  CHECK_THAT(problem(d / "heap.pprof"), Catch::Contains("no samples/count or cpu/nanoseconds"));
  fs::remove_all(d);
}

TEST_CASE("collected profile: no samples is a warning and not an error", "[profile_collector]") {
  fs::path d = temp_dir("idle");
  write_profile(d / "p.pprof", "cpu", "nanoseconds", 0);
  CollectedProfile p = at(d / "p.pprof");
  std::vector<std::string> warnings;
  check_collected_profile(p, "workload 'w' instance 1 of 1", warnings);
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("no samples"));
  fs::remove_all(d);
}

TEST_CASE("profile collector: bad settings fail before anything runs", "[profile_collector]") {
  fs::path d = temp_dir("settings");
  ProfileCollector collector((d / "profiles").string(), (d / "logs").string());
  FlagCollection flag;
  flag.workload = "render";
  flag.command = {"/bin/true", "{input}"};
  flag.variables.set("input", "x");
  CHECK_THROWS_WITH(collector.collect(flag), Catch::Contains("does not use {profile}"));
  flag.command = {"/bin/true", "{profile}", "{typo}"};
  CHECK_THROWS_WITH(collector.collect(flag), Catch::Contains("unknown placeholder {typo}"));
  flag.command = {"/bin/true", "{profile}"};
  flag.instances = 0;
  CHECK_THROWS_WITH(collector.collect(flag), Catch::Contains("instances must be at least 1"));

  HttpCollection http;
  http.workload = "api";
  http.server_command = {"/bin/server"};
  CHECK_THROWS_WITH(collector.collect(http), Catch::Contains("does not use {port}"));

  GotestCollection gotest;
  gotest.workload = "bench";
  gotest.test_binary = (d / "missing.test").string();
  CHECK_THROWS_WITH(collector.collect(gotest), Catch::Contains("does not exist"));
  CHECK(fs::is_empty(d / "logs"));
  fs::remove_all(d);
}

TEST_CASE("profile collector: gotest command line", "[profile_collector]") {
  GotestCollection w;
  w.workload = "bench";
  w.test_binary = "/b/pkg.test";
  w.bench = "BenchmarkParse{2}";  // regexp braces are not placeholders
  w.benchtime = "200x";
  w.count = 3;
  w.extra_args = {"-test.cpu=1", "-data={input}"};
  w.variables.set("input", "/in/data.json");
  CHECK(ProfileCollector::gotest_argv(w, "/p/bench-1.pprof") ==
        std::vector<std::string>{"/b/pkg.test", "-test.run=^$", "-test.bench=BenchmarkParse{2}",
                                 "-test.cpuprofile=/p/bench-1.pprof", "-test.benchtime=200x",
                                 "-test.count=3", "-test.cpu=1", "-data=/in/data.json"});
  // Timing runs leave the profile out.
  CHECK(ProfileCollector::gotest_argv(w, "").size() == 7);
}

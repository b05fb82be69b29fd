// Risk guarded against: the pipeline (parallel decode and fold on N threads) losing or
// double-counting inputs, output bytes depending on the job count or input order, errors
// depending on thread timing, mishandling the skip-bad policy, the inflate limit or the
// per-input statistics, or normalizing against the wrong total.
#include "merge/merge_job.h"

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "base/error.h"
#include "merge/profile_merger.h"
#include "merge/profile_reader.h"
#include "merge/profile_scaling.h"
#include "merge/profile_writer.h"
#include "tests/support/profile_builder.h"

namespace fs = std::filesystem;
using pgo::merge::testing::ProfileBuilder;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path =
        fs::temp_directory_path() / std::string("pgo-job-test-").append(std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::vector<std::uint8_t>& bytes) const {
    std::ofstream out(path / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    return (path / name).string();
  }
};

// A profile whose single sample has `count` samples of function `name`.
std::vector<std::uint8_t> profile_bytes(const std::string& name, std::int64_t count) {
  ProfileBuilder b;
  auto f = b.function(name, "f.go", 1);
  b.sample({b.location(0x401000, {{f, 2}})}, {count, count * 10});
  return pgo::merge::encode_profile(b.build());
}

std::int64_t total(const perftools::profiles::Profile& p) { return pgo::merge::sample_total(p, 0); }

// Varied inputs for the parallel fold: labels whose keys come in different orders (so
// shards intern them in different orders), several mappings, shared and distinct stacks.
std::vector<std::uint8_t> labelled_profile_bytes(int variant) {
  ProfileBuilder b;
  const auto lib =
      b.mapping(0x7f0000 + 0x1000 * variant, 0x7f8000 + 0x1000 * variant, "/lib/libc.so", "");
  auto f = b.function("main.f", "f.go", 1);
  auto g = b.function("lib.g" + std::to_string(variant % 3), "g.c", 5);
  auto lf = b.location(0x401000, {{f, 2}});
  auto lg = b.location(0x7f0100 + 0x1000 * variant, {{g, 7}, {f, 3}}, lib);
  const std::string k1 = variant % 2 ? "zone" : "alpha";
  const std::string k2 = variant % 2 ? "alpha" : "zone";
  b.sample({lf}, {variant + 1, 10}, {{k1, "x"}, {k2, "y"}, {"bytes", "", variant, "B"}});
  b.sample({lg, lf}, {2, 20}, {{k2, "y"}, {k1, "x"}});
  b.sample({lg}, {variant, 30});
  return pgo::merge::encode_profile(b.build());
}

std::vector<std::uint8_t> merged_bytes(const std::vector<pgo::merge::MergeInput>& inputs,
                                       unsigned jobs) {
  pgo::merge::MergeJobOptions options;
  options.jobs = jobs;
  return pgo::merge::encode_profile(pgo::merge::run_merge_job(inputs, options).profile);
}

}  // namespace

TEST_CASE("the parallel fold gives the same bytes for any job count and input order", "[job]") {
  TempDir dir;
  std::vector<pgo::merge::MergeInput> inputs;
  for (int i = 0; i < 9; ++i) {
    inputs.push_back({dir.write("v" + std::to_string(i), labelled_profile_bytes(i)), 1.0});
  }
  // Real profiles too: a large CPU profile, itself and a weighted copy of it.
  const std::string large = std::string(PGO_SHARED_TESTDATA) + "/pprof/large.cpu.pb.gz";
  inputs.push_back({large, 1.0});
  inputs.push_back({large, 0.5});
  const auto reference = merged_bytes(inputs, 1);
  // The job folds into layers over its first input's merge: the same bytes as one plain
  // merger adding every input.
  pgo::merge::ProfileMerger plain;
  for (const auto& in : inputs)
    plain.add(pgo::merge::read_profile_file(in.path), in.path, in.weight);
  CHECK((pgo::merge::encode_profile(plain.result()) == reference));
  for (unsigned jobs : {2u, 3u, 8u}) {
    CHECK((merged_bytes(inputs, jobs) == reference));  // (no expansion of megabytes)
  }
  std::mt19937 shuffle(7);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(inputs.begin(), inputs.end(), shuffle);
    for (unsigned jobs : {1u, 2u, 3u}) {
      CHECK((merged_bytes(inputs, jobs) == reference));  // (no expansion of megabytes)
    }
  }
}

TEST_CASE("every input is folded once and the first bad input in list order is reported", "[job]") {
  TempDir dir;
  std::vector<pgo::merge::MergeInput> inputs;
  for (int i = 0; i < 23; ++i) {
    const bool bad = i == 7 || i == 15;
    inputs.push_back({bad ? dir.write("bad" + std::to_string(i), {1, 2, 3})
                          : dir.write("p" + std::to_string(i), profile_bytes("f", i + 1)),
                      1.0});
  }
  for (unsigned jobs : {1u, 2u, 4u}) {
    pgo::merge::MergeJobOptions strict;
    strict.jobs = jobs;
    CHECK_THROWS_WITH(pgo::merge::run_merge_job(inputs, strict), Catch::Contains("bad7"));
    pgo::merge::MergeJobOptions lenient = strict;
    lenient.skip_bad = true;
    const auto out = pgo::merge::run_merge_job(inputs, lenient);
    CHECK(out.merged_inputs == 21);
    REQUIRE(out.skipped.size() == 2);
    CHECK(out.skipped[0].path == inputs[7].path);
    CHECK(out.skipped[1].path == inputs[15].path);
    CHECK(total(out.profile) == 23 * 24 / 2 - 8 - 16);
  }
}

TEST_CASE("a bad sample fails the job, or is skipped without a trace in the output", "[job]") {
  TempDir dir;
  const auto good = dir.write("good", labelled_profile_bytes(1));
  ProfileBuilder b;
  auto f = b.function("main.f", "f.go", 1);
  b.sample({b.location(0x401000, {{f, 2}})}, {1, 10});
  b.profile().mutable_sample(0)->add_location_id(99);  // dangling, after a valid one
  const auto bad = dir.write("dangling", pgo::merge::encode_profile(b.build()));
  for (unsigned jobs : {1u, 2u}) {
    pgo::merge::MergeJobOptions options;
    options.jobs = jobs;
    CHECK_THROWS_WITH(pgo::merge::run_merge_job({{good}, {bad}}, options),
                      Catch::Contains("refers to undefined location 99"));
    options.skip_bad = true;
    const auto out = pgo::merge::run_merge_job({{good}, {bad}, {good}}, options);
    CHECK(out.merged_inputs == 2);
    REQUIRE(out.skipped.size() == 1);
    CHECK_THAT(out.skipped[0].reason, Catch::Contains("undefined location 99"));
    const bool same =
        pgo::merge::encode_profile(out.profile) == merged_bytes({{good, 1.0}, {good, 1.0}}, jobs);
    CHECK(same);
  }
}

TEST_CASE("the merge job computes per-input statistics while it decodes", "[job]") {
  TempDir dir;
  const auto a = dir.write("a", profile_bytes("f", 10));
  const auto bad = dir.write("bad", {1, 2, 3});
  const auto b = dir.write("b", profile_bytes("g", 5));
  pgo::merge::MergeJobOptions options;
  options.skip_bad = true;
  options.input_stats_top_n = 3;
  for (unsigned jobs : {1u, 2u}) {
    options.jobs = jobs;
    const auto out = pgo::merge::run_merge_job({{a}, {bad}, {b}}, options);
    REQUIRE(out.input_stats.size() == 2);  // merged inputs only, in list order
    CHECK(out.input_stats[0].name == a);
    CHECK(out.input_stats[0].total_pgo_weight == 10);
    CHECK(out.input_stats[1].name == b);
    CHECK(out.input_stats[1].total_pgo_weight == 5);
    CHECK(out.input_stats[1].encoded_bytes == fs::file_size(b));
  }
}

TEST_CASE("an input larger than the inflate limit is refused, or skipped", "[job]") {
  TempDir dir;
  const auto small = dir.write("small", profile_bytes("f", 1));
  ProfileBuilder big;
  auto f = big.function(std::string(4096, 'x'), "f.go", 1);
  big.sample({big.location(0x401000, {{f, 2}})}, {1, 10});
  const auto large = dir.write("large", pgo::merge::encode_profile(big.build()));
  pgo::merge::MergeJobOptions options;
  options.max_input_bytes = 1024;
  CHECK_THROWS_WITH(pgo::merge::run_merge_job({{small}, {large}}, options),
                    Catch::Contains("inflates to more than 1024 bytes"));
  options.skip_bad = true;
  CHECK(pgo::merge::run_merge_job({{small}, {large}}, options).merged_inputs == 1);
  options.max_input_bytes = 1 << 20;
  options.skip_bad = false;
  CHECK(pgo::merge::run_merge_job({{small}, {large}}, options).merged_inputs == 2);
}

TEST_CASE("a merge job folds all inputs with their weights", "[job]") {
  TempDir dir;
  const auto a = dir.write("a", profile_bytes("f", 10));
  const auto b = dir.write("b", profile_bytes("f", 5));
  pgo::merge::MergeJobOptions options;
  const auto out = pgo::merge::run_merge_job({{a, 1.0}, {b, 2.0}}, options);
  CHECK(out.merged_inputs == 2);
  CHECK(out.skipped.empty());
  CHECK(total(out.profile) == 20);
}

TEST_CASE("bad inputs fail the job unless skip_bad, which reports them", "[job]") {
  TempDir dir;
  const auto good = dir.write("good", profile_bytes("f", 3));
  const auto bad = dir.write("bad", {0x1f, 0x8b, 0x08, 0x00});
  ProfileBuilder heap(std::vector<std::pair<std::string, std::string>>{{"alloc_space", "bytes"}});
  auto f = heap.function("f", "f.go", 1);
  heap.sample({heap.location(0x401000, {{f, 2}})}, {100});
  const auto incompatible = dir.write("heap", pgo::merge::encode_profile(heap.build()));

  pgo::merge::MergeJobOptions strict;
  CHECK_THROWS_WITH(pgo::merge::run_merge_job({{good}, {bad}}, strict), Catch::Contains("bad"));
  CHECK_THROWS_WITH(pgo::merge::run_merge_job({{good}, {incompatible}}, strict),
                    Catch::Contains("incompatible sample types"));
  // The skip policy knows an incompatible input by the error's kind, not its words.
  try {
    pgo::merge::run_merge_job({{good}, {incompatible}}, strict);
  } catch (const pgo::Error& e) {
    CHECK(e.kind() == pgo::ErrorKind::kIncompatibleProfiles);
  }
  try {
    pgo::merge::run_merge_job({{good}, {bad}}, strict);
  } catch (const pgo::Error& e) {
    CHECK(e.kind() == pgo::ErrorKind::kGeneric);
  }

  pgo::merge::MergeJobOptions lenient;
  lenient.skip_bad = true;
  const auto out = pgo::merge::run_merge_job({{bad}, {good}, {incompatible}}, lenient);
  CHECK(out.merged_inputs == 1);
  REQUIRE(out.skipped.size() == 2);
  CHECK(out.skipped[0].path == bad);
  CHECK_THAT(out.skipped[0].reason, Catch::Contains("truncated gzip"));
  CHECK(out.skipped[1].path == incompatible);
  CHECK(total(out.profile) == 3);

  const auto none = pgo::merge::run_merge_job({{bad}}, lenient);
  CHECK(none.merged_inputs == 0);
  CHECK(none.skipped.size() == 1);
  CHECK_THROWS_AS(pgo::merge::run_merge_job({}, strict), pgo::Error);
}

TEST_CASE("normalize scales every input to the largest total, then applies weights", "[job]") {
  TempDir dir;
  const auto small = dir.write("small", profile_bytes("f", 10));
  const auto large = dir.write("large", profile_bytes("g", 40));
  pgo::merge::MergeJobOptions options;
  options.normalize = true;
  auto out = pgo::merge::run_merge_job({{small}, {large}}, options);
  CHECK(total(out.profile) == 80);  // 10 -> 40, 40 -> 40
  for (const auto& s : out.profile.sample()) CHECK(s.value(0) == 40);
  // cpu/nanoseconds is scaled by the same factor: counts and time stay consistent.
  for (const auto& s : out.profile.sample()) CHECK(s.value(1) == 400);
  CHECK(out.factors == std::vector<double>{4.0, 1.0});
  out = pgo::merge::run_merge_job({{small, 0.5}, {large}}, options);
  CHECK(total(out.profile) == 60);
  CHECK(out.factors == std::vector<double>{2.0, 1.0});
  options.normalize = false;
  CHECK(pgo::merge::run_merge_job({{small, 0.5}, {large, 3}}, options).factors ==
        std::vector<double>{0.5, 3.0});
  options.normalize = true;
  // A profile without a PGO sample type cannot be normalized.
  ProfileBuilder heap(std::vector<std::pair<std::string, std::string>>{{"alloc_space", "bytes"}});
  auto f = heap.function("f", "f.go", 1);
  heap.sample({heap.location(0x401000, {{f, 2}})}, {100});
  const auto h = dir.write("heap", pgo::merge::encode_profile(heap.build()));
  CHECK_THROWS_WITH(pgo::merge::run_merge_job({{h}}, options),
                    Catch::Contains("no samples/count or cpu/nanoseconds"));
}

TEST_CASE("a merge go build -pgo cannot use fails, naming the inputs and the reason", "[job]") {
  TempDir dir;
  auto heap_bytes = [](std::int64_t value) {
    ProfileBuilder heap(std::vector<std::pair<std::string, std::string>>{{"alloc_objects", "count"},
                                                                         {"alloc_space", "bytes"}});
    auto f = heap.function("main.alloc", "main.go", 3);
    heap.sample({heap.location(0x401000, {{f, 5}})}, {value, value * 64});
    return pgo::merge::encode_profile(heap.build());
  };
  const auto h1 = dir.write("heap1", heap_bytes(3));
  const auto h2 = dir.write("heap2", heap_bytes(4));
  pgo::merge::MergeJobOptions options;
  try {
    (void)pgo::merge::run_merge_job({{h1}, {h2}}, options);
    FAIL("a heap-profile merge was accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "pgo");
    CHECK(e.file() == h1 + " (and 1 more input)");
    CHECK_THAT(e.problem(), Catch::Contains("go build -pgo cannot use this merge") &&
                                Catch::Contains("samples/count") &&
                                Catch::Contains("alloc_objects/count, alloc_space/bytes"));
    CHECK_THAT(e.hint(), Catch::Contains("--allow-non-pgo"));
  }
  // A deliberate non-PGO merge.
  options.require_pgo_usable = false;
  const auto out = pgo::merge::run_merge_job({{h1}, {h2}}, options);
  CHECK(out.merged_inputs == 2);
  CHECK(total(out.profile) == 7);
}

TEST_CASE("a CPU merge without any function start line fails like go build -pgo", "[job]") {
  TempDir dir;
  ProfileBuilder b;
  auto caller = b.function("main.main", "main.go", 0);  // start_line 0: Go < 1.20
  auto callee = b.function("main.work", "main.go", 0);
  b.sample({b.location(0x401000, {{callee, 7}}), b.location(0x402000, {{caller, 12}})}, {5, 50});
  const auto old = dir.write("old.pprof", pgo::merge::encode_profile(b.build()));
  pgo::merge::MergeJobOptions options;
  CHECK_THROWS_WITH(pgo::merge::run_merge_job({{old}}, options),
                    Catch::Contains(old + ": pgo:") && Catch::Contains("start_line"));
  // One input with start lines makes the merge usable, as it does for Go.
  const auto good = dir.write("good.pprof", profile_bytes("main.work", 2));
  CHECK(pgo::merge::run_merge_job({{old}, {good}}, options).merged_inputs == 2);
}

TEST_CASE("profiles Go accepts pass the PGO check: CPU, and no samples at all", "[job]") {
  TempDir dir;
  const auto cpu = dir.write("cpu", profile_bytes("f", 3));
  ProfileBuilder empty_heap(
      std::vector<std::pair<std::string, std::string>>{{"inuse_space", "bytes"}});
  const auto empty = dir.write("empty-heap", pgo::merge::encode_profile(empty_heap.build()));
  pgo::merge::MergeJobOptions options;
  CHECK(pgo::merge::run_merge_job({{cpu}}, options).merged_inputs == 1);
  // Go treats a profile without samples as empty, whatever its sample types.
  CHECK(pgo::merge::run_merge_job({{empty}}, options).merged_inputs == 1);
}

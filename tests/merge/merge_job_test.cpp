// Risk guarded against: the pipeline (parallel decoding ahead of a sequential fold)
// losing, reordering or double-counting inputs, hanging or leaking when it stops early,
// mishandling the skip-bad policy, or normalizing against the wrong total.
#include "merge/merge_job.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "merge/error.h"
#include "merge/parallel_decoder.h"
#include "merge/profile_scaling.h"
#include "merge/profile_writer.h"
#include "tests/merge/profile_builder.h"

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

}  // namespace

TEST_CASE("the parallel decoder yields every input once, in order, errors in place", "[job]") {
  TempDir dir;
  std::vector<std::string> paths;
  for (int i = 0; i < 23; ++i) {
    paths.push_back(
        i == 7 ? dir.write("bad", {1, 2, 3})
               : dir.write(std::string("p").append(std::to_string(i)), profile_bytes("f", i + 1)));
  }
  for (unsigned threads : {1u, 2u, 4u}) {
    pgo::merge::ParallelDecoder decoder(paths, threads, threads + 1);
    std::size_t expected = 0;
    while (auto item = decoder.next()) {
      REQUIRE(item->index == expected);
      CHECK(item->path == paths[expected]);
      if (expected == 7) {
        CHECK(item->error);
        CHECK(item->profile == nullptr);
      } else {
        REQUIRE(item->profile != nullptr);
        CHECK(item->profile->sample(0).value(0) == static_cast<std::int64_t>(expected + 1));
      }
      ++expected;
    }
    CHECK(expected == paths.size());
  }
  // Stopping early joins the workers without hanging.
  pgo::merge::ParallelDecoder early(paths, 2, 2);
  CHECK(early.next().has_value());
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
  out = pgo::merge::run_merge_job({{small, 0.5}, {large}}, options);
  CHECK(total(out.profile) == 60);
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

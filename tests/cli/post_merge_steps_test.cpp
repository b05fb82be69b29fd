// Runs the built pgo-merge with --trim / --stats / --stats-json / --top and the inspect
// form. Guards against the options not being wired into the merge command, against a
// trimmed output that does not match the reported size or loses edges, and against the
// documented exit codes drifting.

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "merge/profile_writer.h"
#include "tests/merge/pgo_corner_profiles.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;

namespace {

const std::string kMerge = std::string(PGO_BIN_DIR) + "/pgo-merge";

}  // namespace

TEST_CASE("pgo-merge --trim --stats-json: trimmed output, same edges, sizes reported") {
  pgo::testing::TempDir dir("pgo_post_merge");
  const auto a = (dir.dir / "a.pb.gz").string();
  const auto b = (dir.dir / "b.pb.gz").string();
  pgo::merge::write_profile_file(pgo::merge::testing::ties_profile(), a);
  pgo::merge::write_profile_file(pgo::merge::testing::inline_frames_profile(), b);
  const auto plain = (dir.dir / "plain.pgo").string();
  const auto trimmed = (dir.dir / "trimmed.pgo").string();
  const auto json = (dir.dir / "stats.json").string();
  REQUIRE(pgo::testing::run_shell(kMerge + " -q -o " + plain + " " + a + " " + b).status == 0);
  const auto r = pgo::testing::run_shell(kMerge + " --trim --stats --top 2 --stats-json " + json +
                                         " -o " + trimmed + " " + a + " " + b + " 2>&1");
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("== output " + trimmed));
  CHECK_THAT(r.out, Catch::Contains("== trim: "));

  const auto view = [](const std::string& f) {
    return pgo::merge::PgoView::from_profile(pgo::merge::read_profile_file(f), f)
        .to_preprofile_text();
  };
  CHECK(view(trimmed) == view(plain));

  const auto j = nlohmann::json::parse(pgo::testing::run_shell("cat " + json).out);
  CHECK(j["schema"] == "pgo-merge-stats/1");
  REQUIRE(j["inputs"].size() == 2);
  CHECK(j["inputs"][0]["name"] == a);
  CHECK(j["inputs"][0]["call_edges"] == 4);
  CHECK(j["inputs"][0]["top_hot_edges"].size() == 2);
  CHECK(j["output"]["call_edges"] == 6);  // 4 + 2, no edge in common
  CHECK(j["output"]["bytes"] == fs::file_size(trimmed));
  CHECK(j["trim"]["bytes_after"] == fs::file_size(trimmed));
  CHECK(j["trim"]["bytes_before"] == fs::file_size(plain));
}

TEST_CASE("pgo-merge inspect prints stats without merging, bad input and usage exit codes") {
  pgo::testing::TempDir dir("pgo_post_merge");
  const auto a = (dir.dir / "a.pb.gz").string();
  pgo::merge::write_profile_file(pgo::merge::testing::simple_chain_profile(), a);
  const auto text = pgo::testing::run_shell(kMerge + " inspect " + a);
  CHECK(text.status == 0);
  CHECK_THAT(text.out, Catch::Contains("call edges         2 (total weight 8)"));
  const auto json = pgo::testing::run_shell(kMerge + " inspect --json --top 1 " + a);
  REQUIRE(json.status == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["inputs"][0]["hot_edges"] == 2);
  CHECK(j["inputs"][0]["top_hot_edges"].size() == 1);
  CHECK(j["output"].is_null());

  CHECK(pgo::testing::run_shell(kMerge + " inspect " + (dir.dir / "missing.pprof").string() +
                                " 2>/dev/null")
            .status == 1);
  CHECK(pgo::testing::run_shell(kMerge + " inspect 2>/dev/null").status == 2);
  // The JSON cannot share standard output with the profile.
  CHECK(pgo::testing::run_shell(kMerge + " --stats-json - " + a + " >/dev/null 2>&1").status == 2);
  CHECK(pgo::testing::run_shell(kMerge + " --top x -o " + (dir.dir / "o.pgo").string() + " " + a +
                                " 2>/dev/null")
            .status == 2);
}

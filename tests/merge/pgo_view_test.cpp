// Guards against the PGO view drifting from the Go compiler's edge graph: wrong leaf
// locations, lost inline frames, wrong call-site offsets, self edges counted, edges not
// summed by name, a different tie order, an off-by-one at the 99% hot threshold, and
// accepting profiles Go rejects (or rejecting ones it accepts). Expected values are
// computed by hand in pgo_corner_profiles.h; pgo_view_preprofile_test checks the same
// profiles against `go tool preprofile`.
#include "merge/pgo_view.h"

#include <catch2/catch.hpp>

#include "base/error.h"
#include "tests/merge/pgo_corner_profiles.h"

using pgo::merge::CallEdge;
using pgo::merge::overlap;
using pgo::merge::PgoView;
namespace t = pgo::merge::testing;

namespace {

std::vector<CallEdge> hot(const PgoView& v) { return {v.hot_edges().begin(), v.hot_edges().end()}; }

}  // namespace

TEST_CASE("only the two leaf locations make edges, weights from samples/count") {
  const auto v = PgoView::from_profile(t::simple_chain_profile(), "simple");
  const std::vector<CallEdge> want{{"main.main", "main.foo", 5, 5}, {"main.foo", "main.bar", 2, 3}};
  CHECK(v.edges() == want);
  CHECK(v.total_weight() == 8);
  CHECK(hot(v) == want);  // 62.5% then 100% > 99%
  CHECK(v.hot_callee_count() == 2);
  CHECK(v.to_preprofile_text() ==
        "GO PREPROFILE V1\nmain.main\nmain.foo\n5 5\nmain.foo\nmain.bar\n2 3\n");
}

TEST_CASE("inline frames inside a location are caller->callee edges") {
  const auto v = PgoView::from_profile(t::inline_frames_profile(), "inline");
  const std::vector<CallEdge> want{{"main.outer", "main.inl", 5, 14},
                                   {"main.inl", "main.leaf", 2, 10}};
  CHECK(v.edges() == want);
  CHECK(v.total_weight() == 24);
}

TEST_CASE("recursion: distinct frames of one function make a self edge, one frame does not") {
  const auto v = PgoView::from_profile(t::recursion_profile(), "recursion");
  const std::vector<CallEdge> want{{"main.f", "main.g", 2, 6}, {"main.f", "main.f", 4, 2}};
  CHECK(v.edges() == want);
  CHECK(v.total_weight() == 8);
}

TEST_CASE("edges are summed by name across addresses and ties sort by caller, callee, offset") {
  const auto v = PgoView::from_profile(t::ties_profile(), "ties");
  const std::vector<CallEdge> want{{"a.a", "main.x", 1, 8},
                                   {"main.main", "main.x", 5, 8},
                                   {"main.main", "main.y", 5, 8},
                                   {"main.main", "main.y", 6, 8}};
  CHECK(v.edges() == want);
  CHECK(v.total_weight() == 32);
  CHECK(v.hot_edges().size() == 4);
  CHECK(v.hot_callee_count() == 2);
}

TEST_CASE("hot edges: the prefix whose cumulative share first exceeds 99%") {
  SECTION("99.5% after two edges: two hot edges, threshold 9.5%") {
    const auto v = PgoView::from_profile(t::threshold_profile(95, 5), "t");
    REQUIRE(v.edges().size() == 3);
    CHECK(v.hot_edges().size() == 2);
    CHECK(v.hot_threshold_percent() == Approx(9.5));
    CHECK(v.hot_callee_count() == 2);
  }
  SECTION("exactly 99% after two edges is not above 99%: all three are hot") {
    const auto v = PgoView::from_profile(t::threshold_profile(90, 10), "t");
    CHECK(v.hot_edges().size() == 3);
    CHECK(v.hot_threshold_percent() == Approx(1.0));
  }
  SECTION("a lower threshold keeps only the edge that crosses it") {
    const auto v = PgoView::from_profile(t::threshold_profile(95, 5), "t", 50.0);
    CHECK(hot(v) == std::vector<CallEdge>{{"main.main", "main.p", 1, 900}});
  }
}

TEST_CASE("the compiler's sample type is the first samples/count or cpu/nanoseconds") {
  const auto v = PgoView::from_profile(t::sample_type_choice_profile(), "choice");
  CHECK(v.edges() == std::vector<CallEdge>{{"main.main", "main.callee", 2, 7}});
}

TEST_CASE("frames without a function are nodes with an empty name") {
  const auto v = PgoView::from_profile(t::unsymbolized_profile(), "bare");
  CHECK(v.edges() == std::vector<CallEdge>{{"main.main", "", 2, 3}, {"", "main.foo", 0, 2}});
}

TEST_CASE("negative weights: an edge whose weights cancel is kept with weight 0") {
  const auto v = PgoView::from_profile(t::negative_profile(), "diff");
  CHECK(v.edges() ==
        std::vector<CallEdge>{{"main.main", "main.bar", 2, 4}, {"main.main", "main.foo", 2, 0}});
  CHECK(v.total_weight() == 4);
}

TEST_CASE("profiles Go accepts without information give an empty view") {
  for (const auto& p : {t::no_samples_profile(), t::no_edges_profile()}) {
    const auto v = PgoView::from_profile(p, "empty");
    CHECK(v.edges().empty());
    CHECK(v.hot_edges().empty());
    CHECK(v.total_weight() == 0);
    CHECK(v.to_preprofile_text() == "GO PREPROFILE V1\n");
  }
}

TEST_CASE("profiles Go rejects throw pgo::Error naming the file") {
  auto message = [](const perftools::profiles::Profile& p) {
    try {
      PgoView::from_profile(p, "bad.pprof");
    } catch (const pgo::Error& e) {
      CHECK(e.stage() == "pgo");
      CHECK(e.file() == "bad.pprof");
      return e.problem();
    }
    return std::string("no error");
  };
  CHECK_THAT(message(t::no_start_line_profile()), Catch::Contains("start_line"));
  // All-zero weights leave no weighted node, so Go's start_line check fails too.
  CHECK_THAT(message(t::zero_weight_profile()), Catch::Contains("start_line"));
  CHECK_THAT(message(t::no_pgo_sample_type_profile()), Catch::Contains("samples/count"));
}

TEST_CASE("overlap: hot coverage, weighted overlap and Jaccard by their formulas") {
  SECTION("a view overlaps itself fully") {
    const auto v = PgoView::from_profile(t::ties_profile(), "a");
    const auto o = overlap(v, v);
    CHECK(o.hot_coverage == 1.0);
    CHECK(o.weighted_overlap == Approx(1.0));
    CHECK(o.hot_jaccard == 1.0);
  }
  SECTION("hand-computed partial overlap") {
    // a: main->p 900, main->q 95, main->r 5 (hot: p, q); b: main->p 900, main->q 90,
    // main->r 10 (all hot). Coverage 2/2, Jaccard 2/3,
    // weighted = min(.9,.9) + min(.095,.09) + min(.005,.01) = 0.995.
    const auto a = PgoView::from_profile(t::threshold_profile(95, 5), "a");
    const auto b = PgoView::from_profile(t::threshold_profile(90, 10), "b");
    const auto ab = overlap(a, b);
    CHECK(ab.hot_coverage == 1.0);
    CHECK(ab.hot_jaccard == Approx(2.0 / 3.0));
    CHECK(ab.weighted_overlap == Approx(0.995));
    const auto ba = overlap(b, a);
    CHECK(ba.hot_coverage == Approx(2.0 / 3.0));
    CHECK(ba.hot_jaccard == Approx(2.0 / 3.0));
    CHECK(ba.weighted_overlap == Approx(0.995));
  }
  SECTION("disjoint views and empty views") {
    const auto a = PgoView::from_profile(t::simple_chain_profile(), "a");
    const auto b = PgoView::from_profile(t::recursion_profile(), "b");
    const auto o = overlap(a, b);
    CHECK(o.hot_coverage == 0.0);
    CHECK(o.weighted_overlap == 0.0);
    CHECK(o.hot_jaccard == 0.0);
    const PgoView empty;
    const auto e = overlap(empty, empty);
    CHECK(e.hot_coverage == 1.0);
    CHECK(e.weighted_overlap == 1.0);
    CHECK(e.hot_jaccard == 1.0);
    CHECK(overlap(a, empty).weighted_overlap == 0.0);
    CHECK(overlap(a, empty).hot_coverage == 0.0);
    CHECK(overlap(empty, a).hot_coverage == 1.0);
  }
}

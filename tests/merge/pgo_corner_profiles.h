// Hand-built profiles covering the corners of the Go compiler's edge extraction. The unit
// tests check each against hand-computed edges; the integration test checks each against
// `go tool preprofile`, so the hand computation itself is verified by the real toolchain.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tests/support/profile_builder.h"

namespace pgo::merge::testing {

// main(start 10) calls foo(start 20) at line 15; foo calls bar(start 30) at line 22.
//   [foo@22, main@15] w=5  -> main->foo offset 5
//   [bar@31, foo@22, main@15] w=3 -> only the two leaves: foo->bar offset 2
//   [main@15] w=7 -> a single location without inline frames: no edge
//   [foo@22, main@15] w=0 -> skipped
// Edges: main->foo 5 (62.5%), foo->bar 3 (cumulative 100%): both hot, total 8.
inline perftools::profiles::Profile simple_chain_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  auto bar = b.function("main.bar", "main.go", 30);
  auto l_main = b.location(0, {{main_fn, 15}});
  auto l_foo = b.location(0, {{foo, 22}});
  auto l_bar = b.location(0, {{bar, 31}});
  b.sample({l_foo, l_main}, {5, 50});
  b.sample({l_bar, l_foo, l_main}, {3, 30});
  b.sample({l_main}, {7, 70});
  b.sample({l_foo, l_main}, {0, 0});
  return b.build();
}

// A location holding inline frames: inl(start 40) inlined at outer(start 50) line 55,
// calling leaf(start 60).
//   [leaf@61, {inl@42, outer@55}] w=10 -> outer->inl offset 5, inl->leaf offset 2
//   [{inl@42, outer@55}] w=4 -> one location, but its inline frames make outer->inl
// Edges: outer->inl 14, inl->leaf 10; total 24.
inline perftools::profiles::Profile inline_frames_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto inl = b.function("main.inl", "main.go", 40);
  auto outer = b.function("main.outer", "main.go", 50);
  auto leaf = b.function("main.leaf", "main.go", 60);
  auto l_inl = b.location(0, {{inl, 42}, {outer, 55}});
  auto l_leaf = b.location(0, {{leaf, 61}});
  b.sample({l_leaf, l_inl}, {10, 100});
  b.sample({l_inl}, {4, 40});
  return b.build();
}

// Recursion: f(start 1) at two addresses (lines 3 and 5), and a location calling itself.
//   [f@3 (A), f@5 (B)] w=2 -> different nodes: f->f offset 4 (caller line 5 - 1)
//   [f@3 (A), f@3 (A)] w=3 -> the same node twice: no edge
//   [g@12 (C), f@3 (A)] w=6 -> f->g offset 2
// Edges: f->g 6, f->f 2; total 8.
inline perftools::profiles::Profile recursion_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto f = b.function("main.f", "main.go", 1);
  auto g = b.function("main.g", "main.go", 10);
  auto a = b.location(0, {{f, 3}});
  auto bb = b.location(0, {{f, 5}});
  auto c = b.location(0, {{g, 12}});
  b.sample({a, bb}, {2, 20});
  b.sample({a, a}, {3, 30});
  b.sample({c, a}, {6, 60});
  return b.build();
}

// One call site at two addresses (two PCs on line 15) sums into one named edge, and ties
// are ordered by caller, callee, offset.
//   [x@21, main@15 (pc1)] w=4, [x@21, main@15 (pc2)] w=4 -> main->x offset 5 weight 8
//   [y@31, main@16] w=8 -> main->y offset 6 weight 8
//   [y@31, main@15 (pc1)] w=8 -> main->y offset 5 weight 8
//   [x@21, a@2] w=8 -> a->x offset 1 weight 8
// Edges (all weight 8): a->x 1, main->x 5, main->y 5, main->y 6; total 32.
inline perftools::profiles::Profile ties_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto x = b.function("main.x", "main.go", 20);
  auto y = b.function("main.y", "main.go", 30);
  auto a = b.function("a.a", "main.go", 1);
  auto pc1 = b.location(0, {{main_fn, 15}});
  auto pc2 = b.location(0, {{main_fn, 15}});
  auto l16 = b.location(0, {{main_fn, 16}});
  auto lx = b.location(0, {{x, 21}});
  auto ly = b.location(0, {{y, 31}});
  auto la = b.location(0, {{a, 2}});
  b.sample({lx, pc1}, {4, 40});
  b.sample({lx, pc2}, {4, 40});
  b.sample({ly, l16}, {8, 80});
  b.sample({ly, pc1}, {8, 80});
  b.sample({lx, la}, {8, 80});
  return b.build();
}

// Edge weights 900, 95, 5 (total 1000): cumulative 90%, 99.5% > 99 -> two hot edges, the
// threshold is 9.5%. With 900, 90, 10 the cumulative share is exactly 99% after two edges,
// which is not > 99, so all three are hot.
inline perftools::profiles::Profile threshold_profile(std::int64_t second, std::int64_t third) {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto p = b.function("main.p", "main.go", 20);
  auto q = b.function("main.q", "main.go", 30);
  auto r = b.function("main.r", "main.go", 40);
  auto l_main = b.location(0, {{main_fn, 11}});
  b.sample({b.location(0, {{p, 21}}), l_main}, {900, 0});
  b.sample({b.location(0, {{q, 31}}), l_main}, {second, 0});
  b.sample({b.location(0, {{r, 41}}), l_main}, {third, 0});
  return b.build();
}

// The compiler reads the first samples/count or cpu/nanoseconds type, here cpu/nanoseconds
// at index 1 (alloc_space comes first and is ignored).
//   [callee@21, main@12] values {1000, 7, 70} -> main->callee offset 2 weight 7
inline perftools::profiles::Profile sample_type_choice_profile() {
  ProfileBuilder b({{"alloc_space", "bytes"}, {"cpu", "nanoseconds"}, {"samples", "count"}},
                   ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto callee = b.function("main.callee", "main.go", 20);
  b.sample({b.location(0, {{callee, 21}}), b.location(0, {{main_fn, 12}})}, {1000, 7, 70});
  return b.build();
}

// Frames without a function (an unsymbolized location, a line with function_id 0) are
// nodes with an empty name and offset 0.
//   [no-lines location, main@12] w=3 -> main->"" offset 2
//   [foo@21, location{line function 0}] w=2 -> ""->foo offset 0
inline perftools::profiles::Profile unsymbolized_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  auto bare = b.location(0, {});
  auto fn0 = b.location(0, {{0, 99}});
  b.sample({bare, b.location(0, {{main_fn, 12}})}, {3, 30});
  b.sample({b.location(0, {{foo, 21}}), fn0}, {2, 20});
  return b.build();
}

// Profiles the Go toolchain accepts as "no information" or rejects. Each is named after
// what it shows.
inline perftools::profiles::Profile no_samples_profile() {
  return ProfileBuilder(ProfileBuilder::Start::kBare).build();
}

inline perftools::profiles::Profile no_start_line_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 0);
  auto foo = b.function("main.foo", "main.go", 0);
  b.sample({b.location(0, {{foo, 21}}), b.location(0, {{main_fn, 12}})}, {1, 10});
  return b.build();
}

inline perftools::profiles::Profile no_pgo_sample_type_profile() {
  ProfileBuilder b(ProfileBuilder::Types{{"alloc_space", "bytes"}}, ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  b.sample({b.location(0, {{foo, 21}}), b.location(0, {{main_fn, 12}})}, {100});
  return b.build();
}

// Samples are present but all have zero weight: no graph node gets any weight, so Go's
// start_line check (which looks only at weighted nodes) fails.
inline perftools::profiles::Profile zero_weight_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  b.sample({b.location(0, {{foo, 21}}), b.location(0, {{main_fn, 12}})}, {0, 0});
  return b.build();
}

// Weighted samples but no edge (single frames only): accepted, nothing to do.
inline perftools::profiles::Profile no_edges_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  b.sample({b.location(0, {{main_fn, 12}})}, {5, 50});
  return b.build();
}

// Negative values (a diff profile): an edge whose weights cancel out stays, with weight 0,
// as long as its caller node keeps some weight.
//   [foo@21, main@12] w=5 and w=-5 -> main->foo offset 2 weight 0
//   [bar@31, main@12] w=4 -> main->bar offset 2 weight 4
inline perftools::profiles::Profile negative_profile() {
  ProfileBuilder b(ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  auto bar = b.function("main.bar", "main.go", 30);
  auto l_main = b.location(0, {{main_fn, 12}});
  auto l_foo = b.location(0, {{foo, 21}});
  b.sample({l_foo, l_main}, {5, 50});
  b.sample({l_foo, l_main}, {-5, -50}, {{"phase", "b"}});
  b.sample({b.location(0, {{bar, 31}}), l_main}, {4, 40});
  return b.build();
}

// Every corner profile, named, for the tests that loop over all of them.
inline std::vector<std::pair<std::string, perftools::profiles::Profile>> corner_profiles() {
  return {{"simple_chain", simple_chain_profile()},
          {"inline_frames", inline_frames_profile()},
          {"recursion", recursion_profile()},
          {"ties", ties_profile()},
          {"threshold_exceeded", threshold_profile(95, 5)},
          {"threshold_exact", threshold_profile(90, 10)},
          {"sample_type_choice", sample_type_choice_profile()},
          {"unsymbolized", unsymbolized_profile()},
          {"no_samples", no_samples_profile()},
          {"no_start_line", no_start_line_profile()},
          {"no_pgo_sample_type", no_pgo_sample_type_profile()},
          {"zero_weight", zero_weight_profile()},
          {"no_edges", no_edges_profile()},
          {"negative", negative_profile()}};
}

}  // namespace pgo::merge::testing

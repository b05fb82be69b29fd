// Guards against --trim changing what the Go compiler sees (a different preprofile graph
// after trimming), against trimmed profiles that no longer validate (dangling IDs, a
// string table without "" first, unused entries left behind), and against losing the
// sample type layout `go build` needs. pgo_view_preprofile_test repeats the equality
// check with `go tool preprofile` on real profiles.
#include "merge/profile_trimmer.h"

#include <catch2/catch.hpp>
#include <set>

#include "base/error.h"
#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "tests/merge/pgo_corner_profiles.h"

using pgo::merge::PgoView;
using pgo::merge::trim_profile;
namespace t = pgo::merge::testing;

namespace {

// The preprofile text, or the error Go would give.
std::string compiler_view(const perftools::profiles::Profile& p) {
  try {
    return PgoView::from_profile(p, "p").to_preprofile_text();
  } catch (const pgo::Error& e) {
    return "error: " + e.problem();
  }
}

std::set<std::string> strings_of(const perftools::profiles::Profile& p) {
  return {p.string_table().begin(), p.string_table().end()};
}

}  // namespace

TEST_CASE("trimming keeps the compiler's view of every corner profile") {
  for (const auto& [name, profile] : t::corner_profiles()) {
    INFO(name);
    const auto trimmed = trim_profile(profile);
    REQUIRE_NOTHROW(pgo::merge::validate_profile(trimmed, name));
    CHECK(compiler_view(trimmed) == compiler_view(profile));
    // Trimming is idempotent: a trimmed profile has nothing left to drop.
    CHECK(trim_profile(trimmed).SerializeAsString() == trimmed.SerializeAsString());
  }
}

TEST_CASE("samples keep their two leaf locations, lose labels and re-merge") {
  t::ProfileBuilder b(t::ProfileBuilder::Start::kBare);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  auto deep_x = b.function("main.deepX", "deep.go", 30);
  auto deep_y = b.function("main.deepY", "deep.go", 40);
  auto m = b.mapping(0x400000, 0x800000, "/bin/unused", "unused-build-id");
  auto l_main = b.location(0, {{main_fn, 15}});
  auto l_foo = b.location(0, {{foo, 22}});
  auto l_x = b.location(0, {{deep_x, 31}}, m);
  auto l_y = b.location(0, {{deep_y, 41}}, m);
  b.sample({l_foo, l_main, l_x}, {1, 10}, {{"worker", "a"}});
  b.sample({l_foo, l_main, l_y}, {2, 20}, {{"worker", "b"}});
  b.sample({l_main}, {4, 40});
  const auto trimmed = trim_profile(b.build());

  REQUIRE(trimmed.sample_size() == 2);
  const auto& merged = trimmed.sample(0);
  CHECK(merged.location_id_size() == 2);
  CHECK(merged.value(0) == 3);
  CHECK(merged.value(1) == 30);
  CHECK(merged.label_size() == 0);
  CHECK(trimmed.sample(1).value(0) == 4);

  // The deeper frames, their functions, their mapping and their strings are gone.
  CHECK(trimmed.location_size() == 2);
  CHECK(trimmed.function_size() == 2);
  CHECK(trimmed.mapping_size() == 0);
  const auto strings = strings_of(trimmed);
  CHECK(strings.count("main.deepX") == 0);
  CHECK(strings.count("deep.go") == 0);
  CHECK(strings.count("/bin/unused") == 0);
  CHECK(strings.count("worker") == 0);
  CHECK(strings.count("main.foo") == 1);
  CHECK(trimmed.string_table(0).empty());
  CHECK(static_cast<std::size_t>(trimmed.string_table_size()) == strings.size());
  // IDs are renumbered from 1.
  CHECK(trimmed.location(0).id() == 1);
  CHECK(trimmed.location(1).id() == 2);
  CHECK(trimmed.function(1).id() == 2);
}

TEST_CASE("trimming keeps only the sample types the compiler may pick, in order") {
  const auto trimmed = trim_profile(t::sample_type_choice_profile());
  REQUIRE(trimmed.sample_type_size() == 2);
  CHECK(trimmed.string_table(trimmed.sample_type(0).type()) == "cpu");
  CHECK(trimmed.string_table(trimmed.sample_type(1).type()) == "samples");
  CHECK(trimmed.sample(0).value_size() == 2);
  CHECK(trimmed.sample(0).value(0) == 7);
  CHECK(strings_of(trimmed).count("alloc_space") == 0);
  // The header survives.
  CHECK(trimmed.period() == 10000000);
  CHECK(trimmed.string_table(trimmed.period_type().type()) == "cpu");
}

TEST_CASE("a profile without a PGO sample type keeps all its sample types") {
  const auto trimmed = trim_profile(t::no_pgo_sample_type_profile());
  REQUIRE(trimmed.sample_type_size() == 1);
  CHECK(trimmed.sample(0).value(0) == 100);
}

TEST_CASE("mappings of kept locations survive with their build IDs") {
  t::ProfileBuilder b(t::ProfileBuilder::Start::kBare);
  auto m1 = b.mapping(0x400000, 0x800000, "/bin/other", "other-id");
  auto m2 = b.mapping(0x400000, 0x800000, "/bin/app", "app-build-id");
  (void)m1;
  auto main_fn = b.function("main.main", "main.go", 10);
  auto foo = b.function("main.foo", "main.go", 20);
  b.sample({b.location(0, {{foo, 21}}, m2), b.location(0, {{main_fn, 11}}, m2)}, {1, 10});
  const auto trimmed = trim_profile(b.build());
  REQUIRE(trimmed.mapping_size() == 1);
  CHECK(trimmed.mapping(0).id() == 1);
  CHECK(trimmed.string_table(trimmed.mapping(0).build_id()) == "app-build-id");
  CHECK(trimmed.location(0).mapping_id() == 1);
}

TEST_CASE("zero samples are kept and negative samples are never merged") {
  // Go rejects a profile whose samples all weigh zero but accepts one without samples.
  const auto zero = trim_profile(t::zero_weight_profile());
  CHECK(zero.sample_size() == 1);
  const auto negative = trim_profile(t::negative_profile());
  CHECK(negative.sample_size() == 3);  // +5 and -5 on the same pair stay apart
}

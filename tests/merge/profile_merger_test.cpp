// Risk guarded against: the merge departing from pprof's profile.Merge (identity of
// functions, mappings, locations and samples; label equality; all-zero samples; header
// rules; incompatible inputs), or its output depending on the order of the inputs (the Go
// build cache keys on profile bytes, so order-dependent bytes cost full rebuilds).
#include "merge/profile_merger.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>

#include "base/error.h"
#include "merge/profile_reader.h"
#include "merge/profile_writer.h"
#include "tests/support/profile_builder.h"

using perftools::profiles::Profile;
using pgo::merge::ProfileMerger;
using pgo::merge::testing::ProfileBuilder;

namespace {

Profile merge(const std::vector<Profile>& inputs, std::vector<double> weights = {}) {
  ProfileMerger m;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    pgo::merge::validate_profile(inputs[i], "in" + std::to_string(i));
    m.add(inputs[i], "in" + std::to_string(i), weights.empty() ? 1.0 : weights[i]);
  }
  auto out = m.result();
  pgo::merge::validate_profile(out, "merged");  // the output is always a valid profile
  return out;
}

const std::string& S(const Profile& p, std::int64_t i) {
  return p.string_table(static_cast<int>(i));
}

// A sample's stack as "fn:line;fn:line" (leaf first, inline frames expanded) and labels.
std::string stack_of(const Profile& p, const perftools::profiles::Sample& s) {
  std::string out;
  for (auto id : s.location_id()) {
    const auto& loc = p.location(static_cast<int>(id - 1));
    REQUIRE(loc.id() == id);
    for (const auto& line : loc.line()) {
      const auto& fn = p.function(static_cast<int>(line.function_id() - 1));
      out += S(p, fn.name()) + ":" + std::to_string(line.line()) + ";";
    }
    out += "|";
  }
  for (const auto& l : s.label()) {
    out += " " + S(p, l.key()) + "=" +
           (l.str() ? S(p, l.str()) : std::to_string(l.num()) + S(p, l.num_unit()));
  }
  return out;
}

// Stack -> values, for checks that do not care about IDs or order.
std::map<std::string, std::vector<std::int64_t>> samples_of(const Profile& p) {
  std::map<std::string, std::vector<std::int64_t>> out;
  for (const auto& s : p.sample()) {
    auto [it, inserted] =
        out.emplace(stack_of(p, s), std::vector<std::int64_t>(s.value().begin(), s.value().end()));
    REQUIRE(inserted);  // merged samples are unique
  }
  return out;
}

// Program "a": main -> work -> leaf with an inlined helper.
Profile profile_a(std::uint64_t base = 0x400000, std::int64_t count = 1) {
  ProfileBuilder b;
  b.profile().mutable_mapping(0)->set_memory_start(base);
  b.profile().mutable_mapping(0)->set_memory_limit(base + 0x400000);
  auto main_fn = b.function("main.main", "main.go", 10);
  auto work = b.function("main.work", "main.go", 20);
  auto helper = b.function("main.helper", "util.go", 5);
  auto l_main = b.location(base + 0x100, {{main_fn, 12}});
  auto l_work = b.location(base + 0x200, {{helper, 7}, {work, 25}});
  b.sample({l_work, l_main}, {count, count * 10'000'000});
  b.sample({l_main}, {2 * count, 2 * count * 10'000'000});
  return b.build();
}

// Profiles of different programs sharing some functions, with labels, ASLR and an extra
// mapping: every identity and ordering rule of the merge has something to do.
Profile varied_program(int variant) {
  ProfileBuilder b;
  auto& m = *b.profile().mutable_mapping(0);
  const std::uint64_t base = 0x400000 + static_cast<std::uint64_t>(variant) * 0x10000000;
  m.set_memory_start(base);
  m.set_memory_limit(base + 0x400000);
  auto libc = b.mapping(0x7f0000000000 + static_cast<std::uint64_t>(variant) * 0x1000,
                        0x7f0000100000 + static_cast<std::uint64_t>(variant) * 0x1000,
                        "/lib/libc.so", "libc-id");
  auto main_fn = b.function("main.main", "main.go", 10);
  auto shared = b.function("shared.F", "shared.go", 1);
  auto own = b.function("v" + std::to_string(variant) + ".G", "v.go", 3);
  auto memcpy_fn = b.function("memcpy", "", 0);
  auto l1 = b.location(base + 0x10, {{main_fn, 11}});
  auto l2 = b.location(base + 0x20 + static_cast<std::uint64_t>(variant), {{own, 4}, {shared, 2}});
  auto l3 = b.location(0x7f0000000100 + static_cast<std::uint64_t>(variant) * 0x1000,
                       {{memcpy_fn, 0}}, libc);
  b.sample({l2, l1}, {variant + 1, (variant + 1) * 10});
  b.sample({l3, l2, l1}, {2, 20}, {{"worker", "w" + std::to_string(variant % 2)}});
  b.sample({l1}, {1, 10}, {{"bytes", "", 64 * variant, "bytes"}});
  b.profile().add_comment(b.str("run " + std::to_string(variant)));
  b.profile().set_time_nanos(1000 + variant);
  return b.build();
}

}  // namespace

TEST_CASE("identical functions, mappings and locations merge and values add", "[merger]") {
  const auto a = profile_a();
  const auto out = merge({a, a});
  CHECK(out.sample_size() == 2);
  CHECK(out.location_size() == 2);
  CHECK(out.function_size() == 3);
  CHECK(out.mapping_size() == 1);
  const auto samples = samples_of(out);
  CHECK(samples.at("main.helper:7;main.work:25;|main.main:12;|") ==
        std::vector<std::int64_t>{2, 20'000'000});
  CHECK(samples.at("main.main:12;|") == std::vector<std::int64_t>{4, 40'000'000});
  // IDs are renumbered 1..n.
  for (int i = 0; i < out.location_size(); ++i)
    CHECK(out.location(i).id() == static_cast<std::uint64_t>(i + 1));
  for (int i = 0; i < out.function_size(); ++i)
    CHECK(out.function(i).id() == static_cast<std::uint64_t>(i + 1));
}

TEST_CASE("the same binary at another address (ASLR) merges, addresses stay relative", "[merger]") {
  const auto out = merge({profile_a(0x400000), profile_a(0x7f0000000000)});
  CHECK(out.mapping_size() == 1);
  CHECK(out.location_size() == 2);
  CHECK(out.sample_size() == 2);
  // The merged mapping starts at the lowest start; offsets within it are kept.
  CHECK(out.mapping(0).memory_start() == 0x400000);
  for (const auto& loc : out.location()) {
    CHECK(loc.address() - out.mapping(0).memory_start() < 0x400000);
  }
}

TEST_CASE("functions differing in any key field stay apart", "[merger]") {
  auto variant = [](const std::string& name, const std::string& file, std::int64_t start) {
    ProfileBuilder b;
    auto f = b.function(name, file, start);
    b.sample({b.location(0x401000, {{f, 100}})}, {1, 1});
    return b.build();
  };
  const auto out = merge({variant("f", "a.go", 1), variant("f", "a.go", 1), variant("g", "a.go", 1),
                          variant("f", "b.go", 1), variant("f", "a.go", 2)});
  CHECK(out.function_size() == 4);
  // Same address and line but another function: another location.
  CHECK(out.location_size() == 4);
}

TEST_CASE("function system_name is part of the identity", "[merger]") {
  ProfileBuilder a, b;
  auto fa = a.function("f", "a.go", 1);
  a.sample({a.location(0x401000, {{fa, 2}})}, {1, 1});
  auto fb = b.function("f", "a.go", 1);
  b.profile().mutable_function(0)->set_system_name(b.str("f.abi0"));
  b.sample({b.location(0x401000, {{fb, 2}})}, {1, 1});
  CHECK(merge({a.build(), b.build()}).function_size() == 2);
}

TEST_CASE("mapping identity: build ID, or file name without one, size rounded to 4 KiB",
          "[merger]") {
  auto with_mapping = [](std::uint64_t start, std::uint64_t limit, const std::string& file,
                         const std::string& build_id, std::uint64_t offset = 0) {
    ProfileBuilder b;
    auto& m = *b.profile().mutable_mapping(0);
    m.set_memory_start(start);
    m.set_memory_limit(limit);
    m.set_filename(b.str(file));
    m.set_build_id(b.str(build_id));
    m.set_file_offset(offset);
    auto f = b.function("f", "f.go", 1);
    b.sample({b.location(start + 0x10, {{f, 2}})}, {1, 1});
    return b.build();
  };
  // Same build ID, other path and a size within the same 4 KiB page count: one mapping.
  CHECK(merge({with_mapping(0x400000, 0x401000, "/a/app", "id1"),
               with_mapping(0x500000, 0x500ff0, "/b/app", "id1")})
            .mapping_size() == 1);
  // Other build ID: two builds of one program do not merge.
  CHECK(merge({with_mapping(0x400000, 0x401000, "/a/app", "id1"),
               with_mapping(0x400000, 0x401000, "/a/app", "id2")})
            .mapping_size() == 2);
  // No build ID: the file name decides.
  CHECK(merge({with_mapping(0x400000, 0x401000, "/a/app", ""),
               with_mapping(0x600000, 0x601000, "/a/app", "")})
            .mapping_size() == 1);
  CHECK(merge({with_mapping(0x400000, 0x401000, "/a/app", ""),
               with_mapping(0x400000, 0x401000, "/b/app", "")})
            .mapping_size() == 2);
  // Size beyond the rounding or another file offset: different mappings.
  CHECK(merge({with_mapping(0x400000, 0x401000, "/a/app", "id"),
               with_mapping(0x400000, 0x402000, "/a/app", "id")})
            .mapping_size() == 2);
  CHECK(merge({with_mapping(0x400000, 0x401000, "/a/app", "id", 0),
               with_mapping(0x400000, 0x401000, "/a/app", "id", 0x1000)})
            .mapping_size() == 2);
}

TEST_CASE("location identity includes lines, columns, mapping and is_folded", "[merger]") {
  auto one = [](std::uint64_t addr, std::int64_t line, std::int64_t column, bool folded) {
    ProfileBuilder b;
    auto f = b.function("f", "f.go", 1);
    auto l = b.location(addr, {{f, line, column}});
    b.profile().mutable_location(0)->set_is_folded(folded);
    b.sample({l}, {1, 1});
    return b.build();
  };
  CHECK(merge({one(0x401000, 5, 0, false), one(0x401000, 5, 0, false)}).location_size() == 1);
  CHECK(merge({one(0x401000, 5, 0, false), one(0x401004, 5, 0, false)}).location_size() == 2);
  CHECK(merge({one(0x401000, 5, 0, false), one(0x401000, 6, 0, false)}).location_size() == 2);
  CHECK(merge({one(0x401000, 5, 0, false), one(0x401000, 5, 3, false)}).location_size() == 2);
  CHECK(merge({one(0x401000, 5, 0, false), one(0x401000, 5, 0, true)}).location_size() == 2);
}

TEST_CASE("locations without a mapping keep absolute addresses", "[merger]") {
  ProfileBuilder b;
  auto f = b.function("f", "f.go", 1);
  auto l = b.location(0x1234, {{f, 2}}, /*mapping_id=*/0);
  b.sample({l}, {1, 1});
  const auto out = merge({b.build(), b.build()});
  REQUIRE(out.location_size() == 1);
  CHECK(out.location(0).mapping_id() == 0);
  CHECK(out.location(0).address() == 0x1234);
  CHECK(out.sample(0).value(0) == 2);
}

TEST_CASE("labels: equal sets merge whatever their order, different values do not", "[merger]") {
  auto with_labels = [](std::vector<ProfileBuilder::LabelSpec> labels) {
    ProfileBuilder b;
    auto f = b.function("f", "f.go", 1);
    b.sample({b.location(0x401000, {{f, 2}})}, {1, 1}, std::move(labels));
    return b.build();
  };
  const auto ab = with_labels({{"a", "1"}, {"b", "2"}, {"n", "", 5, "bytes"}});
  const auto ba = with_labels({{"n", "", 5, "bytes"}, {"b", "2"}, {"a", "1"}});
  const auto other = with_labels({{"a", "1"}, {"b", "3"}});
  const auto other_unit = with_labels({{"a", "1"}, {"b", "2"}, {"n", "", 5, "count"}});
  const auto none = with_labels({});
  const auto out = merge({ab, ba, other, other_unit, none});
  CHECK(out.sample_size() == 4);
  const auto samples = samples_of(out);
  CHECK(samples.at("f:2;| a=1 b=2 n=5bytes") == std::vector<std::int64_t>{2, 2});
  CHECK(samples.at("f:2;|") == std::vector<std::int64_t>{1, 1});
  // Values of one key keep their order: [x y] and [y x] are different label sets.
  const auto xy = with_labels({{"k", "x"}, {"k", "y"}});
  const auto yx = with_labels({{"k", "y"}, {"k", "x"}});
  CHECK(merge({xy, yx}).sample_size() == 2);
  // A label with an empty string and no number is ignored, as in pprof's model.
  const auto empty_label = with_labels({{"e", "", 0, ""}});
  CHECK(merge({empty_label, none}).sample_size() == 1);
}

TEST_CASE("all-zero samples are dropped with what only they used", "[merger]") {
  ProfileBuilder b;
  auto f = b.function("f", "f.go", 1);
  auto g = b.function("only_in_zero", "g.go", 1);
  b.sample({b.location(0x401000, {{f, 2}})}, {1, 10});
  b.sample({b.location(0x402000, {{g, 2}})}, {0, 0});
  const auto out = merge({b.build()});
  CHECK(out.sample_size() == 1);
  CHECK(out.location_size() == 1);
  CHECK(out.function_size() == 1);
  for (const auto& s : out.string_table()) CHECK(s != "only_in_zero");

  // Values that cancel out across inputs are dropped too.
  ProfileBuilder neg;
  auto h = neg.function("f", "f.go", 1);
  neg.sample({neg.location(0x401000, {{h, 2}})}, {-1, -10});
  CHECK(merge({b.build(), neg.build()}).sample_size() == 0);
}

TEST_CASE("header rules: duration sum, period max, earliest time, comments set", "[merger]") {
  ProfileBuilder a, b, c;
  for (auto* x : {&a, &b, &c}) {
    auto f = x->function("f", "f.go", 1);
    x->sample({x->location(0x401000, {{f, 2}})}, {1, 1});
  }
  a.profile().set_duration_nanos(100);
  b.profile().set_duration_nanos(50);
  c.profile().set_duration_nanos(7);
  a.profile().set_period(10);
  b.profile().set_period(30);
  c.profile().set_period(20);
  a.profile().set_time_nanos(500);
  b.profile().set_time_nanos(0);  // unknown: ignored
  c.profile().set_time_nanos(300);
  a.profile().add_comment(a.str("zeta"));
  a.profile().add_comment(a.str("alpha"));
  b.profile().add_comment(b.str("alpha"));
  c.profile().set_doc_url(c.str("https://example.com/doc"));
  b.profile().set_default_sample_type(b.str("cpu"));
  const auto out = merge({a.build(), b.build(), c.build()});
  CHECK(out.duration_nanos() == 157);
  CHECK(out.period() == 30);
  CHECK(out.time_nanos() == 300);
  REQUIRE(out.comment_size() == 2);
  CHECK(S(out, out.comment(0)) == "alpha");
  CHECK(S(out, out.comment(1)) == "zeta");
  CHECK(S(out, out.doc_url()) == "https://example.com/doc");
  CHECK(S(out, out.default_sample_type()) == "cpu");
  CHECK(S(out, out.period_type().type()) == "cpu");
  REQUIRE(out.sample_type_size() == 2);
  CHECK(S(out, out.sample_type(1).unit()) == "nanoseconds");
}

TEST_CASE("incompatible sample or period types fail naming both inputs", "[merger]") {
  ProfileMerger m;
  m.add(profile_a(), "first.pprof");
  ProfileBuilder heap({{"alloc_space", "bytes"}, {"inuse_space", "bytes"}});
  auto f = heap.function("f", "f.go", 1);
  heap.sample({heap.location(0x401000, {{f, 2}})}, {1, 1});
  try {
    m.add(heap.build(), "heap.pprof");
    FAIL("incompatible profile accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.file() == "heap.pprof");
    CHECK_THAT(e.problem(), Catch::Contains("incompatible sample types"));
    CHECK_THAT(e.problem(), Catch::Contains("first.pprof"));
    CHECK_THAT(e.problem(), Catch::Contains("alloc_space/bytes"));
  }
  ProfileBuilder other_period;
  other_period.profile().mutable_period_type()->set_type(other_period.str("wall"));
  CHECK_THROWS_WITH(m.add(other_period.build(), "wall.pprof"),
                    Catch::Contains("incompatible period types"));
  // The merger is still usable and unchanged.
  CHECK(m.input_count() == 1);
  CHECK(m.result().sample_size() == 2);
}

TEST_CASE("weights scale values with round-to-nearest before merging", "[merger]") {
  const auto a = profile_a(0x400000, 3);  // values 3 and 6 samples
  const auto out = merge({a}, {0.5});
  const auto samples = samples_of(out);
  CHECK(samples.at("main.main:12;|") == std::vector<std::int64_t>{3, 30'000'000});
  CHECK(samples.at("main.helper:7;main.work:25;|main.main:12;|") ==
        std::vector<std::int64_t>{2, 15'000'000});  // 1.5 rounds away from zero
  // Weight 0 drops every sample of that input but keeps the others.
  const auto zero = merge({profile_a(), profile_a()}, {0.0, 1.0});
  CHECK(samples_of(zero) == samples_of(merge({profile_a()})));
  CHECK(merge({profile_a()}, {0.0}).sample_size() == 0);
}

TEST_CASE("merging without inputs is an error", "[merger]") {
  ProfileMerger m;
  CHECK_THROWS_AS(m.result(), pgo::Error);
}

TEST_CASE("output bytes do not depend on input order", "[merger][determinism]") {
  // Three different programs' profiles sharing some functions, with labels, ASLR and an
  // extra mapping, so that every ordering rule is exercised.
  auto program = varied_program;
  const auto a = program(0), b = program(1), c = program(2);
  const auto abc = pgo::merge::encode_profile(merge({a, b, c}));
  const auto cab = pgo::merge::encode_profile(merge({c, a, b}));
  const auto bca = pgo::merge::encode_profile(merge({b, c, a}));
  const auto cba = pgo::merge::encode_profile(merge({c, b, a}));
  CHECK(abc == cab);
  CHECK(abc == bca);
  CHECK(abc == cba);
  // A different multiset gives a different profile.
  CHECK(abc != pgo::merge::encode_profile(merge({a, b, c, a})));
  // Merging the merge with nothing changes nothing: the output is a fixed point.
  const auto merged = merge({a, b, c});
  CHECK(pgo::merge::encode_profile(merge({merged})) == abc);
}

TEST_CASE("a real profile merges identically in any order with its scaled copy",
          "[merger][determinism]") {
  const auto large =
      pgo::merge::read_profile_file(std::string(PGO_SHARED_TESTDATA) + "/pprof/large.cpu.pb.gz");
  ProfileMerger x, y;
  x.add(large, "a");
  x.add(large, "b", 3.0);
  y.add(large, "b", 3.0);
  y.add(large, "a");
  CHECK(pgo::merge::encode_profile(x.result()) == pgo::merge::encode_profile(y.result()));
  const auto out = x.result();
  std::int64_t total = 0, original = 0;
  for (const auto& s : out.sample()) total += s.value(0);
  for (const auto& s : large.sample()) original += s.value(0);
  CHECK(total == 4 * original);
}

TEST_CASE("absorbing another merger equals adding its inputs here", "[merger][determinism]") {
  const auto large =
      pgo::merge::read_profile_file(std::string(PGO_SHARED_TESTDATA) + "/pprof/large.cpu.pb.gz");
  ProfileBuilder small;
  auto f = small.function("main.f", "f.go", 1);
  small.sample({small.location(0x401000, {{f, 2}})}, {5, 50}, {{"k", "v"}, {"a", "b"}});
  const auto other = small.build();
  ProfileMerger all, left, right, empty;
  all.add(large, "a");
  all.add(other, "b");
  all.add(large, "c", 2.0);
  left.add(other, "b");
  right.add(large, "a");
  right.add(large, "c", 2.0);
  left.absorb(right);
  left.absorb(empty);  // an empty merger adds nothing
  CHECK(left.input_count() == 3);
  CHECK(pgo::merge::encode_profile(left.result()) == pgo::merge::encode_profile(all.result()));
  // Mergers of different kinds of profile cannot be combined.
  ProfileBuilder heap(std::vector<std::pair<std::string, std::string>>{{"alloc_space", "bytes"}});
  auto h = heap.function("f", "f.go", 1);
  heap.sample({heap.location(0x401000, {{h, 2}})}, {100});
  ProfileMerger heaps;
  heaps.add(heap.build(), "heap");
  CHECK_THROWS_WITH(left.absorb(heaps), Catch::Contains("incompatible"));
}

TEST_CASE("a bad sample the fold checks itself fails with the validator's message", "[merger]") {
  // The merge job leaves the per-sample checks to the fold (validate_wire_profile with
  // check_samples false); the fold must refuse exactly what the validator refuses, with
  // the same message, whether location IDs are dense or sparse.
  auto expect_same_error = [](const Profile& bad) {
    const std::string raw = bad.SerializeAsString();
    const auto bytes = std::vector<std::uint8_t>(raw.begin(), raw.end());
    std::string validator_error;
    try {
      pgo::merge::validate_wire_profile(pgo::merge::decode_wire_profile(bytes, "bad"), "bad");
    } catch (const pgo::Error& e) {
      validator_error = e.what();
    }
    REQUIRE_FALSE(validator_error.empty());
    const auto wire = pgo::merge::decode_wire_profile(bytes, "bad");
    pgo::merge::validate_wire_profile(wire, "bad", /*check_samples=*/false);
    ProfileMerger m;
    m.add(profile_a(), "good");
    try {
      m.add(wire, "bad");
      FAIL("the fold accepted a bad sample; the validator said: " << validator_error);
    } catch (const pgo::Error& e) {
      CHECK(std::string(e.what()) == validator_error);
    }
  };
  for (const bool sparse : {false, true}) {
    INFO("sparse location IDs: " << sparse);
    auto with_ids = [&](Profile p) {
      if (sparse) {
        p.mutable_location(0)->set_id(1'000'000'007);
        for (auto& s : *p.mutable_sample()) {
          for (auto& id : *s.mutable_location_id()) {
            if (id == 1) id = 1'000'000'007;
          }
        }
      }
      return p;
    };
    Profile dangling = with_ids(profile_a());
    dangling.mutable_sample(1)->add_location_id(99);
    expect_same_error(dangling);
    Profile zero = with_ids(profile_a());
    zero.mutable_sample(0)->add_location_id(0);
    expect_same_error(zero);
    Profile values = with_ids(profile_a());
    values.mutable_sample(1)->add_value(7);
    expect_same_error(values);
    Profile label = with_ids(profile_a());
    auto* l = label.mutable_sample(1)->add_label();
    l->set_key(label.string_table_size() + 5);
    l->set_str(1);
    expect_same_error(label);
  }
}

TEST_CASE("a merger reusing its working memory across inputs of different shapes",
          "[merger][determinism]") {
  // The fold keeps its translation tables from one input to the next; a smaller input
  // after a larger one (fewer strings, functions, locations; sparse IDs after dense ones)
  // must not see the previous input's entries.
  Profile big = profile_a(0x400000, 3);
  ProfileBuilder small_builder;
  auto fn = small_builder.function("main.other", "other.go", 3);
  small_builder.sample({small_builder.location(0x401000, {{fn, 4}})}, {5, 50'000'000});
  Profile small = small_builder.build();
  Profile sparse = profile_a(0x400000, 2);
  sparse.mutable_location(1)->set_id(4'000'000'000);
  for (auto& s : *sparse.mutable_sample()) {
    for (auto& id : *s.mutable_location_id()) {
      if (id == 2) id = 4'000'000'000;
    }
  }
  const std::vector<Profile> order = {big, small, sparse, small, big};
  Profile one_merger = merge(order);
  // Each input folded by a fresh merger, then absorbed: no working memory is reused.
  ProfileMerger combined;
  for (std::size_t i = 0; i < order.size(); ++i) {
    ProfileMerger fresh;
    fresh.add(order[i], "in" + std::to_string(i));
    combined.absorb(fresh);
  }
  CHECK(one_merger.SerializeAsString() == combined.result().SerializeAsString());
  CHECK(samples_of(one_merger).size() == 3);
}

namespace {

// The profile with every value negated: a later input that cancels an earlier one.
Profile negated(Profile p) {
  for (auto& s : *p.mutable_sample()) {
    for (auto& v : *s.mutable_value()) v = -v;
  }
  return p;
}

struct Input {
  Profile profile;
  double weight = 1.0;
};

std::vector<std::uint8_t> plain_merge(const std::vector<Input>& inputs) {
  ProfileMerger m;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    m.add(inputs[i].profile, "in" + std::to_string(i), inputs[i].weight);
  }
  return pgo::merge::encode_profile(m.result());
}

void add_all(ProfileMerger& m, const std::vector<Input>& inputs) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    m.add(inputs[i].profile, "in" + std::to_string(i), inputs[i].weight);
  }
}

std::vector<Input> concat(std::vector<Input> a, const std::vector<Input>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_CASE("layers over a base merge to the bytes of a plain merge of all inputs",
          "[merger][determinism][layer]") {
  // The parallel merge folds into layers over the first input's merger (merge_job.cpp):
  // entries found in the base keep its indices, the rest are the layer's own, and
  // absorbing must turn both back into one merge, whatever mix of base and own entries
  // each layer holds. Inputs: the base's own again, other programs (new functions,
  // locations, labels), the base program at another address (mapping fields merged),
  // weights, and values that cancel the base's (samples that must vanish).
  const std::vector<Input> base_inputs = {{varied_program(0)}, {profile_a()}};
  const std::vector<Input> first = {
      {varied_program(1)}, {varied_program(0), 2.0}, {profile_a(0x500000, 3)}};
  const std::vector<Input> second = {{varied_program(2)}, {negated(varied_program(0))}};
  const auto all = concat(concat(base_inputs, first), second);
  const auto expected = plain_merge(all);

  SECTION("each layer's result is that of its own inputs alone") {
    ProfileMerger base;
    add_all(base, base_inputs);
    ProfileMerger layer;
    layer.layer_on(base);
    add_all(layer, first);
    CHECK(layer.input_count() == first.size());
    CHECK(pgo::merge::encode_profile(layer.result()) == plain_merge(first));
    ProfileMerger other;
    other.layer_on(base);
    add_all(other, second);
    CHECK(pgo::merge::encode_profile(other.result()) == plain_merge(second));
    // The base's binary elsewhere, under another file name, a little shorter, without
    // the base's flags: the layer's mapping is that of its own input (the base's start,
    // size, name and flags do not leak in).
    Profile moved = profile_a(0x900000, 2);
    moved.mutable_mapping(0)->set_filename(moved.string_table_size());
    moved.add_string_table("/zzz/app");
    moved.mutable_mapping(0)->set_has_functions(false);
    moved.mutable_mapping(0)->set_memory_limit(0x900000 + 0x3ff800);  // same 4 KiB-rounded size
    ProfileMerger elsewhere;
    elsewhere.layer_on(base);
    elsewhere.add(moved, "moved");
    CHECK(pgo::merge::encode_profile(elsewhere.result()) == plain_merge({{moved}}));
    ProfileMerger idle;
    idle.layer_on(base);
    CHECK(idle.input_count() == 0);
    CHECK_THROWS_AS(idle.result(), pgo::Error);
  }
  SECTION("layers absorbed one into the other, then into the base") {
    ProfileMerger base;
    add_all(base, base_inputs);
    ProfileMerger one, two, idle;
    for (ProfileMerger* m : {&one, &two, &idle}) m->layer_on(base);
    add_all(one, first);
    add_all(two, second);
    two.absorb(one);
    two.absorb(idle);  // a layer without inputs adds nothing
    base.absorb(two);
    CHECK(base.input_count() == all.size());
    CHECK(pgo::merge::encode_profile(base.result()) == expected);
  }
  SECTION("each layer absorbed into the base on its own") {
    ProfileMerger base;
    add_all(base, base_inputs);
    ProfileMerger one, two;
    for (ProfileMerger* m : {&one, &two}) m->layer_on(base);
    add_all(one, first);
    add_all(two, second);
    base.absorb(one);
    base.absorb(two);
    CHECK(pgo::merge::encode_profile(base.result()) == expected);
  }
  SECTION("a layer absorbed by a merger that is not its base, and the other way round") {
    ProfileMerger base;
    add_all(base, base_inputs);
    ProfileMerger layer;
    layer.layer_on(base);
    add_all(layer, first);
    ProfileMerger elsewhere;
    add_all(elsewhere, second);
    elsewhere.absorb(layer);
    CHECK(pgo::merge::encode_profile(elsewhere.result()) == plain_merge(concat(first, second)));
    ProfileMerger plain;
    add_all(plain, second);
    layer.absorb(plain);  // into the layer: what the base holds is found there
    base.absorb(layer);
    CHECK(pgo::merge::encode_profile(base.result()) == expected);
  }
  SECTION("a layer that stopped looking in its base still merges exactly") {
    // Thousands of lookups the base cannot answer (a large unrelated profile) make the
    // layer stop looking up locations and samples there; inputs the base does hold then
    // land in the layer a second time, under other indices, and absorbing must merge
    // them with the base's again.
    const auto large =
        pgo::merge::read_profile_file(std::string(PGO_SHARED_TESTDATA) + "/pprof/large.cpu.pb.gz");
    const std::vector<Input> unlike_then_like = {
        {large}, {varied_program(0)}, {profile_a(0x500000, 3)}, {large, 2.0}};
    ProfileMerger base;
    add_all(base, base_inputs);
    ProfileMerger layer, other;
    layer.layer_on(base);
    other.layer_on(base);
    add_all(layer, unlike_then_like);
    CHECK(pgo::merge::encode_profile(layer.result()) == plain_merge(unlike_then_like));
    add_all(other, first);
    other.absorb(layer);
    base.absorb(other);
    CHECK(pgo::merge::encode_profile(base.result()) ==
          plain_merge(concat(concat(base_inputs, unlike_then_like), first)));
  }
  SECTION("an incompatible input leaves a layer unchanged") {
    ProfileMerger base;
    add_all(base, base_inputs);
    ProfileMerger layer;
    layer.layer_on(base);
    add_all(layer, first);
    ProfileBuilder heap(std::vector<std::pair<std::string, std::string>>{{"alloc_space", "bytes"}});
    auto h = heap.function("f", "f.go", 1);
    heap.sample({heap.location(0x401000, {{h, 2}})}, {100});
    CHECK_THROWS_WITH(layer.add(heap.build(), "heap"), Catch::Contains("incompatible"));
    CHECK(pgo::merge::encode_profile(layer.result()) == plain_merge(first));
    ProfileMerger empty_kind;
    empty_kind.layer_on(base);
    CHECK_THROWS_WITH(empty_kind.add(heap.build(), "heap"), Catch::Contains("incompatible"));
  }
}

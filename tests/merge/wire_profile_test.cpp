// Risk guarded against: the merge's fast sample decoder (decode_plain_sample) reading a
// sample differently from the general decoder (decode_sample_bytes): another wire shape
// (packed or not, values before IDs, multi-byte and negative varints) giving other IDs or
// values, or a sample it cannot read exactly (labels, unknown fields, malformed bytes)
// being accepted instead of declined to the general decoder, which reports the error.
// And the fold's result depending on which of the two decoders read a sample.
#include "merge/wire_profile.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "merge/profile_merger.h"
#include "merge/profile_writer.h"
#include "tests/support/profile_builder.h"

using pgo::merge::decode_plain_sample;
using pgo::merge::decode_sample_bytes;
using pgo::merge::SampleView;
using pgo::merge::testing::concat;
using pgo::merge::testing::wire_varint;
using Bytes = std::vector<std::uint8_t>;

namespace {

// Field `field` as one packed run of `values`.
Bytes packed(std::uint32_t field, const std::vector<std::uint64_t>& values) {
  Bytes run;
  for (std::uint64_t v : values) run = concat({run, wire_varint(v)});
  return concat({wire_varint(field << 3 | 2), wire_varint(run.size()), run});
}

// Field `field` as one varint field per value.
Bytes unpacked(std::uint32_t field, const std::vector<std::uint64_t>& values) {
  Bytes out;
  for (std::uint64_t v : values) out = concat({out, wire_varint(field << 3), wire_varint(v)});
  return out;
}

struct Decoded {
  bool accepted = false;
  std::vector<std::uint64_t> ids;
  std::vector<std::int64_t> values;
};

Decoded plain(const Bytes& sample) {
  Decoded d;
  d.accepted = decode_plain_sample(
      sample.data(), sample.data() + sample.size(),
      [&](std::uint64_t id) {
        d.ids.push_back(id);
        return true;
      },
      [&](std::uint64_t v) {
        d.values.push_back(static_cast<std::int64_t>(v));
        return true;
      });
  return d;
}

SampleView general(const Bytes& sample) {
  SampleView s;
  decode_sample_bytes(sample.data(), sample.data() + sample.size(), s, "sample.pprof");
  return s;
}

}  // namespace

TEST_CASE("the fast sample decoder reads every shape of ID and value fields as the general one",
          "[wire]") {
  const std::vector<std::uint64_t> ids{1, 127, 128, 300, 16'383, 16'384, 20'000, 1ULL << 40};
  const std::vector<std::uint64_t> values{3, 10'000'000, 1'000'000'000'000,
                                          static_cast<std::uint64_t>(-1)};  // ten bytes
  const std::vector<std::pair<const char*, Bytes>> shapes{
      {"packed IDs, packed values (C++ protobuf)", concat({packed(1, ids), packed(2, values)})},
      {"packed IDs, unpacked values (pprof's encoder)",
       concat({packed(1, ids), unpacked(2, values)})},
      {"values first (the Go runtime's encoder)", concat({unpacked(2, values), packed(1, ids)})},
      {"everything unpacked and interleaved",
       concat({unpacked(1, {ids[0]}), unpacked(2, {values[0]}), unpacked(1, {ids[1], ids[2]}),
               packed(2, {values[1]})})},
      {"runs split in two", concat({packed(1, {ids[0], ids[1]}), packed(1, {ids[2]}),
                                    packed(2, {values[0]}), packed(2, {})})},
      {"no fields at all", Bytes{}},
  };
  for (const auto& [what, sample] : shapes) {
    INFO(what);
    const Decoded fast = plain(sample);
    const SampleView reference = general(sample);
    CHECK(fast.accepted);
    CHECK(fast.ids == reference.location_ids);
    CHECK(fast.values == reference.values);
  }
}

TEST_CASE("the fast sample decoder declines what it cannot read exactly", "[wire]") {
  const Bytes ids = packed(1, {1, 2});
  const Bytes values = unpacked(2, {5});

  SECTION("labels and unknown fields: the general decoder reads them") {
    Bytes label = concat({Bytes{0x1a, 0x04}, unpacked(1, {1}), unpacked(2, {2})});
    for (const Bytes& sample :
         {concat({ids, values, label}), concat({ids, unpacked(15, {7}), values}),
          concat({ids, values, Bytes{0x25, 1, 2, 3, 4}})}) {
      CHECK_FALSE(plain(sample).accepted);
      CHECK_NOTHROW(general(sample));
    }
  }
  SECTION("malformed bytes: declined, and the general decoder reports them") {
    Bytes overlong = concat({ids, Bytes{0x10}});
    for (int i = 0; i < 10; ++i) overlong.push_back(0xff);
    overlong.push_back(0x01);  // an eleventh byte
    Bytes overflow = concat({ids, Bytes{0x10}});
    for (int i = 0; i < 9; ++i) overflow.push_back(0xff);
    overflow.push_back(0x02);  // the tenth byte may only hold the 64th bit
    const std::vector<Bytes> bad{
        Bytes{0x0a, 0x05, 0x01},                 // run longer than the sample
        Bytes{0x0a, 0x02, 0x01, 0x80},           // run ends inside a varint
        concat({ids, Bytes{0x10}}),              // tag without its varint
        concat({ids, Bytes{0x10, 0x80, 0x80}}),  // truncated varint
        overlong,
        overflow,
    };
    for (const Bytes& sample : bad) {
      CHECK_FALSE(plain(sample).accepted);
      CHECK_THROWS_AS(general(sample), pgo::Error);
    }
  }
  SECTION("a callback that refuses an ID or a value stops the decoding") {
    const Bytes sample = concat({ids, values});
    std::size_t seen = 0;
    CHECK_FALSE(decode_plain_sample(
        sample.data(), sample.data() + sample.size(), [&](std::uint64_t) { return ++seen < 2; },
        [](std::uint64_t) { return true; }));
    CHECK(seen == 2);
    CHECK_FALSE(decode_plain_sample(
        sample.data(), sample.data() + sample.size(), [](std::uint64_t) { return true; },
        [](std::uint64_t) { return false; }));
  }
}

TEST_CASE("the fold gives the same profile whichever decoder reads a sample", "[wire]") {
  // Three samples over two locations; encoded once in the fast decoder's shapes and once
  // with an unknown field in every sample, which sends each to the general decoder.
  pgo::merge::testing::ProfileBuilder b;
  const auto f = b.function("main.main", "main.go", 10);
  const auto g = b.function("main.work", "main.go", 20);
  const auto l1 = b.location(0x401000, {{g, 22}});
  const auto l2 = b.location(0x402000, {{f, 12}});
  perftools::profiles::Profile base = b.build();
  base.clear_sample();
  const std::string header = base.SerializeAsString();
  // The last sample's 70,000 IDs (70 KB) exceed the room the fold makes for the fast
  // path, which must hand it to the general path whole.
  std::vector<std::uint64_t> deep;
  for (int i = 0; i < 35'000; ++i) deep.insert(deep.end(), {l1, l2});
  const std::vector<std::pair<std::vector<std::uint64_t>, std::vector<std::uint64_t>>> samples{
      {{l1, l2}, {3, 30'000'000}},
      {{l2}, {1, 10'000'000}},
      {{l1, l2}, {2, 20'000'000}},
      {deep, {1, 1}}};

  auto encode = [&](bool with_unknown_field) {
    Bytes out(header.begin(), header.end());
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto& [locs, vals] = samples[i];
      Bytes sample = i % 2 ? concat({unpacked(2, vals), packed(1, locs)})
                           : concat({packed(1, locs), unpacked(2, vals)});
      if (with_unknown_field) sample = concat({sample, unpacked(15, {i})});
      out = concat({out, wire_varint(2 << 3 | 2), wire_varint(sample.size()), sample});
    }
    return out;
  };
  auto add = [](pgo::merge::ProfileMerger& m, Bytes bytes, double weight) {
    const auto wire = pgo::merge::decode_wire_profile(std::move(bytes), "in.pprof");
    pgo::merge::validate_wire_profile(wire, "in.pprof");
    m.add(wire, "in.pprof", weight);
  };
  auto merged = [&](const Bytes& bytes, double weight) {
    pgo::merge::ProfileMerger m;
    add(m, bytes, weight);
    add(m, bytes, weight);
    return m.result().SerializeAsString();
  };
  const std::string fast = merged(encode(false), 1.0);
  CHECK(fast == merged(encode(true), 1.0));
  perftools::profiles::Profile decoded;
  REQUIRE(decoded.ParseFromString(fast));
  std::size_t deepest = 0;
  for (const auto& sample : decoded.sample()) {
    deepest = std::max<std::size_t>(deepest, static_cast<std::size_t>(sample.location_id_size()));
  }
  CHECK(deepest == deep.size());
  // Scaled inputs take the general path: weight 2 gives the samples of adding it twice.
  pgo::merge::ProfileMerger twice;
  add(twice, encode(false), 2.0);
  const perftools::profiles::Profile scaled = twice.result();
  perftools::profiles::Profile reference;
  REQUIRE(reference.ParseFromString(fast));
  REQUIRE(scaled.sample_size() == reference.sample_size());
  for (int i = 0; i < scaled.sample_size(); ++i) {
    CHECK(scaled.sample(i).SerializeAsString() == reference.sample(i).SerializeAsString());
  }
}

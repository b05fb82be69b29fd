// Risk guarded against: the merger's hash table losing or duplicating an element when it
// grows, or a lookup that must not insert (a layer's lookups in its base, shared by
// threads) finding what is absent or changing the table (every merged function,
// location and sample goes through it, so a lost element is a silently wrong profile).
#include "merge/index_table.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <utility>
#include <vector>

using pgo::merge::IndexTable;

namespace {

// Inserts values[0..n) (each value's own index), then checks that looking each up again
// finds it and inserts nothing.
void fill_and_check(IndexTable& table, std::vector<std::uint64_t>& values, std::size_t n) {
  auto equal_to = [&](std::uint64_t v) {
    return [&values, v](std::uint32_t i) { return values[i] == v; };
  };
  for (std::size_t i = values.size(); i < n; ++i) {
    const std::uint64_t v = i * 0x9e3779b97f4a7c15ULL;
    values.push_back(v);
    // A weak hash on purpose (many collisions): equality, not the hash, decides.
    const auto [index, inserted] =
        table.find_or_insert(v % 97, static_cast<std::uint32_t>(i), equal_to(v));
    CHECK(inserted);
    CHECK(index == i);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto [index, inserted] =
        table.find_or_insert(values[i] % 97, 0xdead, equal_to(values[i]));
    CHECK_FALSE(inserted);
    CHECK(index == i);
    CHECK(std::as_const(table).find(values[i] % 97, equal_to(values[i])) == i);
  }
  CHECK(table.size() == n);
  // An absent value, whether its hash collides with present ones or not: kNone, and the
  // lookup adds nothing.
  const std::uint64_t absent = 1;
  CHECK(table.find(values.empty() ? 5 : values[0] % 97, equal_to(absent)) == IndexTable::kNone);
  CHECK(table.find(12345, equal_to(absent)) == IndexTable::kNone);
  CHECK(table.size() == n);
}

}  // namespace

TEST_CASE("an IndexTable finds every element after growing and rehashing", "[index_table]") {
  std::vector<std::uint64_t> values;
  SECTION("an empty table finds nothing") {
    const IndexTable table;
    CHECK(table.find(42, [](std::uint32_t) { return true; }) == IndexTable::kNone);
  }
  SECTION("grown insert by insert") {
    IndexTable table;
    fill_and_check(table, values, 1000);
  }
}

TEST_CASE("an IndexTable keeps elements findable through many rehashes of well-spread hashes",
          "[index_table]") {
  // The table keeps 32 bits of each hash and places elements by them, also when it grows:
  // with hashes that differ in every bit, a rehash that placed an element anywhere but
  // where a lookup starts would lose it.
  IndexTable table;
  std::vector<std::uint64_t> hashes;
  for (std::uint32_t i = 0; i < 200000; ++i) {
    const std::uint64_t h = (i + 1) * 0xd6e8feb86659fd93ULL;
    hashes.push_back(h);
    const auto [index, inserted] =
        table.find_or_insert(h, i, [&](std::uint32_t k) { return hashes[k] == h; });
    REQUIRE(inserted);
    REQUIRE(index == i);
  }
  std::size_t found = 0;
  for (std::uint32_t i = 0; i < hashes.size(); ++i) {
    const std::uint64_t h = hashes[i];
    const auto [index, inserted] =
        table.find_or_insert(h, 0xdead, [&](std::uint32_t k) { return hashes[k] == h; });
    found += !inserted && index == i;
  }
  CHECK(found == hashes.size());
  CHECK(table.size() == hashes.size());
}

// Risk guarded against: the merger's hash table losing or duplicating an element when it
// grows, when room is reserved before its first insert, or when a filled table is
// rehashed to a reserved size (every merged function, location and sample goes through
// it, so a lost element is a silently wrong profile).
#include "merge/index_table.h"

#include <catch2/catch.hpp>
#include <cstdint>
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
  }
  CHECK(table.size() == n);
}

}  // namespace

TEST_CASE("an IndexTable finds every element after growing, reserving and rehashing",
          "[index_table]") {
  std::vector<std::uint64_t> values;
  SECTION("grown insert by insert") {
    IndexTable table;
    fill_and_check(table, values, 1000);
  }
  SECTION("room reserved before the first insert") {
    IndexTable table;
    table.reserve(1000);
    fill_and_check(table, values, 1000);
    fill_and_check(table, values, 3000);  // and grown beyond the reservation
  }
  SECTION("a filled table rehashed to a reserved size") {
    IndexTable table;
    fill_and_check(table, values, 300);
    table.reserve(5000);
    fill_and_check(table, values, 300);  // nothing lost in the rehash
    fill_and_check(table, values, 5000);
    table.reserve(10);  // smaller than the table: no change
    fill_and_check(table, values, 5000);
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

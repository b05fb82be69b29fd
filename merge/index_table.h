// IndexTable: an open-addressing hash set of indices into the caller's own arrays.
//
// The merger keeps functions, locations and samples in flat vectors and needs "find the
// element equal to this candidate, or add it" without building a key object per lookup
// (pprof builds a string per sample, which is most of its time). The table stores only
// 32 bits of the hash and the index; equality is a callback that compares the candidate
// with element `index`.
//
//   IndexTable table;
//   auto [index, inserted] = table.find_or_insert(hash, next_index,
//                                                 [&](std::uint32_t i) { return v[i] == x; });
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace pgo::merge {

// Mixes one 64-bit word into a running hash (multiply-xorshift; good enough for tables).
inline std::uint64_t hash_mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h *= 0xff51afd7ed558ccdULL;
  return h ^ (h >> 32);
}

class IndexTable {
 public:
  static constexpr std::uint32_t kNone = 0xffffffffu;

  // Returns {index of the element equal to the candidate, false} if equal(index) holds
  // for a stored index with this hash, else stores new_index and returns {new_index, true}.
  // REQUIRES: equal(i) compares the candidate with the caller's element i.
  template <class Equal>
  std::pair<std::uint32_t, bool> find_or_insert(std::uint64_t hash, std::uint32_t new_index,
                                                Equal equal) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 64 : slots_.size() * 2);
    const std::uint32_t tag = tag_of(hash);
    std::size_t pos = position(tag);
    const std::size_t mask = slots_.size() - 1;
    while (true) {
      Slot& slot = slots_[pos];
      if (slot.index == kNone) {
        slot = Slot{tag, new_index};
        ++size_;
        return {new_index, true};
      }
      if (slot.tag == tag && equal(slot.index)) return {slot.index, false};
      pos = (pos + 1) & mask;
    }
  }

  // The index of the element equal to the candidate, or kNone; never changes the table
  // (so threads may look up one table at once while nothing inserts into it).
  template <class Equal>
  std::uint32_t find(std::uint64_t hash, Equal equal) const {
    if (slots_.empty()) return kNone;
    const std::uint32_t tag = tag_of(hash);
    std::size_t pos = position(tag);
    const std::size_t mask = slots_.size() - 1;
    while (true) {
      const Slot& slot = slots_[pos];
      if (slot.index == kNone) return kNone;
      if (slot.tag == tag && equal(slot.index)) return slot.index;
      pos = (pos + 1) & mask;
    }
  }

  std::size_t size() const { return size_; }

  // Hints the CPU to fetch the slot a lookup of `hash` starts at. The tables outgrow the
  // caches, so a lookup is mostly one cache miss: issuing misses ahead overlaps them.
  // Always inlined: GCC sees no side effect in a prefetch, so it would drop a call to a
  // function that only prefetches.
  [[gnu::always_inline]] void prefetch(std::uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[position(tag_of(hash))]);
  }

 private:
  // Eight bytes, so that a cache line holds eight slots: the upper half of the mixed hash
  // (the tag, which also gives the slot's position, so a rehash needs no full hash), and
  // the index. Equal tags are only a hint; equal() decides.
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t index = kNone;
  };
  // A table's slots: 2^bits_ <= 2^32, enough for every uint32_t index at half load.
  static constexpr unsigned kMaxBits = 32;

  static std::uint32_t tag_of(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return static_cast<std::uint32_t>(h >> 32);
  }

  // The first slot to probe: the tag's top bits_ bits.
  std::size_t position(std::uint32_t tag) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(tag) << 32) >> (64 - bits_));
  }

  void rehash(std::size_t slots) {
    const unsigned bits = static_cast<unsigned>(std::countr_zero(slots));
    if (bits > kMaxBits) throw std::length_error("IndexTable: more than 2^31 elements");
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    bits_ = bits;
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == kNone) continue;
      std::size_t pos = position(s.tag);
      while (slots_[pos].index != kNone) pos = (pos + 1) & mask;
      slots_[pos] = s;
    }
  }

  std::vector<Slot> slots_;
  unsigned bits_ = 0;  // slots_.size() == 2^bits_ once allocated
  std::size_t size_ = 0;
};

}  // namespace pgo::merge

#include "merge/profile_merger.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/error.h"
#include "merge/index_table.h"
#include "merge/profile_scaling.h"
#include "merge/wire_profile.h"

namespace pgo::merge {
namespace {

using perftools::profiles::Profile;
constexpr std::uint32_t kNone = IndexTable::kNone;

struct FunctionRec {
  std::uint32_t name, system_name, filename;
  std::int64_t start_line;
  bool operator==(const FunctionRec&) const = default;
};

struct MappingRec {
  std::uint64_t start, size, offset;
  std::uint64_t key_size;  // size rounded up to 4 KiB: pprof's tolerance for ASLR noise
  std::uint32_t key_str;   // build ID, or the filename when there is none
  std::uint32_t filename, build_id;
  bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
  bool main;  // some input listed it first (the main binary)
};

struct LineRec {
  std::uint32_t function;  // kNone: no function
  std::int64_t line, column;
  bool operator==(const LineRec&) const = default;
};

struct LocationRec {
  std::uint64_t address;  // relative to the mapping's start when there is a mapping
  std::uint32_t mapping;  // kNone: no mapping
  std::uint32_t line_begin, line_count;
  bool is_folded;
};

struct LabelRec {
  std::uint32_t key, str, unit;
  std::int64_t num;
  bool is_num;
  bool operator==(const LabelRec&) const = default;
};

struct SampleRec {
  std::uint32_t loc_begin, loc_count, label_begin, label_count;
};

// Maps the IDs of one input to the index of their message: a vector for the usual dense
// numbering, a hash map otherwise. reset() reuses the memory of the previous input's map.
class IdIndex {
 public:
  template <class Records>
  void reset(const Records& records) {
    dense_.clear();
    sparse_.clear();
    std::uint64_t max_id = 0;
    for (const auto& m : records) max_id = std::max<std::uint64_t>(max_id, m.id);
    const auto n = static_cast<std::uint64_t>(records.size());
    if (max_id <= 4 * n + 64) {
      dense_.assign(max_id + 1, kNone);
      for (std::size_t i = 0; i < records.size(); ++i) {
        dense_[records[i].id] = static_cast<std::uint32_t>(i);
      }
    } else {
      for (std::size_t i = 0; i < records.size(); ++i) {
        sparse_[records[i].id] = static_cast<std::uint32_t>(i);
      }
    }
  }
  std::uint32_t find(std::uint64_t id) const {
    if (!sparse_.empty()) return sparse_.at(id);
    return dense_[id];
  }
  bool contains(std::uint64_t id) const {
    if (!sparse_.empty()) return sparse_.contains(id);
    return id < dense_.size() && dense_[id] != kNone;
  }
  // The dense map (index by ID, kNone where undefined), or empty when the IDs are sparse.
  const std::vector<std::uint32_t>& dense() const { return dense_; }

 private:
  std::vector<std::uint32_t> dense_;
  std::unordered_map<std::uint64_t, std::uint32_t> sparse_;
};

// Hashes shared by folding an input and absorbing another merger's state: both must put
// equal entities in the same slot.
std::uint64_t mapping_hash(std::uint64_t key_size, std::uint64_t offset, std::uint32_t key_str) {
  return hash_mix(hash_mix(hash_mix(0, key_size), offset), key_str);
}

std::uint64_t function_hash(const FunctionRec& f) {
  return hash_mix(hash_mix(hash_mix(hash_mix(1, f.name), f.system_name), f.filename),
                  static_cast<std::uint64_t>(f.start_line));
}

// One step of the hashes on the fold's hot path (locations and samples of every input):
// one multiply, against hash_mix's longer dependency chain; IndexTable's finalize mixes
// the result again.
inline std::uint64_t hash_step(std::uint64_t h, std::uint64_t v) {
  return std::rotl((h ^ v) * 0x9e3779b97f4a7c15ULL, 29);
}

std::uint64_t location_hash(std::uint64_t address, std::uint32_t mapping, bool is_folded,
                            const LineRec* lines, std::uint32_t count) {
  std::uint64_t h =
      hash_step(hash_step(2, address), mapping | (static_cast<std::uint64_t>(is_folded) << 32));
  for (std::uint32_t i = 0; i < count; ++i) {
    h = hash_step(
        hash_step(h, lines[i].function ^ std::rotl(static_cast<std::uint64_t>(lines[i].line), 32)),
        static_cast<std::uint64_t>(lines[i].column));
  }
  return h;
}

std::uint64_t sample_hash(const std::uint32_t* locs, std::uint32_t loc_count,
                          const LabelRec* labels, std::uint32_t label_count) {
  // Two location indices per step: a sample has a dozen locations or more.
  std::uint64_t h = hash_step(3, loc_count);
  std::uint32_t i = 0;
  for (; i + 2 <= loc_count; i += 2) {
    h = hash_step(h, locs[i] | (static_cast<std::uint64_t>(locs[i + 1]) << 32));
  }
  if (i < loc_count) h = hash_step(h, locs[i]);
  for (std::uint32_t k = 0; k < label_count; ++k) {
    const LabelRec& l = labels[k];
    h = hash_mix(hash_mix(hash_mix(hash_mix(h, l.key), l.str), l.unit),
                 static_cast<std::uint64_t>(l.num) * 2 + l.is_num);
  }
  return h;
}

// pprof compares labels key by key (keys sorted, each key's values in their original
// order): a stable sort by (kind, interned key) gives the same identity.
void sort_labels(LabelRec* begin, LabelRec* end) {
  if (end - begin < 2) return;
  std::stable_sort(begin, end, [](const LabelRec& a, const LabelRec& b) {
    return std::tie(a.is_num, a.key) < std::tie(b.is_num, b.key);
  });
}

constexpr std::uint64_t kMappingRounding = 0x1000;  // pprof's tolerance for ASLR noise

std::uint64_t mapping_key_size(std::uint64_t size) {
  std::uint64_t key_size = size + kMappingRounding - 1;
  return key_size - key_size % kMappingRounding;
}

// A location of the input being folded, translated to the merged state's indices.
struct LocationKey {
  std::uint64_t hash, address;
  std::uint32_t mapping, line_begin, line_count;
  bool is_folded;
};

// A sample of the input being folded (ranges into FoldScratch's key_* vectors).
struct SampleKey {
  std::uint64_t hash;
  std::uint32_t loc_begin, loc_count, label_begin, label_count, value_begin;
};

// The per-input translation tables and buffers of a fold, kept by the merger and reused
// input after input: once grown to the size of the inputs, folding allocates nothing.
struct FoldScratch {
  std::vector<std::uint32_t> string_map;  // input string index -> interned
  std::vector<std::uint64_t> hashes;      // of the input's strings, then of its functions
  IdIndex function_ids, mapping_ids, location_ids;
  std::vector<std::uint32_t> function_cache, mapping_cache;  // input index -> merged
  std::vector<std::uint32_t> location_by_id;  // dense input location ID -> merged location
  std::vector<std::uint32_t> location_cache;  // input location index -> merged (sparse IDs)
  std::vector<LocationKey> location_keys;
  std::vector<LineRec> key_lines;
  std::vector<SampleKey> sample_keys;
  std::vector<std::uint32_t> key_locs;
  std::vector<LabelRec> key_labels;
  std::vector<std::int64_t> key_values;
  SampleView sample;
};

}  // namespace

struct ProfileMerger::State {
  // A layer (layer_on) looks up what its base holds in the base's tables instead of
  // holding it again: the base's strings, functions, locations and samples keep their
  // indices [0, base_*), the layer's own entries follow from base_* on, and the vectors
  // below hold only the layer's own (index minus base_*). Mappings are not layered: a
  // layer starts with neutral copies of the base's (see layer_on). values covers every
  // index, the base's samples too, and holds only what the layer's inputs added. A State
  // without a base has base_* == 0: every index is its own.
  const State* base = nullptr;
  std::uint32_t base_strings = 0, base_functions = 0, base_locations = 0, base_samples = 0;

  // How a layer's lookups of locations and samples fare in its base. When the inputs are
  // unlike the first (another build of the program, say), most miss there, and probing
  // the base first would only add a second lookup to each: past kBaseTrial lookups with
  // fewer than half found, the layer stops looking there (after the input that showed
  // it). What the base holds may then be added to the layer again, under another index;
  // absorbing the layer merges the two, as it merges what two shards both hold. Strings
  // and functions are always looked up in the base: they are fewer, mostly shared across
  // builds, and sample types are compared by their string indices.
  struct BaseLookups {
    std::uint64_t lookups = 0, found = 0;
    bool off = false;
    void settle() {
      if (!off && lookups >= kBaseTrial && found * 2 < lookups) off = true;
    }
    template <class Equal>
    std::uint32_t find(const IndexTable& table, std::uint64_t hash, Equal equal) {
      ++lookups;
      const std::uint32_t index = table.find(hash, equal);
      found += index != kNone;
      return index;
    }
  };
  static constexpr std::uint64_t kBaseTrial = 4096;
  BaseLookups location_lookups, sample_lookups;
  bool base_has_locations() const { return base != nullptr && !location_lookups.off; }
  bool base_has_samples() const { return base != nullptr && !sample_lookups.off; }

  // Interned strings; index 0 is "". Their bytes live in string_blocks, back to back in
  // the order they were interned: blocks never move, so the views stay valid, and
  // looking up an input's strings (mostly in the same order) walks memory forwards.
  std::vector<std::string_view> strings{""};
  IndexTable string_table;
  std::vector<std::unique_ptr<char[]>> string_blocks;
  char* block_next = nullptr;
  std::size_t block_left = 0;

  std::string_view store(std::string_view s) {
    if (s.size() > block_left) {
      constexpr std::size_t kBlock = std::size_t{64} << 10;
      const std::size_t size = std::max(s.size(), kBlock);
      string_blocks.emplace_back(new char[size]);
      block_next = string_blocks.back().get();
      block_left = size;
    }
    std::copy(s.begin(), s.end(), block_next);
    const std::string_view stored(block_next, s.size());
    block_next += s.size();
    block_left -= s.size();
    return stored;
  }

  // Header.
  std::size_t inputs = 0;
  bool kind_set = false;  // sample_types and period_type hold the reference kind
  std::string first_name;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> sample_types;
  std::pair<std::uint32_t, std::uint32_t> period_type{0, 0};
  std::int64_t duration_nanos = 0, period = 0, time_nanos = 0;
  std::vector<std::uint32_t> comments;  // distinct
  std::uint32_t default_sample_type = 0, doc_url = 0, drop_frames = 0, keep_frames = 0;

  std::vector<FunctionRec> functions;
  IndexTable function_table;
  std::vector<MappingRec> mappings;
  IndexTable mapping_table;
  std::vector<LocationRec> locations;
  std::vector<LineRec> lines;
  IndexTable location_table;
  std::vector<SampleRec> samples;
  std::vector<std::uint32_t> sample_locations;
  std::vector<LabelRec> labels;
  std::vector<std::int64_t> values;  // samples.size() x sample_types.size()
  IndexTable sample_table;

  FoldScratch scratch;  // add()'s working memory, not part of the merged state

  // Entries by index, in the base or in this layer.
  std::size_t string_count() const { return base_strings + strings.size(); }
  std::size_t function_count() const { return base_functions + functions.size(); }
  std::size_t location_count() const { return base_locations + locations.size(); }
  std::size_t sample_count() const { return base_samples + samples.size(); }
  std::string_view string_at(std::uint32_t i) const {
    return i < base_strings ? base->strings[i] : strings[i - base_strings];
  }
  const FunctionRec& function_at(std::uint32_t i) const {
    return i < base_functions ? base->functions[i] : functions[i - base_functions];
  }
  const LocationRec& location_at(std::uint32_t i) const {
    return i < base_locations ? base->locations[i] : locations[i - base_locations];
  }
  const LineRec* lines_of(std::uint32_t location) const {
    return location < base_locations
               ? base->lines.data() + base->locations[location].line_begin
               : lines.data() + locations[location - base_locations].line_begin;
  }
  const SampleRec& sample_at(std::uint32_t i) const {
    return i < base_samples ? base->samples[i] : samples[i - base_samples];
  }
  const std::uint32_t* locations_of(std::uint32_t sample) const {
    return sample < base_samples
               ? base->sample_locations.data() + base->samples[sample].loc_begin
               : sample_locations.data() + samples[sample - base_samples].loc_begin;
  }
  const LabelRec* labels_of(std::uint32_t sample) const {
    return sample < base_samples ? base->labels.data() + base->samples[sample].label_begin
                                 : labels.data() + samples[sample - base_samples].label_begin;
  }

  // Prefetches for the fold's lookups: in a layer, the base's slot (where a lookup
  // starts) and its own (where it goes on when the base lacks the entry). Always
  // inlined, as IndexTable::prefetch (a call that only prefetches is dropped).
  [[gnu::always_inline]] void prefetch_string(std::uint64_t h) const {
    if (base != nullptr) base->string_table.prefetch(h);
    string_table.prefetch(h);
  }
  [[gnu::always_inline]] void prefetch_function(std::uint64_t h) const {
    if (base != nullptr) base->function_table.prefetch(h);
    function_table.prefetch(h);
  }
  [[gnu::always_inline]] void prefetch_location(std::uint64_t h) const {
    if (base_has_locations()) base->location_table.prefetch(h);
    location_table.prefetch(h);
  }
  [[gnu::always_inline]] void prefetch_sample(std::uint64_t h) const {
    if (base_has_samples()) base->sample_table.prefetch(h);
    sample_table.prefetch(h);
  }

  // Eight bytes per step (strings are mostly symbol and file names of tens of bytes).
  static std::uint64_t string_hash(std::string_view s) {
    std::uint64_t h = hash_step(4, s.size());
    const char* p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      h = hash_step(h, word);
    }
    if (n != 0) {
      std::uint64_t tail = 0;
      for (std::size_t i = 0; i < n; ++i)
        tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
      h = hash_step(h, tail);
    }
    return h;
  }

  std::uint32_t intern(std::string_view s) {
    if (s.empty()) return 0;
    return intern(s, string_hash(s));
  }
  // REQUIRES: h == string_hash(s), s not empty.
  std::uint32_t intern(std::string_view s, std::uint64_t h) {
    if (base != nullptr) {
      const std::uint32_t found =
          base->string_table.find(h, [&](std::uint32_t i) { return base->strings[i] == s; });
      if (found != kNone) return found;
    }
    const auto next = static_cast<std::uint32_t>(strings.size());
    auto [index, inserted] =
        string_table.find_or_insert(h, next, [&](std::uint32_t i) { return strings[i] == s; });
    if (inserted) strings.push_back(store(s));
    return base_strings + index;
  }

  // The smaller of two strings by content, ignoring the empty string: an order-free choice
  // for header fields pprof takes from the first input.
  std::uint32_t smallest_non_empty(std::uint32_t a, std::uint32_t b) const {
    if (a == 0) return b;
    if (b == 0) return a;
    return string_at(b) < string_at(a) ? b : a;
  }

  // Finds or adds a mapping; merges its fields into an existing one (order-free rules).
  std::uint32_t add_mapping(const MappingRec& m) {
    const auto next = static_cast<std::uint32_t>(mappings.size());
    auto [index, inserted] = mapping_table.find_or_insert(
        mapping_hash(m.key_size, m.offset, m.key_str), next, [&](std::uint32_t i) {
          const MappingRec& r = mappings[i];
          return r.key_size == m.key_size && r.offset == m.offset && r.key_str == m.key_str;
        });
    if (inserted) {
      mappings.push_back(m);
    } else {
      MappingRec& r = mappings[index];
      r.start = std::min(r.start, m.start);
      r.size = std::max(r.size, m.size);
      r.filename = smallest_non_empty(r.filename, m.filename);
      r.build_id = smallest_non_empty(r.build_id, m.build_id);
      r.has_functions |= m.has_functions;
      r.has_filenames |= m.has_filenames;
      r.has_line_numbers |= m.has_line_numbers;
      r.has_inline_frames |= m.has_inline_frames;
      r.main |= m.main;
    }
    return index;
  }

  std::uint32_t add_function(const FunctionRec& rec) {
    return add_function(rec, function_hash(rec));
  }
  // REQUIRES: hash == function_hash(rec).
  std::uint32_t add_function(const FunctionRec& rec, std::uint64_t hash) {
    if (base != nullptr) {
      const std::uint32_t found = base->function_table.find(
          hash, [&](std::uint32_t i) { return base->functions[i] == rec; });
      if (found != kNone) return found;
    }
    const auto next = static_cast<std::uint32_t>(functions.size());
    auto [index, inserted] = function_table.find_or_insert(
        hash, next, [&](std::uint32_t i) { return functions[i] == rec; });
    if (inserted) functions.push_back(rec);
    return base_functions + index;
  }

  std::uint32_t add_location(std::uint64_t hash, std::uint64_t address, std::uint32_t mapping,
                             bool is_folded, const LineRec* key_lines, std::uint32_t line_count) {
    auto equal_in = [&](const State& st) {
      return [&](std::uint32_t i) {
        const LocationRec& r = st.locations[i];
        return r.address == address && r.mapping == mapping && r.is_folded == is_folded &&
               r.line_count == line_count &&
               std::equal(key_lines, key_lines + line_count, st.lines.begin() + r.line_begin);
      };
    };
    if (base_has_locations()) {
      const std::uint32_t found =
          location_lookups.find(base->location_table, hash, equal_in(*base));
      if (found != kNone) return found;
    }
    const auto next = static_cast<std::uint32_t>(locations.size());
    auto [index, inserted] = location_table.find_or_insert(hash, next, equal_in(*this));
    if (inserted) {
      locations.push_back(LocationRec{address, mapping, static_cast<std::uint32_t>(lines.size()),
                                      line_count, is_folded});
      lines.insert(lines.end(), key_lines, key_lines + line_count);
    }
    return base_locations + index;
  }

  // Finds or adds a sample and adds its values. Throws on overflow.
  void add_sample(std::uint64_t hash, const std::uint32_t* locs, std::uint32_t loc_count,
                  const LabelRec* key_labels, std::uint32_t label_count,
                  const std::int64_t* sample_values, const std::string& name) {
    auto equal_in = [&](const State& st) {
      return [&](std::uint32_t i) {
        const SampleRec& r = st.samples[i];
        return r.loc_count == loc_count && r.label_count == label_count &&
               std::equal(locs, locs + loc_count, st.sample_locations.begin() + r.loc_begin) &&
               std::equal(key_labels, key_labels + label_count, st.labels.begin() + r.label_begin);
      };
    };
    if (base_has_samples()) {
      const std::uint32_t found = sample_lookups.find(base->sample_table, hash, equal_in(*base));
      if (found != kNone) return add_values(found, sample_values, name);
    }
    const auto next = static_cast<std::uint32_t>(samples.size());
    auto [index, inserted] = sample_table.find_or_insert(hash, next, equal_in(*this));
    if (inserted) {
      samples.push_back(SampleRec{static_cast<std::uint32_t>(sample_locations.size()), loc_count,
                                  static_cast<std::uint32_t>(labels.size()), label_count});
      sample_locations.insert(sample_locations.end(), locs, locs + loc_count);
      labels.insert(labels.end(), key_labels, key_labels + label_count);
      values.insert(values.end(), sample_values, sample_values + sample_types.size());
      return;
    }
    add_values(base_samples + index, sample_values, name);
  }

  // Adds values to those of sample `index`. Throws on overflow.
  void add_values(std::uint32_t index, const std::int64_t* sample_values, const std::string& name) {
    const std::size_t types = sample_types.size();
    std::int64_t* acc = values.data() + static_cast<std::size_t>(index) * types;
    for (std::size_t i = 0; i < types; ++i) {
      if (__builtin_add_overflow(acc[i], sample_values[i], &acc[i])) {
        throw Error("merge", name, "merged sample value overflows 64 bits",
                    "merge fewer or down-weighted inputs");
      }
    }
  }

  // The header rules, shared by add and absorb.
  void fold_header(std::int64_t duration, std::int64_t input_period, std::int64_t time) {
    duration_nanos += duration;
    period = std::max(period, input_period);
    if (time != 0 && (time_nanos == 0 || time < time_nanos)) time_nanos = time;
  }
  void fold_strings(std::uint32_t comment_or_none, std::uint32_t dst, std::uint32_t doc,
                    std::uint32_t drop, std::uint32_t keep) {
    if (comment_or_none != 0 &&
        std::find(comments.begin(), comments.end(), comment_or_none) == comments.end()) {
      comments.push_back(comment_or_none);
    }
    default_sample_type = smallest_non_empty(default_sample_type, dst);
    doc_url = smallest_non_empty(doc_url, doc);
    drop_frames = smallest_non_empty(drop_frames, drop);
    keep_frames = smallest_non_empty(keep_frames, keep);
  }

  void check_kind(const WireProfile& p, const std::string& name);
  void add(const WireProfile& p, const std::string& name, double weight);
  void adopt_kind(const State& other);
  void layer_on(const State& base);
  void absorb(const State& other);
  Profile result() const;
};

namespace {

std::string describe_types(const ProfileMerger::State& st,
                           const std::vector<std::pair<std::uint32_t, std::uint32_t>>& types) {
  std::string out = "[";
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (i) out += " ";
    out += std::string(st.string_at(types[i].first)) + "/" +
           std::string(st.string_at(types[i].second));
  }
  return out + "]";
}

// Folds one input. Holds the per-input tables (string and ID translations) so that each
// input string and each input entity is translated once.
class InputFolder {
 public:
  InputFolder(ProfileMerger::State& st, const WireProfile& p, const std::string& name)
      : st_(st), sc_(st.scratch), p_(p), name_(name) {
    sc_.function_ids.reset(p.functions);
    sc_.mapping_ids.reset(p.mappings);
    sc_.location_ids.reset(p.locations);
    sc_.mapping_cache.assign(p.mappings.size(), kNone);
    intern_strings();
    map_functions();
  }

  std::uint32_t str(std::int64_t index) const {
    return sc_.string_map[static_cast<std::size_t>(index)];
  }

  // Interns every string of the input (hash all, then probe with prefetching ahead: the
  // tables outgrow the caches, so each lookup is mostly a miss and overlapping them pays).
  // Strings no live sample reaches are interned too but never emitted.
  void intern_strings() {
    const std::size_t n = p_.strings.size();
    std::vector<std::uint64_t>& hashes = sc_.hashes;
    hashes.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      hashes[i] = ProfileMerger::State::string_hash(p_.strings[i]);
    sc_.string_map.resize(n);
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) st_.prefetch_string(hashes[i + kAhead]);
      sc_.string_map[i] = p_.strings[i].empty() ? 0 : st_.intern(p_.strings[i], hashes[i]);
    }
  }

  // Translates every function of the input, the same way.
  void map_functions() {
    const std::size_t n = p_.functions.size();
    std::vector<std::uint64_t>& hashes = sc_.hashes;
    hashes.resize(n);
    for (std::size_t i = 0; i < n; ++i) hashes[i] = function_hash(function_rec(i));
    sc_.function_cache.resize(n);
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 0; i < n; ++i) {
      if (i + kAhead < n) st_.prefetch_function(hashes[i + kAhead]);
      sc_.function_cache[i] = st_.add_function(function_rec(i), hashes[i]);
    }
  }

  FunctionRec function_rec(std::size_t fi) const {
    const WireFunction& f = p_.functions[fi];
    return FunctionRec{str(f.name), str(f.system_name), str(f.filename), f.start_line};
  }

  std::uint32_t mapping(std::uint32_t mi, bool main) {
    if (sc_.mapping_cache[mi] != kNone) {
      if (main) st_.mappings[sc_.mapping_cache[mi]].main = true;
      return sc_.mapping_cache[mi];
    }
    const WireMapping& m = p_.mappings[mi];
    const std::uint64_t size = m.memory_limit - m.memory_start;
    const std::uint32_t build_id = str(m.build_id);
    const std::uint32_t filename = str(m.filename);
    const std::uint32_t key_str = build_id != 0 ? build_id : filename;
    const std::uint32_t index = st_.add_mapping(MappingRec{
        m.memory_start, size, m.file_offset, mapping_key_size(size), key_str, filename, build_id,
        m.has_functions, m.has_filenames, m.has_line_numbers, m.has_inline_frames, main});
    sc_.mapping_cache[mi] = index;
    return index;
  }

  std::uint32_t function(std::uint32_t fi) const { return sc_.function_cache[fi]; }

  // Translates every location of the input, in two passes so that the hash-table misses
  // of many lookups overlap (pass 1: keys and hashes; pass 2: prefetch ahead, probe).
  // Locations no live sample uses are merged too but never emitted. Then fills
  // location_by_id, so that a sample's location ID is checked and translated in one load.
  void map_locations() {
    std::vector<LocationKey>& keys = sc_.location_keys;
    std::vector<LineRec>& key_lines = sc_.key_lines;
    keys.resize(p_.locations.size());
    key_lines.clear();
    key_lines.reserve(p_.lines.size());
    const std::vector<std::uint32_t>& function_index = sc_.function_ids.dense();
    for (std::size_t li = 0; li < p_.locations.size(); ++li) {
      const WireLocation& l = p_.locations[li];
      LocationKey& k = keys[li];
      k.mapping = kNone;
      k.address = l.address;
      if (l.mapping_id != 0) {
        const std::uint32_t mi = sc_.mapping_ids.find(l.mapping_id);
        k.mapping = mapping(mi, false);
        k.address -= p_.mappings[mi].memory_start;
      }
      k.is_folded = l.is_folded;
      k.line_begin = static_cast<std::uint32_t>(key_lines.size());
      k.line_count = l.line_count;
      for (std::uint32_t i = 0; i < l.line_count; ++i) {
        const WireLine& line = p_.lines[l.line_begin + i];
        std::uint32_t fn = kNone;
        if (line.function_id != 0) {
          fn = function(function_index.empty() ? sc_.function_ids.find(line.function_id)
                                               : function_index[line.function_id]);
        }
        key_lines.push_back(LineRec{fn, line.line, line.column});
      }
      k.hash = location_hash(k.address, k.mapping, k.is_folded, key_lines.data() + k.line_begin,
                             k.line_count);
    }
    std::vector<std::uint32_t>& merged = sc_.location_cache;
    merged.resize(keys.size());
    constexpr std::size_t kAhead = 8;
    for (std::size_t li = 0; li < keys.size(); ++li) {
      if (li + kAhead < keys.size()) st_.prefetch_location(keys[li + kAhead].hash);
      const LocationKey& k = keys[li];
      merged[li] = st_.add_location(k.hash, k.address, k.mapping, k.is_folded,
                                    key_lines.data() + k.line_begin, k.line_count);
    }
    const std::vector<std::uint32_t>& location_index = sc_.location_ids.dense();
    sc_.location_by_id.assign(location_index.size(), kNone);
    for (std::size_t id = 0; id < location_index.size(); ++id) {
      if (location_index[id] != kNone) sc_.location_by_id[id] = merged[location_index[id]];
    }
  }

  // The merged location of an input location ID, or kNone when the input defines none.
  std::uint32_t location(std::uint64_t id) const {
    if (!sc_.location_by_id.empty()) {
      return id < sc_.location_by_id.size() ? sc_.location_by_id[id] : kNone;
    }
    return sc_.location_ids.contains(id) ? sc_.location_cache[sc_.location_ids.find(id)] : kNone;
  }

  // The general path of fold's sample loop, for a sample of any shape: translates its
  // locations into `merged` (room made by the caller), appends its values (scaled by
  // `weight`) to key_values and its labels (sorted) to key_labels, and returns whether
  // every value is zero. The checks are those of check_sample, fused with the
  // translation (the caller may have left them to the fold: MergeJob does when a bad
  // input fails the whole merge anyway); a bad sample is handed to check_sample for its
  // error message.
  bool fold_general_sample(const SampleView& s, std::size_t index, std::uint32_t* merged,
                           double weight) {
    const std::size_t types = st_.sample_types.size();
    const std::size_t loc_count = s.location_ids.size();
    bool bad = s.values.size() != types;
    for (std::size_t i = 0; i < loc_count; ++i) {
      merged[i] = location(s.location_ids[i]);
      bad |= merged[i] == kNone;
    }
    const auto string_count = static_cast<std::uint64_t>(p_.strings.size());
    for (const WireLabel& label : s.labels) {
      bad |= static_cast<std::uint64_t>(label.key) >= string_count ||
             static_cast<std::uint64_t>(label.str) >= string_count ||
             static_cast<std::uint64_t>(label.num_unit) >= string_count;
    }
    if (bad) [[unlikely]] {
      check_sample(s, index, p_, name_, [this](std::uint64_t id) { return location(id) != kNone; });
    }
    std::vector<std::int64_t>& key_values = sc_.key_values;
    bool all_zero = true;
    for (std::size_t i = 0; i < types; ++i) {
      std::int64_t value = s.values[i];
      if (weight != 1.0) {
        const auto scaled = scale_value(value, weight);
        if (!scaled) {
          throw Error("merge", name_, "sample value overflows 64 bits after scaling",
                      "use a smaller --weight");
        }
        value = *scaled;
      }
      key_values.push_back(value);
      all_zero = all_zero && value == 0;
    }
    std::vector<LabelRec>& key_labels = sc_.key_labels;
    const std::size_t label_begin = key_labels.size();
    for (const WireLabel& label : s.labels) {
      // pprof's model: a string label when str is set, a numeric one when num or unit
      // is, and nothing at all otherwise.
      if (label.str != 0) {
        key_labels.push_back(LabelRec{str(label.key), str(label.str), 0, 0, false});
      } else if (label.num != 0 || label.num_unit != 0) {
        key_labels.push_back(LabelRec{str(label.key), 0, str(label.num_unit), label.num, true});
      }
    }
    sort_labels(key_labels.data() + label_begin, key_labels.data() + key_labels.size());
    return all_zero;
  }

  void fold(double weight) {
    // pprof keeps the first input's first mapping even when no sample uses it; doing it
    // for every input keeps the rule independent of input order.
    if (!p_.mappings.empty()) mapping(0, true);
    map_locations();

    // Samples are decoded from the input's bytes and folded a chunk at a time: pass 1
    // translates a chunk's keys and hashes them into flat buffers, pass 2 probes
    // (prefetching ahead) and adds up. Memory stays bounded whatever the sample count.
    // A chunk of a few hundred samples is plenty to prefetch ahead and keeps its keys in
    // the core's own cache between the two passes; thousands would cost each worker a
    // megabyte more for no speed (bench/merge_benchmark.cpp, FoldSeen).
    const std::size_t types = st_.sample_types.size();
    constexpr std::size_t kChunk = 256;
    std::vector<SampleKey>& keys = sc_.sample_keys;
    std::vector<std::uint32_t>& key_locs = sc_.key_locs;
    std::vector<LabelRec>& key_labels = sc_.key_labels;
    std::vector<std::int64_t>& key_values = sc_.key_values;
    SampleView& s = sc_.sample;
    SampleCursor cursor(p_, name_);
    std::size_t index = 0;                   // of the sample in the input, for error messages
    const bool unit_weight = weight == 1.0;  // the usual case: no scaling call per value
    const std::uint32_t* by_id = sc_.location_by_id.data();  // empty: sparse IDs
    const std::size_t by_id_size = sc_.location_by_id.size();
    bool more = true;
    while (more) {
      keys.clear();
      std::size_t loc_end = 0;  // key_locs[0, loc_end) hold this chunk's samples
      key_labels.clear();
      key_values.clear();
      const std::uint8_t *sample_begin, *sample_end;
      while (keys.size() < kChunk && (more = cursor.next_bytes(sample_begin, sample_end))) {
        const auto loc_begin = static_cast<std::uint32_t>(loc_end);
        const auto value_begin = static_cast<std::uint32_t>(key_values.size());
        const auto label_begin = static_cast<std::uint32_t>(key_labels.size());
        // Room for the fast path: a sample's byte length bounds its location count. Only
        // for samples of ordinary size (a huge one, say a long label, would inflate the
        // scratch), and checked per ID: without room the general path takes the sample.
        constexpr std::size_t kPlainRoom = std::size_t{64} << 10;
        const auto bytes = static_cast<std::size_t>(sample_end - sample_begin);
        if (key_locs.size() < loc_begin + bytes && bytes <= kPlainRoom) {
          key_locs.resize(2 * (loc_begin + bytes));
        }
        const std::size_t room = key_locs.size() - loc_begin;
        std::uint32_t* merged = key_locs.data() + loc_begin;
        std::size_t loc_count = 0;
        bool all_zero = true;
        // Fast path, the shape of nearly every sample: IDs translated (and checked) as
        // they are decoded, values appended as they are. Anything else (labels, scaling,
        // sparse IDs, a bad ID or value count, malformed bytes) takes the general path.
        const bool plain = unit_weight && by_id_size != 0 &&
                           decode_plain_sample(
                               sample_begin, sample_end,
                               [&](std::uint64_t id) {
                                 if (loc_count == room || id >= by_id_size || by_id[id] == kNone)
                                   return false;
                                 merged[loc_count++] = by_id[id];
                                 return true;
                               },
                               [&](std::uint64_t v) {
                                 key_values.push_back(static_cast<std::int64_t>(v));
                                 all_zero = all_zero && v == 0;
                                 return true;
                               }) &&
                           key_values.size() - value_begin == types;
        if (!plain) {
          key_values.resize(value_begin);
          decode_sample_bytes(sample_begin, sample_end, s, name_);
          loc_count = s.location_ids.size();
          // Grown, never shrunk, with loc_end marking the used part: no zero-filling.
          if (key_locs.size() < loc_begin + loc_count) key_locs.resize(2 * (loc_begin + loc_count));
          merged = key_locs.data() + loc_begin;
          all_zero = fold_general_sample(s, index, merged, weight);
        }
        ++index;
        if (all_zero) {
          key_values.resize(value_begin);
          key_labels.resize(label_begin);
          continue;
        }
        loc_end += loc_count;
        // Filled in place: a key built on the stack and copied in stalled on store
        // forwarding (narrow stores read back as one wide load).
        SampleKey& k = keys.emplace_back();
        k.loc_begin = loc_begin;
        k.loc_count = static_cast<std::uint32_t>(loc_count);
        k.label_begin = label_begin;
        k.label_count = static_cast<std::uint32_t>(key_labels.size()) - label_begin;
        k.value_begin = value_begin;
        k.hash = sample_hash(merged, k.loc_count, key_labels.data() + label_begin, k.label_count);
      }
      constexpr std::size_t kAhead = 8;
      for (std::size_t n = 0; n < keys.size(); ++n) {
        if (n + kAhead < keys.size()) st_.prefetch_sample(keys[n + kAhead].hash);
        const SampleKey& k = keys[n];
        st_.add_sample(k.hash, key_locs.data() + k.loc_begin, k.loc_count,
                       key_labels.data() + k.label_begin, k.label_count,
                       key_values.data() + k.value_begin, name_);
      }
    }
  }

 private:
  ProfileMerger::State& st_;
  FoldScratch& sc_;
  const WireProfile& p_;
  const std::string& name_;
};

}  // namespace

void ProfileMerger::State::check_kind(const WireProfile& p, const std::string& name) {
  // Interning the type names of an incompatible input is harmless: unused strings are
  // never emitted.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> types;
  for (const auto& st : p.sample_types) {
    types.emplace_back(intern(p.strings[static_cast<std::size_t>(st.type)]),
                       intern(p.strings[static_cast<std::size_t>(st.unit)]));
  }
  const std::pair<std::uint32_t, std::uint32_t> ptype{
      intern(p.strings[static_cast<std::size_t>(p.period_type.type)]),
      intern(p.strings[static_cast<std::size_t>(p.period_type.unit)])};
  if (!kind_set) {
    sample_types = types;
    period_type = ptype;
    first_name = name;
    kind_set = true;
  } else if (ptype != period_type) {
    throw Error(ErrorKind::kIncompatibleProfiles, "merge", name,
                "incompatible period types: " + std::string(string_at(ptype.first)) + "/" +
                    std::string(string_at(ptype.second)) + " here, " +
                    std::string(string_at(period_type.first)) + "/" +
                    std::string(string_at(period_type.second)) + " in " + first_name,
                "merge only profiles of the same kind");
  } else if (types != sample_types) {
    throw Error(ErrorKind::kIncompatibleProfiles, "merge", name,
                "incompatible sample types: " + describe_types(*this, types) + " here, " +
                    describe_types(*this, sample_types) + " in " + first_name,
                "merge only profiles of the same kind");
  }
}

void ProfileMerger::State::add(const WireProfile& p, const std::string& name, double weight) {
  // Compatibility first, so that an incompatible input leaves the merged state unchanged.
  check_kind(p, name);
  InputFolder folder(*this, p, name);
  folder.fold(weight);

  ++inputs;
  location_lookups.settle();
  sample_lookups.settle();
  fold_header(p.duration_nanos, p.period, p.time_nanos);
  for (std::int64_t c : p.comments) fold_strings(folder.str(c), 0, 0, 0, 0);
  fold_strings(0, folder.str(p.default_sample_type), folder.str(p.doc_url),
               folder.str(p.drop_frames), folder.str(p.keep_frames));
}

void ProfileMerger::State::adopt_kind(const State& o) {
  if (!o.kind_set) return;
  auto translated = o.sample_types;
  for (auto& [type, unit] : translated) {
    type = intern(o.string_at(type));
    unit = intern(o.string_at(unit));
  }
  const std::pair<std::uint32_t, std::uint32_t> ptype{intern(o.string_at(o.period_type.first)),
                                                      intern(o.string_at(o.period_type.second))};
  if (!kind_set) {
    sample_types = translated;
    period_type = ptype;
    first_name = o.first_name;
    kind_set = true;
  } else if (translated != sample_types || ptype != period_type) {
    throw Error(ErrorKind::kIncompatibleProfiles, "merge", o.first_name,
                "incompatible sample types: " + describe_types(*this, translated) + " here, " +
                    describe_types(*this, sample_types) + " in " + first_name,
                "merge only profiles of the same kind");
  }
}

void ProfileMerger::State::layer_on(const State& b) {
  base = &b;
  base_strings = static_cast<std::uint32_t>(b.strings.size());
  base_functions = static_cast<std::uint32_t>(b.functions.size());
  base_locations = static_cast<std::uint32_t>(b.locations.size());
  base_samples = static_cast<std::uint32_t>(b.samples.size());
  strings.clear();  // "" is the base's string 0
  adopt_kind(b);
  // The base's mappings at the same indices, each holding the identity of every merge
  // rule (no start, no size, no names, no flags): matching one merges in only what this
  // layer's inputs bring, so the layer's result is that of its own inputs.
  mappings.clear();
  for (MappingRec m : b.mappings) {
    m.start = std::numeric_limits<std::uint64_t>::max();
    m.size = 0;
    m.filename = 0;
    m.build_id = 0;
    m.has_functions = m.has_filenames = m.has_line_numbers = m.has_inline_frames = false;
    m.main = false;
    mappings.push_back(m);
  }
  mapping_table = b.mapping_table;
  values.assign(static_cast<std::size_t>(base_samples) * sample_types.size(), 0);
}

void ProfileMerger::State::absorb(const State& o) {
  // When o is a layer over this state or over this layer's own base, the base's part of
  // o's indices means the same here: only o's own entries need looking up.
  const bool same_base = o.base != nullptr && (o.base == this || o.base == base);
  auto shared_prefix = [&](std::vector<std::uint32_t>& map, std::uint32_t base_count) {
    if (!same_base) return std::uint32_t{0};
    std::iota(map.begin(), map.begin() + base_count, 0u);
    return base_count;
  };
  std::vector<std::uint32_t> smap(o.string_count());
  for (std::uint32_t i = shared_prefix(smap, o.base_strings); i < smap.size(); ++i) {
    smap[i] = intern(o.string_at(i));
  }
  adopt_kind(o);
  std::vector<std::uint32_t> mmap(o.mappings.size());
  for (std::size_t i = 0; i < o.mappings.size(); ++i) {
    MappingRec m = o.mappings[i];
    m.key_str = smap[m.key_str];
    m.filename = smap[m.filename];
    m.build_id = smap[m.build_id];
    mmap[i] = add_mapping(m);
  }
  std::vector<std::uint32_t> fmap(o.function_count());
  for (std::uint32_t i = shared_prefix(fmap, o.base_functions); i < fmap.size(); ++i) {
    const FunctionRec& f = o.function_at(i);
    fmap[i] = add_function(
        FunctionRec{smap[f.name], smap[f.system_name], smap[f.filename], f.start_line});
  }
  std::vector<std::uint32_t> lmap(o.location_count());
  std::vector<LineRec> key_lines;
  for (std::uint32_t i = shared_prefix(lmap, o.base_locations); i < lmap.size(); ++i) {
    const LocationRec& l = o.location_at(i);
    const LineRec* l_lines = o.lines_of(i);
    key_lines.clear();
    for (std::uint32_t k = 0; k < l.line_count; ++k) {
      LineRec line = l_lines[k];
      if (line.function != kNone) line.function = fmap[line.function];
      key_lines.push_back(line);
    }
    const std::uint32_t mapping = l.mapping == kNone ? kNone : mmap[l.mapping];
    lmap[i] =
        add_location(location_hash(l.address, mapping, l.is_folded, key_lines.data(), l.line_count),
                     l.address, mapping, l.is_folded, key_lines.data(), l.line_count);
  }
  const std::size_t types = sample_types.size();
  std::vector<std::uint32_t> key_locs;
  std::vector<LabelRec> key_labels;
  for (std::uint32_t i = 0; i < o.sample_count(); ++i) {
    const std::int64_t* v = o.values.data() + static_cast<std::size_t>(i) * types;
    // All zero: nothing to add (a layer's untouched base samples, or values that summed
    // to zero, which the result drops anyway).
    if (std::all_of(v, v + types, [](std::int64_t x) { return x == 0; })) continue;
    if (same_base && i < o.base_samples) {
      add_values(i, v, first_name);
      continue;
    }
    const SampleRec& r = o.sample_at(i);
    const std::uint32_t* locs = o.locations_of(i);
    const LabelRec* sample_labels = o.labels_of(i);
    key_locs.clear();
    key_labels.clear();
    for (std::uint32_t k = 0; k < r.loc_count; ++k) key_locs.push_back(lmap[locs[k]]);
    for (std::uint32_t k = 0; k < r.label_count; ++k) {
      LabelRec l = sample_labels[k];
      l.key = smap[l.key];
      l.str = smap[l.str];
      l.unit = smap[l.unit];
      key_labels.push_back(l);
    }
    // The other state sorted by its own string indices; re-sort by ours.
    sort_labels(key_labels.data(), key_labels.data() + key_labels.size());
    add_sample(sample_hash(key_locs.data(), r.loc_count, key_labels.data(), r.label_count),
               key_locs.data(), r.loc_count, key_labels.data(), r.label_count, v, first_name);
  }

  inputs += o.inputs;
  fold_header(o.duration_nanos, o.period, o.time_nanos);
  for (std::uint32_t c : o.comments) fold_strings(smap[c], 0, 0, 0, 0);
  fold_strings(0, smap[o.default_sample_type], smap[o.doc_url], smap[o.drop_frames],
               smap[o.keep_frames]);
}

Profile ProfileMerger::State::result() const {
  if (base != nullptr) {
    // The result reads every entry by index; a plain copy of this layer's merge is
    // simpler than reading through the base everywhere (a layer's result is rare: the
    // merge job absorbs its layers into their base).
    State plain;
    plain.absorb(*this);
    return plain.result();
  }
  const std::size_t types = sample_types.size();
  auto sample_is_live = [&](std::size_t s) {
    for (std::size_t i = 0; i < types; ++i) {
      if (values[s * types + i] != 0) return true;
    }
    return false;
  };

  // What the live samples reach, plus every input's main mapping.
  std::vector<std::uint32_t> live_samples;
  std::vector<char> loc_used(locations.size(), 0), fn_used(functions.size(), 0),
      map_used(mappings.size(), 0);
  for (std::size_t s = 0; s < samples.size(); ++s) {
    if (!sample_is_live(s)) continue;  // values that summed to zero
    live_samples.push_back(static_cast<std::uint32_t>(s));
    const SampleRec& r = samples[s];
    for (std::uint32_t i = 0; i < r.loc_count; ++i) loc_used[sample_locations[r.loc_begin + i]] = 1;
  }
  for (std::size_t l = 0; l < locations.size(); ++l) {
    if (!loc_used[l]) continue;
    const LocationRec& r = locations[l];
    if (r.mapping != kNone) map_used[r.mapping] = 1;
    for (std::uint32_t i = 0; i < r.line_count; ++i) {
      if (lines[r.line_begin + i].function != kNone) fn_used[lines[r.line_begin + i].function] = 1;
    }
  }
  for (std::size_t m = 0; m < mappings.size(); ++m) {
    if (mappings[m].main) map_used[m] = 1;
  }

  auto collect = [](const std::vector<char>& used) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < used.size(); ++i) {
      if (used[i]) out.push_back(static_cast<std::uint32_t>(i));
    }
    return out;
  };
  // rank[i] = position of element i in the sorted output (its ID minus one).
  auto ranks = [](const std::vector<std::uint32_t>& order, std::size_t n) {
    std::vector<std::uint32_t> rank(n, kNone);
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<std::uint32_t>(i);
    return rank;
  };
  const auto& S = strings;

  std::vector<std::uint32_t> fn_order = collect(fn_used);
  std::sort(fn_order.begin(), fn_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const FunctionRec& x = functions[a];
    const FunctionRec& y = functions[b];
    if (int c = S[x.name].compare(S[y.name])) return c < 0;
    if (int c = S[x.system_name].compare(S[y.system_name])) return c < 0;
    if (int c = S[x.filename].compare(S[y.filename])) return c < 0;
    return x.start_line < y.start_line;
  });
  const auto fn_rank = ranks(fn_order, functions.size());

  std::vector<std::uint32_t> map_order = collect(map_used);
  std::sort(map_order.begin(), map_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const MappingRec& x = mappings[a];
    const MappingRec& y = mappings[b];
    if (x.start != y.start) return x.start < y.start;
    if (x.size != y.size) return x.size < y.size;
    if (x.offset != y.offset) return x.offset < y.offset;
    if (int c = S[x.filename].compare(S[y.filename])) return c < 0;
    if (int c = S[x.build_id].compare(S[y.build_id])) return c < 0;
    return std::tie(x.has_functions, x.has_filenames, x.has_line_numbers, x.has_inline_frames) <
           std::tie(y.has_functions, y.has_filenames, y.has_line_numbers, y.has_inline_frames);
  });
  const auto map_rank = ranks(map_order, mappings.size());

  // kNone sorts first: an unmapped location or a line without function before any other.
  auto rank_of = [](const std::vector<std::uint32_t>& rank, std::uint32_t i) -> std::int64_t {
    return i == kNone ? -1 : static_cast<std::int64_t>(rank[i]);
  };
  std::vector<std::uint32_t> loc_order = collect(loc_used);
  std::sort(loc_order.begin(), loc_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const LocationRec& x = locations[a];
    const LocationRec& y = locations[b];
    const auto mx = rank_of(map_rank, x.mapping), my = rank_of(map_rank, y.mapping);
    if (mx != my) return mx < my;
    if (x.address != y.address) return x.address < y.address;
    if (x.is_folded != y.is_folded) return x.is_folded < y.is_folded;
    for (std::uint32_t i = 0; i < std::min(x.line_count, y.line_count); ++i) {
      const LineRec& lx = lines[x.line_begin + i];
      const LineRec& ly = lines[y.line_begin + i];
      const auto fx = rank_of(fn_rank, lx.function), fy = rank_of(fn_rank, ly.function);
      if (fx != fy) return fx < fy;
      if (lx.line != ly.line) return lx.line < ly.line;
      if (lx.column != ly.column) return lx.column < ly.column;
    }
    return x.line_count < y.line_count;
  });
  const auto loc_rank = ranks(loc_order, locations.size());

  // Labels in output order: string labels, then numeric ones, each sorted by key text;
  // values of one key keep their order (a stable sort of the per-key groups).
  std::vector<LabelRec> out_labels(labels);
  for (std::uint32_t s : live_samples) {
    const SampleRec& r = samples[s];
    if (r.label_count < 2) continue;
    std::stable_sort(out_labels.begin() + r.label_begin,
                     out_labels.begin() + r.label_begin + r.label_count,
                     [&](const LabelRec& a, const LabelRec& b) {
                       if (a.is_num != b.is_num) return a.is_num < b.is_num;
                       return S[a.key] < S[b.key];
                     });
  }
  std::vector<std::uint32_t> ranked_locs(sample_locations.size());
  for (std::uint32_t s : live_samples) {
    const SampleRec& r = samples[s];
    for (std::uint32_t i = 0; i < r.loc_count; ++i) {
      ranked_locs[r.loc_begin + i] = loc_rank[sample_locations[r.loc_begin + i]];
    }
  }
  auto label_less = [&](const LabelRec& a, const LabelRec& b) -> int {
    if (a.is_num != b.is_num) return a.is_num < b.is_num ? -1 : 1;
    if (int c = S[a.key].compare(S[b.key])) return c;
    if (int c = S[a.str].compare(S[b.str])) return c;
    if (a.num != b.num) return a.num < b.num ? -1 : 1;
    return S[a.unit].compare(S[b.unit]);
  };
  std::vector<std::uint32_t> sample_order = live_samples;
  std::sort(sample_order.begin(), sample_order.end(), [&](std::uint32_t a, std::uint32_t b) {
    const SampleRec& x = samples[a];
    const SampleRec& y = samples[b];
    const auto* lx = ranked_locs.data() + x.loc_begin;
    const auto* ly = ranked_locs.data() + y.loc_begin;
    if (std::lexicographical_compare(lx, lx + x.loc_count, ly, ly + y.loc_count)) return true;
    if (std::lexicographical_compare(ly, ly + y.loc_count, lx, lx + x.loc_count)) return false;
    for (std::uint32_t i = 0; i < std::min(x.label_count, y.label_count); ++i) {
      if (int c = label_less(out_labels[x.label_begin + i], out_labels[y.label_begin + i])) {
        return c < 0;
      }
    }
    return x.label_count < y.label_count;
  });

  // Emit. The string table is built in order of first use.
  Profile out;
  std::vector<std::int64_t> out_string(strings.size(), -1);
  out.add_string_table("");
  out_string[0] = 0;
  auto emit_str = [&](std::uint32_t id) -> std::int64_t {
    if (out_string[id] < 0) {
      out_string[id] = out.string_table_size();
      out.add_string_table(strings[id].data(), strings[id].size());
    }
    return out_string[id];
  };

  for (const auto& [type, unit] : sample_types) {
    auto* vt = out.add_sample_type();
    vt->set_type(emit_str(type));
    vt->set_unit(emit_str(unit));
  }
  out.mutable_sample()->Reserve(static_cast<int>(sample_order.size()));
  for (std::uint32_t s : sample_order) {
    const SampleRec& r = samples[s];
    auto* sample = out.add_sample();
    sample->mutable_location_id()->Reserve(static_cast<int>(r.loc_count));
    for (std::uint32_t i = 0; i < r.loc_count; ++i) {
      sample->add_location_id(ranked_locs[r.loc_begin + i] + 1);
    }
    for (std::size_t i = 0; i < types; ++i) sample->add_value(values[s * types + i]);
    for (std::uint32_t i = 0; i < r.label_count; ++i) {
      const LabelRec& l = out_labels[r.label_begin + i];
      auto* label = sample->add_label();
      label->set_key(emit_str(l.key));
      if (l.is_num) {
        label->set_num(l.num);
        if (l.unit != 0) label->set_num_unit(emit_str(l.unit));
      } else {
        label->set_str(emit_str(l.str));
      }
    }
  }
  for (std::size_t i = 0; i < map_order.size(); ++i) {
    const MappingRec& r = mappings[map_order[i]];
    auto* m = out.add_mapping();
    m->set_id(i + 1);
    m->set_memory_start(r.start);
    m->set_memory_limit(r.start + r.size);
    m->set_file_offset(r.offset);
    m->set_filename(emit_str(r.filename));
    m->set_build_id(emit_str(r.build_id));
    m->set_has_functions(r.has_functions);
    m->set_has_filenames(r.has_filenames);
    m->set_has_line_numbers(r.has_line_numbers);
    m->set_has_inline_frames(r.has_inline_frames);
  }
  out.mutable_location()->Reserve(static_cast<int>(loc_order.size()));
  for (std::size_t i = 0; i < loc_order.size(); ++i) {
    const LocationRec& r = locations[loc_order[i]];
    auto* l = out.add_location();
    l->set_id(i + 1);
    if (r.mapping != kNone) {
      l->set_mapping_id(map_rank[r.mapping] + 1);
      l->set_address(r.address + mappings[r.mapping].start);
    } else {
      l->set_address(r.address);
    }
    l->set_is_folded(r.is_folded);
    for (std::uint32_t k = 0; k < r.line_count; ++k) {
      const LineRec& lr = lines[r.line_begin + k];
      auto* line = l->add_line();
      if (lr.function != kNone) line->set_function_id(fn_rank[lr.function] + 1);
      line->set_line(lr.line);
      line->set_column(lr.column);
    }
  }
  out.mutable_function()->Reserve(static_cast<int>(fn_order.size()));
  for (std::size_t i = 0; i < fn_order.size(); ++i) {
    const FunctionRec& r = functions[fn_order[i]];
    auto* f = out.add_function();
    f->set_id(i + 1);
    f->set_name(emit_str(r.name));
    f->set_system_name(emit_str(r.system_name));
    f->set_filename(emit_str(r.filename));
    f->set_start_line(r.start_line);
  }

  out.set_drop_frames(emit_str(drop_frames));
  out.set_keep_frames(emit_str(keep_frames));
  out.set_time_nanos(time_nanos);
  out.set_duration_nanos(duration_nanos);
  out.mutable_period_type()->set_type(emit_str(period_type.first));
  out.mutable_period_type()->set_unit(emit_str(period_type.second));
  out.set_period(period);
  std::vector<std::uint32_t> sorted_comments = comments;
  std::sort(sorted_comments.begin(), sorted_comments.end(),
            [&](std::uint32_t a, std::uint32_t b) { return S[a] < S[b]; });
  for (std::uint32_t c : sorted_comments) out.add_comment(emit_str(c));
  out.set_default_sample_type(emit_str(default_sample_type));
  out.set_doc_url(emit_str(doc_url));
  return out;
}

ProfileMerger::ProfileMerger() : state_(std::make_unique<State>()) {}
ProfileMerger::~ProfileMerger() = default;
ProfileMerger::ProfileMerger(ProfileMerger&&) noexcept = default;
ProfileMerger& ProfileMerger::operator=(ProfileMerger&&) noexcept = default;

void ProfileMerger::add(const WireProfile& profile, const std::string& name, double weight) {
  state_->add(profile, name, weight);
}

void ProfileMerger::add(const Profile& profile, const std::string& name, double weight) {
  const std::string raw = profile.SerializeAsString();
  const WireProfile wire =
      decode_wire_profile(std::vector<std::uint8_t>(raw.begin(), raw.end()), name);
  state_->add(wire, name, weight);
}

void ProfileMerger::absorb(const ProfileMerger& other) { state_->absorb(*other.state_); }

void ProfileMerger::layer_on(const ProfileMerger& base) { state_->layer_on(*base.state_); }

std::size_t ProfileMerger::input_count() const { return state_->inputs; }

Profile ProfileMerger::result() const {
  if (state_->inputs == 0) {
    throw Error("merge", "", "no profiles to merge", "pass at least one readable profile");
  }
  // The fold's working memory is not part of the merged state: freed before the output
  // message is built, when memory peaks (a later add() grows it again).
  state_->scratch = FoldScratch{};
  return state_->result();
}

}  // namespace pgo::merge

// ProfileBuilder: hand-built pprof profiles for unit tests, written with names instead of
// string indices and IDs, so that a reader can compute the expected result by hand.
//
//   ProfileBuilder b;                                   // samples/count, cpu/nanoseconds
//   auto main_fn = b.function("main.main", "main.go", 10);
//   auto loc = b.location(0x1000, {{main_fn, 12}});     // in the binary's mapping
//   b.sample({loc}, {1, 10'000'000});
//   perftools::profiles::Profile p = b.build();
//
// Start::kGoRuntime (the default) begins like a CPU profile the Go runtime writes: the
// binary's mapping (id 1), a time and a duration. Start::kBare has only the sample and
// period types: no mapping, so locations default to mapping 0 (the PGO view, trimmer and
// staleness tests build their profiles this way).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "proto/profile.pb.h"

namespace pgo::merge::testing {

class ProfileBuilder {
 public:
  struct LineSpec {
    std::uint64_t function_id;
    std::int64_t line;
    std::int64_t column = 0;
  };
  struct LabelSpec {
    std::string key;
    std::string str;  // empty: numeric label
    std::int64_t num = 0;
    std::string unit = "";
  };

  using Types = std::vector<std::pair<std::string, std::string>>;
  enum class Start { kGoRuntime, kBare };

  explicit ProfileBuilder(const Types& sample_types = {{"samples", "count"},
                                                       {"cpu", "nanoseconds"}},
                          Start start = Start::kGoRuntime) {
    p_.add_string_table("");
    for (const auto& [type, unit] : sample_types) {
      auto* vt = p_.add_sample_type();
      vt->set_type(str(type));
      vt->set_unit(str(unit));
    }
    p_.mutable_period_type()->set_type(str("cpu"));
    p_.mutable_period_type()->set_unit(str("nanoseconds"));
    p_.set_period(10'000'000);
    if (start == Start::kGoRuntime) {
      default_mapping_ = 1;
      p_.set_time_nanos(1'700'000'000'000'000'000);
      p_.set_duration_nanos(1'000'000'000);
      mapping(0x400000, 0x800000, "/bin/app", "buildid-app");
    }
  }
  explicit ProfileBuilder(Start start)
      : ProfileBuilder({{"samples", "count"}, {"cpu", "nanoseconds"}}, start) {}

  std::int64_t str(const std::string& s) {
    for (int i = 0; i < p_.string_table_size(); ++i) {
      if (p_.string_table(i) == s) return i;
    }
    p_.add_string_table(s);
    return p_.string_table_size() - 1;
  }

  std::uint64_t mapping(std::uint64_t start, std::uint64_t limit, const std::string& file,
                        const std::string& build_id, std::uint64_t offset = 0) {
    auto* m = p_.add_mapping();
    m->set_id(static_cast<std::uint64_t>(p_.mapping_size()));
    m->set_memory_start(start);
    m->set_memory_limit(limit);
    m->set_file_offset(offset);
    m->set_filename(str(file));
    m->set_build_id(str(build_id));
    m->set_has_functions(true);
    return m->id();
  }

  std::uint64_t function(const std::string& name, const std::string& file,
                         std::int64_t start_line) {
    auto* f = p_.add_function();
    f->set_id(static_cast<std::uint64_t>(p_.function_size()));
    f->set_name(str(name));
    f->set_system_name(str(name));
    f->set_filename(str(file));
    f->set_start_line(start_line);
    return f->id();
  }

  // Lines leaf first: the last one is the caller the others were inlined into. Address 0:
  // a fresh one per location. Mapping: the binary's (1), or 0 with Start::kBare.
  std::uint64_t location(std::uint64_t address, std::vector<LineSpec> lines,
                         std::optional<std::uint64_t> mapping_id = std::nullopt) {
    auto* l = p_.add_location();
    l->set_id(static_cast<std::uint64_t>(p_.location_size()));
    l->set_mapping_id(mapping_id.value_or(default_mapping_));
    l->set_address(address != 0 ? address : 0x1000 + 0x10 * l->id());
    for (const auto& spec : lines) {
      auto* line = l->add_line();
      line->set_function_id(spec.function_id);
      line->set_line(spec.line);
      line->set_column(spec.column);
    }
    return l->id();
  }

  ProfileBuilder& sample(std::vector<std::uint64_t> locations, std::vector<std::int64_t> values,
                         std::vector<LabelSpec> labels = {}) {
    auto* s = p_.add_sample();
    for (auto id : locations) s->add_location_id(id);
    for (auto v : values) s->add_value(v);
    for (const auto& spec : labels) {
      auto* label = s->add_label();
      label->set_key(str(spec.key));
      if (!spec.str.empty()) {
        label->set_str(str(spec.str));
      } else {
        label->set_num(spec.num);
        if (!spec.unit.empty()) label->set_num_unit(str(spec.unit));
      }
    }
    return *this;
  }

  perftools::profiles::Profile& profile() { return p_; }
  perftools::profiles::Profile build() const { return p_; }

 private:
  perftools::profiles::Profile p_;
  std::uint64_t default_mapping_ = 0;
};

// Serialized bytes of a message (raw protobuf, not gzip).
inline std::vector<std::uint8_t> raw_bytes(const perftools::profiles::Profile& p) {
  const std::string s = p.SerializeAsString();
  return {s.begin(), s.end()};
}

// Raw protobuf pieces for hand-made (often malformed) messages.
inline std::vector<std::uint8_t> wire_varint(std::uint64_t v) {
  std::vector<std::uint8_t> out;
  do {
    out.push_back(static_cast<std::uint8_t>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
    v >>= 7;
  } while (v != 0);
  return out;
}

inline std::vector<std::uint8_t> concat(std::vector<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace pgo::merge::testing

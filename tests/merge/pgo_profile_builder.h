// PgoProfileBuilder: small hand-built pprof profiles for the PGO view, trimmer and stats
// tests, written so a reader can compute the expected edges by hand.
//
//   PgoProfileBuilder b;                        // sample types samples/count, cpu/nanoseconds
//   auto main_fn = b.function("main", 10);      // name, start_line
//   auto loc = b.location({{main_fn, 15}});     // frames innermost (inlined) first
//   b.sample({loc}, {1, 10000000});
//   perftools::profiles::Profile p = b.build();
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "proto/profile.pb.h"

namespace pgo::merge::testing {

class PgoProfileBuilder {
 public:
  using Types = std::vector<std::pair<std::string, std::string>>;

  explicit PgoProfileBuilder(const Types& sample_types = {{"samples", "count"},
                                                          {"cpu", "nanoseconds"}}) {
    p_.add_string_table("");
    for (const auto& [type, unit] : sample_types) {
      auto* vt = p_.add_sample_type();
      vt->set_type(str(type));
      vt->set_unit(str(unit));
    }
    p_.mutable_period_type()->set_type(str("cpu"));
    p_.mutable_period_type()->set_unit(str("nanoseconds"));
    p_.set_period(10000000);
  }

  std::int64_t str(const std::string& s) {
    auto [it, inserted] = strings_.emplace(s, p_.string_table_size());
    if (inserted) p_.add_string_table(s);
    return it->second;
  }

  std::uint64_t mapping(const std::string& file, const std::string& build_id) {
    auto* m = p_.add_mapping();
    m->set_id(static_cast<std::uint64_t>(p_.mapping_size()));
    m->set_memory_start(0x400000);
    m->set_memory_limit(0x800000);
    m->set_filename(str(file));
    m->set_build_id(str(build_id));
    m->set_has_functions(true);
    return m->id();
  }

  std::uint64_t function(const std::string& name, std::int64_t start_line,
                         const std::string& file = "main.go") {
    auto* f = p_.add_function();
    f->set_id(static_cast<std::uint64_t>(p_.function_size()));
    f->set_name(str(name));
    f->set_system_name(str(name));
    f->set_filename(str(file));
    f->set_start_line(start_line);
    return f->id();
  }

  // frames: (function id or 0, line), innermost first as in Location.line. The address
  // defaults to a fresh one per location.
  std::uint64_t location(const std::vector<std::pair<std::uint64_t, std::int64_t>>& frames,
                         std::uint64_t address = 0, std::uint64_t mapping_id = 0) {
    auto* l = p_.add_location();
    l->set_id(static_cast<std::uint64_t>(p_.location_size()));
    l->set_address(address != 0 ? address : 0x1000 + 0x10 * l->id());
    l->set_mapping_id(mapping_id);
    for (const auto& [fn, line] : frames) {
      auto* ln = l->add_line();
      ln->set_function_id(fn);
      ln->set_line(line);
    }
    return l->id();
  }

  // locations: leaf first.
  void sample(const std::vector<std::uint64_t>& locations, const std::vector<std::int64_t>& values,
              const std::vector<std::pair<std::string, std::string>>& labels = {}) {
    auto* s = p_.add_sample();
    for (auto id : locations) s->add_location_id(id);
    for (auto v : values) s->add_value(v);
    for (const auto& [key, value] : labels) {
      auto* l = s->add_label();
      l->set_key(str(key));
      l->set_str(str(value));
    }
  }

  perftools::profiles::Profile& profile() { return p_; }
  perftools::profiles::Profile build() const { return p_; }

 private:
  perftools::profiles::Profile p_;
  std::map<std::string, std::int64_t> strings_;
};

}  // namespace pgo::merge::testing

#include "merge/profile_trimmer.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

namespace pgo::merge {

namespace {

using perftools::profiles::Profile;

bool is_pgo_sample_type(const Profile& p, int i) {
  const auto& vt = p.sample_type(i);
  const std::string& type = p.string_table(static_cast<int>(vt.type()));
  const std::string& unit = p.string_table(static_cast<int>(vt.unit()));
  return (type == "samples" && unit == "count") || (type == "cpu" && unit == "nanoseconds");
}

// A trimmed sample before renumbering: up to two original location IDs and the kept values.
struct TrimmedSample {
  std::vector<std::uint64_t> locations;
  std::vector<std::uint64_t> values;  // summed with wrap-around, like Go's int64
};

// Maps old IDs (or string indices) to new ones numbered in ascending old order.
template <typename Id>
std::unordered_map<Id, Id> renumber(std::vector<Id> used, Id first) {
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  std::unordered_map<Id, Id> map;
  Id next = first;
  for (Id id : used) map.emplace(id, next++);
  return map;
}

}  // namespace

Profile trim_profile(const Profile& in) {
  std::vector<int> kept_types;
  for (int i = 0; i < in.sample_type_size(); ++i) {
    if (is_pgo_sample_type(in, i)) kept_types.push_back(i);
  }
  if (kept_types.empty()) {
    for (int i = 0; i < in.sample_type_size(); ++i) kept_types.push_back(i);
  }

  // Fold samples by their leaf pair; the last key element separates samples that must not
  // merge (negative values), and first-occurrence order keeps the output deterministic.
  std::vector<TrimmedSample> samples;
  std::map<std::array<std::uint64_t, 4>, std::size_t> index;
  for (int si = 0; si < in.sample_size(); ++si) {
    const auto& s = in.sample(si);
    TrimmedSample t;
    const int n = std::min(2, s.location_id_size());
    for (int i = 0; i < n; ++i) t.locations.push_back(s.location_id(i));
    bool negative = false;
    for (int k : kept_types) {
      t.values.push_back(static_cast<std::uint64_t>(s.value(k)));
      negative = negative || s.value(k) < 0;
    }
    const std::array<std::uint64_t, 4> key{static_cast<std::uint64_t>(n),
                                           n > 0 ? t.locations[0] : 0, n > 1 ? t.locations[1] : 0,
                                           negative ? static_cast<std::uint64_t>(si) + 1 : 0};
    auto [it, inserted] = index.emplace(key, samples.size());
    if (inserted) {
      samples.push_back(std::move(t));
    } else {
      auto& values = samples[it->second].values;
      for (std::size_t v = 0; v < values.size(); ++v) values[v] += t.values[v];
    }
  }
  // What the kept samples still reach.
  std::unordered_map<std::uint64_t, const perftools::profiles::Location*> locations_by_id;
  for (const auto& l : in.location()) locations_by_id.emplace(l.id(), &l);
  std::vector<std::uint64_t> used_locations, used_functions, used_mappings;
  for (const auto& t : samples) {
    used_locations.insert(used_locations.end(), t.locations.begin(), t.locations.end());
  }
  for (std::uint64_t id : used_locations) {
    const auto& l = *locations_by_id.at(id);
    if (l.mapping_id() != 0) used_mappings.push_back(l.mapping_id());
    for (const auto& line : l.line()) {
      if (line.function_id() != 0) used_functions.push_back(line.function_id());
    }
  }
  // IDs are renumbered by original table position, not by old ID value.
  auto positions_by_id = [](const auto& table) {
    std::unordered_map<std::uint64_t, std::uint64_t> pos;
    for (int i = 0; i < table.size(); ++i) pos.emplace(table.Get(i).id(), i);
    return pos;
  };
  const auto mapping_id_pos = positions_by_id(in.mapping());
  const auto function_id_pos = positions_by_id(in.function());
  const auto location_id_pos = positions_by_id(in.location());
  auto renumber_used = [](const std::unordered_map<std::uint64_t, std::uint64_t>& id_pos,
                          const std::vector<std::uint64_t>& used) {
    std::vector<std::uint64_t> pos;
    for (std::uint64_t id : used) pos.push_back(id_pos.at(id));
    return renumber<std::uint64_t>(std::move(pos), 1);
  };
  const auto mapping_pos = renumber_used(mapping_id_pos, used_mappings);
  const auto function_pos = renumber_used(function_id_pos, used_functions);
  const auto location_pos = renumber_used(location_id_pos, used_locations);

  std::vector<std::int64_t> used_strings{0};
  auto use = [&](std::int64_t s) { used_strings.push_back(s); };
  for (int k : kept_types) {
    use(in.sample_type(k).type());
    use(in.sample_type(k).unit());
  }
  if (in.has_period_type()) {
    use(in.period_type().type());
    use(in.period_type().unit());
  }
  use(in.drop_frames());
  use(in.keep_frames());
  use(in.default_sample_type());
  use(in.doc_url());
  for (std::int64_t c : in.comment()) use(c);
  for (int i = 0; i < in.mapping_size(); ++i) {
    if (!mapping_pos.contains(static_cast<std::uint64_t>(i))) continue;
    use(in.mapping(i).filename());
    use(in.mapping(i).build_id());
  }
  for (int i = 0; i < in.function_size(); ++i) {
    if (!function_pos.contains(static_cast<std::uint64_t>(i))) continue;
    use(in.function(i).name());
    use(in.function(i).system_name());
    use(in.function(i).filename());
  }
  const auto strings = renumber<std::int64_t>(std::move(used_strings), 0);
  auto str = [&](std::int64_t s) { return strings.at(s); };

  Profile out;
  for (std::int64_t s = 0; s < in.string_table_size(); ++s) {
    if (strings.contains(s)) out.add_string_table(in.string_table(static_cast<int>(s)));
  }
  for (int k : kept_types) {
    auto* vt = out.add_sample_type();
    vt->set_type(str(in.sample_type(k).type()));
    vt->set_unit(str(in.sample_type(k).unit()));
  }
  if (in.has_period_type()) {
    out.mutable_period_type()->set_type(str(in.period_type().type()));
    out.mutable_period_type()->set_unit(str(in.period_type().unit()));
  }
  out.set_period(in.period());
  out.set_time_nanos(in.time_nanos());
  out.set_duration_nanos(in.duration_nanos());
  out.set_drop_frames(str(in.drop_frames()));
  out.set_keep_frames(str(in.keep_frames()));
  out.set_default_sample_type(str(in.default_sample_type()));
  out.set_doc_url(str(in.doc_url()));
  for (std::int64_t c : in.comment()) out.add_comment(str(c));

  // Old ID -> table position -> new ID.
  auto new_id = [](const std::unordered_map<std::uint64_t, std::uint64_t>& pos_to_new,
                   const std::unordered_map<std::uint64_t, std::uint64_t>& id_to_pos,
                   std::uint64_t id) { return pos_to_new.at(id_to_pos.at(id)); };
  for (int i = 0; i < in.mapping_size(); ++i) {
    auto it = mapping_pos.find(static_cast<std::uint64_t>(i));
    if (it == mapping_pos.end()) continue;
    auto* m = out.add_mapping();
    *m = in.mapping(i);
    m->set_id(it->second);
    m->set_filename(str(in.mapping(i).filename()));
    m->set_build_id(str(in.mapping(i).build_id()));
  }
  for (int i = 0; i < in.function_size(); ++i) {
    auto it = function_pos.find(static_cast<std::uint64_t>(i));
    if (it == function_pos.end()) continue;
    auto* f = out.add_function();
    *f = in.function(i);
    f->set_id(it->second);
    f->set_name(str(in.function(i).name()));
    f->set_system_name(str(in.function(i).system_name()));
    f->set_filename(str(in.function(i).filename()));
  }
  for (int i = 0; i < in.location_size(); ++i) {
    auto it = location_pos.find(static_cast<std::uint64_t>(i));
    if (it == location_pos.end()) continue;
    auto* l = out.add_location();
    *l = in.location(i);
    l->set_id(it->second);
    if (l->mapping_id() != 0)
      l->set_mapping_id(new_id(mapping_pos, mapping_id_pos, l->mapping_id()));
    for (auto& line : *l->mutable_line()) {
      if (line.function_id() != 0) {
        line.set_function_id(new_id(function_pos, function_id_pos, line.function_id()));
      }
    }
  }
  for (const auto& t : samples) {
    auto* s = out.add_sample();
    for (std::uint64_t id : t.locations)
      s->add_location_id(new_id(location_pos, location_id_pos, id));
    for (std::uint64_t v : t.values) s->add_value(static_cast<std::int64_t>(v));
  }
  return out;
}

}  // namespace pgo::merge

// ProfileMerger: pprof's profile.Merge, streaming and independent of input order.
//
// Each add() folds one validated profile into the merged state; the caller may free the
// input right after, so memory tracks the merged result rather than the sum of inputs.
// result() emits a canonical profile: the same multiset of inputs gives the same message
// (and so the same bytes) whatever order they were added in.
//
//   pgo::merge::ProfileMerger merger;
//   for (const auto& path : paths) merger.add(read_profile_file(path), path);
//   other.absorb(merger);  // merging mergers: the same result as adding every input once
//   shard.layer_on(first);  // a merger that finds what `first` holds in first's tables
//   perftools::profiles::Profile merged = merger.result();
//
// Semantics follow pprof's Merge (github.com/google/pprof, profile/merge.go):
//  - inputs must share the period type and the sample types (type and unit, in order);
//  - functions are equal when (name, system_name, filename, start_line) are; mappings when
//    (size rounded up to 4 KiB, file_offset, build_id, or filename without a build id)
//    are; locations when (mapping, address relative to the mapping start, lines as
//    (function, line, column), is_folded) are; samples when (locations, labels) are, the
//    labels compared per key in their original order (pprof's map-of-lists model, so
//    labels with an empty string value and a zero number are ignored as pprof does);
//  - values add up, samples whose values are all zero are dropped, IDs count from 1.
// Where pprof takes a field from the first input, which would make the result depend on
// input order, the merger uses an order-free rule instead:
//  - header: duration = sum, period = max, time_nanos = earliest non-zero, comments =
//    sorted set, default_sample_type / doc_url / drop_frames / keep_frames = the smallest
//    non-empty string among the inputs (in practice all inputs agree);
//  - a merged mapping starts at the lowest start among its matches, spans the largest
//    size, keeps the smallest non-empty filename and build ID, and ORs the has_* flags;
//    location addresses keep their offset from their mapping's start;
//  - every input's first mapping (the main binary, by pprof convention) is kept even if
//    no sample refers to it, as pprof does for the first input.
// Output order: functions, mappings, locations and samples sorted by content (strings
// compared as text), IDs numbered in that order, string table in order of first use.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "merge/wire_profile.h"
#include "proto/profile.pb.h"

namespace pgo::merge {

class ProfileMerger {
 public:
  ProfileMerger();
  ~ProfileMerger();
  ProfileMerger(const ProfileMerger&) = delete;
  ProfileMerger& operator=(const ProfileMerger&) = delete;
  ProfileMerger(ProfileMerger&&) noexcept;
  ProfileMerger& operator=(ProfileMerger&&) noexcept;

  // Folds profile into the merged state, multiplying its values by weight first (rounded
  // to nearest; samples that become all zero are dropped). `name` names the input in
  // errors. Throws pgo::Error (stage "merge") when the period type or sample types differ
  // from the first input's (the merged state is then unchanged, so a caller may skip the
  // input and go on), or when a value overflows 64 bits (the merger is then unusable).
  // REQUIRES: profile passed validate_profile; weight is finite and >= 0.
  // A WireProfile needs only its tables validated (validate_wire_profile with
  // check_samples false): each sample is checked as it is folded, and a bad one throws
  // pgo::Error (stage "validate"), leaving the merger unusable; validate the samples
  // beforehand when the merge must go on after a bad input.
  void add(const WireProfile& profile, const std::string& name, double weight = 1.0);

  // The same for the generated message (encoded and decoded again: for callers that
  // already hold one; the merge itself reads WireProfiles).
  void add(const perftools::profiles::Profile& profile, const std::string& name,
           double weight = 1.0);

  // Folds everything another merger has folded into this one, as if its inputs had been
  // added here: result() is then the same whatever way the inputs were split among
  // mergers (the parallel fold of merge_job.h relies on it). Throws pgo::Error (stage
  // "merge") when the two hold different kinds of profile, or on overflow.
  void absorb(const ProfileMerger& other);

  // Makes this empty merger a layer over `base`: what base holds (strings, functions,
  // locations, samples) is looked up in base's tables rather than copied, so the layer
  // holds only what base lacks, plus its own values. For the shards of a parallel merge,
  // whose inputs resemble the first one: each shard then costs little memory, and the
  // shards' lookups share one set of tables. The layer's result() is that of its own
  // inputs alone; base.absorb(layer) and absorbing one layer into another over the same
  // base are cheap for what base holds. The layer accepts the kind of profile (period
  // type, sample types) base does, and refuses an incompatible input as base would.
  // REQUIRES: this merger is empty; base is not a layer and outlives this merger; base
  // does not change (no add(), no absorb()) until every layer over it is done adding and
  // absorbing, after which base.absorb(layer) may take the layers one by one.
  void layer_on(const ProfileMerger& base);

  // Number of profiles folded so far.
  std::size_t input_count() const;

  // The canonical merged profile. Throws pgo::Error (stage "merge") if nothing was added.
  // Also frees the working memory add() keeps from one input to the next.
  perftools::profiles::Profile result() const;

  struct State;  // implementation detail (profile_merger.cpp)

 private:
  std::unique_ptr<State> state_;
};

}  // namespace pgo::merge

// WireProfile: a pprof profile decoded straight from its protobuf wire format into flat
// arrays, for the merge's hot path.
//
// The generated message (proto/profile.pb.h) allocates one object per sample, location
// and line: for a profile of millions of samples that costs gigabytes and most of a
// merge's CPU time. A WireProfile keeps the decompressed bytes and decodes the tables
// (strings, mappings, locations, lines, functions, header) into flat vectors; samples are
// never stored: for_each_sample decodes them one at a time from the bytes, so memory is
// the input's size plus its tables whatever the number of samples.
//
// The decoder is as strict as pprof's own (github.com/google/pprof/profile): a field with
// the wrong wire type, a group (wire types 3 and 4), a varint longer than 10 bytes or
// overflowing 64 bits, or a length past the end is an error. It never recurses beyond the
// schema's three levels, so nesting cannot exhaust the stack.
//
//   WireProfile p = decode_wire_profile(std::move(inflated), "a.pprof");
//   validate_wire_profile(p, "a.pprof");   // the invariants of validate_profile
//   SampleView s;
//   for (SampleCursor c(p, "a.pprof"); c.next(s);) use(s.location_ids, s.values, s.labels);
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/profile.pb.h"

namespace pgo::merge {

struct WireValueType {
  std::int64_t type = 0, unit = 0;
};

struct WireMapping {
  std::uint64_t id = 0, memory_start = 0, memory_limit = 0, file_offset = 0;
  std::int64_t filename = 0, build_id = 0;
  bool has_functions = false, has_filenames = false, has_line_numbers = false,
       has_inline_frames = false;
};

struct WireLine {
  std::uint64_t function_id = 0;
  std::int64_t line = 0, column = 0;
};

struct WireLocation {
  std::uint64_t id = 0, mapping_id = 0, address = 0;
  std::uint32_t line_begin = 0, line_count = 0;  // into WireProfile::lines
  bool is_folded = false;
};

struct WireFunction {
  std::uint64_t id = 0;
  std::int64_t name = 0, system_name = 0, filename = 0, start_line = 0;
};

struct WireLabel {
  std::int64_t key = 0, str = 0, num = 0, num_unit = 0;
};

struct WireProfile {
  std::vector<std::uint8_t> bytes;        // the serialized message; strings point into it
  std::vector<std::string_view> strings;  // string_table
  std::vector<WireValueType> sample_types;
  std::vector<WireMapping> mappings;
  std::vector<WireLocation> locations;
  std::vector<WireLine> lines;
  std::vector<WireFunction> functions;
  WireValueType period_type;
  bool has_period_type = false;
  std::int64_t drop_frames = 0, keep_frames = 0, time_nanos = 0, duration_nanos = 0, period = 0;
  std::vector<std::int64_t> comments;
  std::int64_t default_sample_type = 0, doc_url = 0;
  std::size_t sample_count = 0;  // set by decode_wire_profile
  // Byte ranges of `bytes` holding only sample fields, back to back (usually one range:
  // encoders write all samples together). Lets a SampleCursor skip the other fields.
  struct Span {
    std::size_t begin, end;
  };
  std::vector<Span> sample_spans;
};

// One decoded sample; the vectors are reused from sample to sample.
struct SampleView {
  std::vector<std::uint64_t> location_ids;
  std::vector<std::int64_t> values;
  std::vector<WireLabel> labels;
};

// Decodes the samples of a profile one at a time, in file order.
class SampleCursor {
 public:
  // REQUIRES: profile came from decode_wire_profile; it and name outlive the cursor.
  SampleCursor(const WireProfile& profile, const std::string& name);
  // Fills `out` with the next sample; false after the last. Throws pgo::Error (stage
  // "decode") naming the input when the sample is malformed (validate_wire_profile has
  // checked every sample, so a validated profile never throws here).
  bool next(SampleView& out);
  // The next sample's message bytes [begin, end), undecoded; false after the last. For a
  // caller that decodes the common shape itself (decode_plain_sample) and anything else
  // with decode_sample_bytes.
  bool next_bytes(const std::uint8_t*& begin, const std::uint8_t*& end);

 private:
  const WireProfile& profile_;
  const std::string& name_;
  std::size_t span_ = 0;  // index into sample_spans
  std::size_t pos_ = 0;   // offset in bytes, inside sample_spans[span_] when valid
};

// Decodes one sample message (bytes from SampleCursor::next_bytes) as SampleCursor::next
// does; throws the same errors naming `name`.
void decode_sample_bytes(const std::uint8_t* begin, const std::uint8_t* end, SampleView& out,
                         const std::string& name);

namespace wire_detail {
// A varint of at most ten bytes that fits 64 bits, not read past `end`; false otherwise.
inline bool plain_varint(const std::uint8_t*& p, const std::uint8_t* end, std::uint64_t& v) {
  if (p != end && *p < 0x80) [[likely]] {
    v = *p++;
    return true;
  }
  if (end - p >= 2 && p[1] < 0x80) {
    v = (p[0] & 0x7fu) | (static_cast<std::uint64_t>(p[1]) << 7);
    p += 2;
    return true;
  }
  std::uint64_t r = 0;
  for (unsigned shift = 0; shift < 64 && p != end; shift += 7) {
    const std::uint8_t b = *p++;
    if (shift == 63 && b > 1) return false;
    r |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) {
      v = r;
      return true;
    }
  }
  return false;
}

// One packed run (after its tag): calls each(v) per varint; false on a malformed run or
// when each returns false.
template <class Each>
bool plain_run(const std::uint8_t*& p, const std::uint8_t* end, Each& each) {
  std::uint64_t n, v;
  if (!plain_varint(p, end, n) || n > static_cast<std::uint64_t>(end - p)) return false;
  const std::uint8_t* run_end = p + n;
  while (p != run_end) {
    if (!plain_varint(p, run_end, v) || !each(v)) return false;
  }
  return true;
}
}  // namespace wire_detail

// The merge's fast path for a sample without labels or unknown fields: location IDs
// (field 1) and values (field 2), each packed or not, in any order (pprof's encoder writes
// the IDs packed, then two or fewer values unpacked; the Go runtime's writes values
// first). Calls location(id) for each location ID and value(v) for each value, in order;
// either returning false stops. Returns false when the sample holds any other field or
// malformed data, or a callback stopped it: the caller then discards what the callbacks
// were given and decodes the sample with decode_sample_bytes, which handles every shape
// and reports malformed data. Inline, so the callbacks run inside the decoding loop.
template <class OnLocation, class OnValue>
bool decode_plain_sample(const std::uint8_t* p, const std::uint8_t* end, OnLocation&& location,
                         OnValue&& value) {
  std::uint64_t v;
  while (p != end) {
    switch (*p++) {
      case 0x0a:  // field 1, packed
        if (!wire_detail::plain_run(p, end, location)) return false;
        break;
      case 0x08:  // field 1, one varint
        if (!wire_detail::plain_varint(p, end, v) || !location(v)) return false;
        break;
      case 0x12:  // field 2, packed
        if (!wire_detail::plain_run(p, end, value)) return false;
        break;
      case 0x10:  // field 2, one varint
        if (!wire_detail::plain_varint(p, end, v) || !value(v)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// Decodes the serialized message `bytes` (not gzip). Throws pgo::Error (stage "decode")
// naming `name` on malformed wire data or two time_nanos fields (concatenated profiles).
// Samples are only framed here; validate_wire_profile decodes and checks each one.
WireProfile decode_wire_profile(std::vector<std::uint8_t> bytes, const std::string& name);

// The same into `profile`, whose `bytes` hold the message: its tables are replaced, their
// vectors' capacity kept (one WireProfile per worker thread, reused input after input).
void decode_wire_profile_into(WireProfile& profile, const std::string& name);

// The checks of validate_profile (profile_reader.h), with the same messages. Throws
// pgo::Error (stage "validate", or "decode" for a malformed sample) naming `name`.
// With check_samples false only the tables and header are checked: for a caller that
// runs check_sample on each sample as it decodes it anyway (the merge's fold).
void validate_wire_profile(const WireProfile& profile, const std::string& name,
                           bool check_samples = true);

// Throws validate_wire_profile's error for a bad sample.
[[noreturn]] void throw_invalid_profile(const std::string& name, const std::string& problem);

// validate_wire_profile's checks of sample number `index`: one value per sample type,
// every location ID defined (location_defined(id)), label strings in range.
template <class LocationDefined>
void check_sample(const SampleView& s, std::size_t index, const WireProfile& p,
                  const std::string& name, const LocationDefined& location_defined) {
  if (s.values.size() != p.sample_types.size()) [[unlikely]] {
    throw_invalid_profile(name, "sample " + std::to_string(index) + " has " +
                                    std::to_string(s.values.size()) +
                                    " values but the profile has " +
                                    std::to_string(p.sample_types.size()) + " sample types");
  }
  for (std::uint64_t id : s.location_ids) {
    if (id == 0 || !location_defined(id)) [[unlikely]] {
      throw_invalid_profile(name, "sample " + std::to_string(index) +
                                      " refers to undefined location " + std::to_string(id));
    }
  }
  const auto strings = static_cast<std::uint64_t>(p.strings.size());
  for (const auto& label : s.labels) {
    for (auto [index_value, what] :
         {std::pair{label.key, "label.key"}, std::pair{label.str, "label.str"},
          std::pair{label.num_unit, "label.num_unit"}}) {
      if (static_cast<std::uint64_t>(index_value) >= strings) [[unlikely]] {
        throw_invalid_profile(
            name, std::string(what) + " refers to string " + std::to_string(index_value) +
                      ", outside the string table (size " + std::to_string(strings) + ")");
      }
    }
  }
}

// The index of the first samples/count or cpu/nanoseconds sample type, or -1.
// REQUIRES: validated.
int wire_pgo_sample_index(const WireProfile& profile);

// The generated message with the same content. REQUIRES: validated.
perftools::profiles::Profile to_profile(const WireProfile& profile);

}  // namespace pgo::merge

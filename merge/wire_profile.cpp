#include "merge/wire_profile.h"

#include <unordered_set>

#include "base/error.h"

namespace pgo::merge {
namespace {

constexpr const char* kDamagedHint = "the file is damaged or not a pprof profile";

enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kBytes = 2, kFixed32 = 5 };

// A bounds-checked reader of one message's fields. Every failure is a one-line decode
// error naming the input.
class Reader {
 public:
  Reader(const std::uint8_t* begin, const std::uint8_t* end, const std::string& name)
      : p_(begin), end_(end), name_(name) {}

  bool done() const { return p_ == end_; }
  const std::uint8_t* position() const { return p_; }
  const std::uint8_t* limit() const { return end_; }

  // Consumes the next byte if it is the one-byte tag `tag`: the decoders first read the
  // fields in the order encoders write them (pprof's and Go's), with branches that predict
  // well, then fall back to the general loop for whatever follows.
  bool take(std::uint8_t tag) {
    if (p_ != end_ && *p_ == tag) {
      ++p_;
      return true;
    }
    return false;
  }

  // Inlined for one and two bytes: IDs, string indices and line numbers of a few
  // thousand, most of a profile's varints.
  [[gnu::always_inline]] std::uint64_t varint() {
    if (p_ != end_ && *p_ < 0x80) return *p_++;
    if (end_ - p_ >= 2 && p_[1] < 0x80) {
      const std::uint64_t v = (p_[0] & 0x7fu) | (static_cast<std::uint64_t>(p_[1]) << 7);
      p_ += 2;
      return v;
    }
    return long_varint();
  }

  [[gnu::noinline]] std::uint64_t long_varint() {
    std::uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) fail("truncated or malformed field");
      const std::uint8_t b = *p_++;
      // The tenth byte may only hold the 64th bit; pprof rejects anything longer.
      if (shift == 63 && b > 1) fail("varint overflows 64 bits");
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
    fail("varint overflows 64 bits");
  }

  // Reads a tag; sets field and wire type.
  void tag(std::uint32_t& field, std::uint32_t& wire) {
    const std::uint64_t t = varint();
    field = static_cast<std::uint32_t>(t >> 3);
    wire = static_cast<std::uint32_t>(t & 7);
    if (field == 0 || (t >> 32) != 0) fail("invalid field tag");
  }

  // The payload of a length-delimited field. Inlined: a Reader returned through memory
  // stalls the caller on reloading it.
  [[gnu::always_inline]] Reader bytes() {
    const std::uint64_t n = varint();
    if (n > static_cast<std::uint64_t>(end_ - p_)) fail("truncated or malformed field");
    Reader inner(p_, p_ + n, name_);
    p_ += n;
    return inner;
  }

  std::string_view view() const {
    return {reinterpret_cast<const char*>(p_), static_cast<std::size_t>(end_ - p_)};
  }
  std::size_t offset_from(const std::uint8_t* base) const {
    return static_cast<std::size_t>(p_ - base);
  }

  void skip(std::uint32_t field, std::uint32_t wire) {
    switch (wire) {
      case kVarint:
        varint();
        return;
      case kFixed64:
        advance(8);
        return;
      case kFixed32:
        advance(4);
        return;
      case kBytes:
        bytes();
        return;
      case 3:
      case 4:
        fail("field " + std::to_string(field) +
             " is a group (wire types 3 and 4 are not valid in a pprof profile)");
      default:
        fail("invalid wire type " + std::to_string(wire));
    }
  }

  void expect(std::uint32_t field, std::uint32_t wire, std::uint32_t wanted) {
    if (wire != wanted) [[unlikely]]
      wrong_type(field, wire, wanted);
  }

  std::uint64_t u64(std::uint32_t field, std::uint32_t wire) {
    expect(field, wire, kVarint);
    return varint();
  }
  std::int64_t i64(std::uint32_t field, std::uint32_t wire) {
    return static_cast<std::int64_t>(u64(field, wire));
  }
  bool boolean(std::uint32_t field, std::uint32_t wire) { return u64(field, wire) != 0; }
  [[gnu::always_inline]] Reader message(std::uint32_t field, std::uint32_t wire) {
    expect(field, wire, kBytes);
    return bytes();
  }

  // The payload of a packed repeated varint field (after its tag).
  template <class T>
  void packed(std::vector<T>& out) {
    Reader run = bytes();
    // Room made first (a varint takes at least a byte): a sample's stack is a run of a
    // dozen or more IDs, appended without reallocating.
    const auto most = static_cast<std::size_t>(run.end_ - run.p_);
    if (out.capacity() - out.size() < most) out.reserve(out.size() + most);
    while (!run.done()) out.push_back(static_cast<T>(run.varint()));
  }

  // A repeated varint field, packed (one length-delimited run) or not (one per field).
  template <class T>
  void repeated(std::uint32_t field, std::uint32_t wire, std::vector<T>& out) {
    if (wire == kBytes) {
      packed(out);
    } else {
      out.push_back(static_cast<T>(u64(field, wire)));
    }
  }

  [[noreturn, gnu::cold, gnu::noinline]] void wrong_type(std::uint32_t field, std::uint32_t wire,
                                                         std::uint32_t wanted) {
    if (wire == 3 || wire == 4) skip(field, wire);  // the group message
    fail("field " + std::to_string(field) + " has wire type " + std::to_string(wire) +
         ", expected " + std::to_string(wanted));
  }

  [[noreturn, gnu::cold, gnu::noinline]] void fail(const std::string& problem) const {
    throw Error("decode", name_, "corrupt protobuf: " + problem, kDamagedHint);
  }

 private:
  void advance(std::size_t n) {
    if (n > static_cast<std::size_t>(end_ - p_)) fail("truncated or malformed field");
    p_ += n;
  }

  const std::uint8_t* p_;
  const std::uint8_t* end_;
  const std::string& name_;
};

void decode_value_type(Reader r, WireValueType& out) {
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    if (field == 1) {
      out.type = r.i64(field, wire);
    } else if (field == 2) {
      out.unit = r.i64(field, wire);
    } else {
      r.skip(field, wire);
    }
  }
}

WireMapping decode_mapping(Reader r) {
  WireMapping m;
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    switch (field) {
      case 1:
        m.id = r.u64(field, wire);
        break;
      case 2:
        m.memory_start = r.u64(field, wire);
        break;
      case 3:
        m.memory_limit = r.u64(field, wire);
        break;
      case 4:
        m.file_offset = r.u64(field, wire);
        break;
      case 5:
        m.filename = r.i64(field, wire);
        break;
      case 6:
        m.build_id = r.i64(field, wire);
        break;
      case 7:
        m.has_functions = r.boolean(field, wire);
        break;
      case 8:
        m.has_filenames = r.boolean(field, wire);
        break;
      case 9:
        m.has_line_numbers = r.boolean(field, wire);
        break;
      case 10:
        m.has_inline_frames = r.boolean(field, wire);
        break;
      default:
        r.skip(field, wire);
    }
  }
  return m;
}

// The decoders of the messages a profile holds thousands of are inlined into their
// callers: a Reader passed by value through the stack otherwise stalls on its reload.
[[gnu::always_inline]] inline WireLine decode_line(Reader r) {
  WireLine l;
  if (r.take(0x08)) l.function_id = r.varint();  // field 1, varint
  if (r.take(0x10)) l.line = static_cast<std::int64_t>(r.varint());
  if (r.take(0x18)) l.column = static_cast<std::int64_t>(r.varint());
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    switch (field) {
      case 1:
        l.function_id = r.u64(field, wire);
        break;
      case 2:
        l.line = r.i64(field, wire);
        break;
      case 3:
        l.column = r.i64(field, wire);
        break;
      default:
        r.skip(field, wire);
    }
  }
  return l;
}

[[gnu::always_inline]] inline WireLocation decode_location(Reader r, std::vector<WireLine>& lines) {
  WireLocation l;
  l.line_begin = static_cast<std::uint32_t>(lines.size());
  if (r.take(0x08)) l.id = r.varint();  // field 1, varint
  if (r.take(0x10)) l.mapping_id = r.varint();
  if (r.take(0x18)) l.address = r.varint();
  while (r.take(0x22)) lines.push_back(decode_line(r.bytes()));  // field 4, message
  if (r.take(0x28)) l.is_folded = r.varint() != 0;
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    switch (field) {
      case 1:
        l.id = r.u64(field, wire);
        break;
      case 2:
        l.mapping_id = r.u64(field, wire);
        break;
      case 3:
        l.address = r.u64(field, wire);
        break;
      case 4:
        lines.push_back(decode_line(r.message(field, wire)));
        break;
      case 5:
        l.is_folded = r.boolean(field, wire);
        break;
      default:
        r.skip(field, wire);
    }
  }
  l.line_count = static_cast<std::uint32_t>(lines.size()) - l.line_begin;
  return l;
}

[[gnu::always_inline]] inline WireFunction decode_function(Reader r) {
  WireFunction f;
  if (r.take(0x08)) f.id = r.varint();  // field 1, varint
  if (r.take(0x10)) f.name = static_cast<std::int64_t>(r.varint());
  if (r.take(0x18)) f.system_name = static_cast<std::int64_t>(r.varint());
  if (r.take(0x20)) f.filename = static_cast<std::int64_t>(r.varint());
  if (r.take(0x28)) f.start_line = static_cast<std::int64_t>(r.varint());
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    switch (field) {
      case 1:
        f.id = r.u64(field, wire);
        break;
      case 2:
        f.name = r.i64(field, wire);
        break;
      case 3:
        f.system_name = r.i64(field, wire);
        break;
      case 4:
        f.filename = r.i64(field, wire);
        break;
      case 5:
        f.start_line = r.i64(field, wire);
        break;
      default:
        r.skip(field, wire);
    }
  }
  return f;
}

[[gnu::always_inline]] inline WireLabel decode_label(Reader r) {
  WireLabel l;
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    switch (field) {
      case 1:
        l.key = r.i64(field, wire);
        break;
      case 2:
        l.str = r.i64(field, wire);
        break;
      case 3:
        l.num = r.i64(field, wire);
        break;
      case 4:
        l.num_unit = r.i64(field, wire);
        break;
      default:
        r.skip(field, wire);
    }
  }
  return l;
}

[[gnu::always_inline]] inline void decode_sample(Reader r, SampleView& out) {
  out.location_ids.clear();
  out.values.clear();
  out.labels.clear();
  if (r.take(0x0a)) r.packed(out.location_ids);  // field 1, packed
  if (r.take(0x12)) r.packed(out.values);        // field 2, packed
  std::uint32_t field, wire;
  while (!r.done()) {
    r.tag(field, wire);
    switch (field) {
      case 1:
        r.repeated(field, wire, out.location_ids);
        break;
      case 2:
        r.repeated(field, wire, out.values);
        break;
      case 3:
        out.labels.push_back(decode_label(r.message(field, wire)));
        break;
      default:
        r.skip(field, wire);
    }
  }
}

[[noreturn]] void invalid(const std::string& name, const std::string& problem) {
  throw Error("validate", name, problem, "the profile is malformed; regenerate it");
}

// Set of IDs seen so far: a bitmap for the usual dense numbering 1..n, a hash set beyond.
class IdSet {
 public:
  explicit IdSet(std::size_t expected) : dense_(expected + 1, false) {}
  bool insert(std::uint64_t id) {
    if (id < dense_.size()) {
      if (dense_[id]) return false;
      dense_[id] = true;
      return true;
    }
    return sparse_.insert(id).second;
  }
  bool contains(std::uint64_t id) const {
    return id < dense_.size() ? static_cast<bool>(dense_[id]) : sparse_.contains(id);
  }

 private:
  std::vector<bool> dense_;
  std::unordered_set<std::uint64_t> sparse_;
};

}  // namespace

SampleCursor::SampleCursor(const WireProfile& profile, const std::string& name)
    : profile_(profile), name_(name) {}

bool SampleCursor::next_bytes(const std::uint8_t*& begin, const std::uint8_t*& end) {
  const auto& spans = profile_.sample_spans;
  if (span_ < spans.size() && pos_ < spans[span_].begin) pos_ = spans[span_].begin;
  while (span_ < spans.size() && pos_ >= spans[span_].end) {
    if (++span_ < spans.size()) pos_ = spans[span_].begin;
  }
  if (span_ >= spans.size()) return false;
  const std::uint8_t* base = profile_.bytes.data();
  Reader r(base + pos_, base + spans[span_].end, name_);
  std::uint32_t field, wire;
  r.tag(field, wire);  // field 2, wire type 2: decode_wire_profile recorded only those
  const Reader sample = r.bytes();
  pos_ = r.offset_from(base);
  begin = sample.position();
  end = sample.limit();
  return true;
}

bool SampleCursor::next(SampleView& out) {
  const std::uint8_t *begin, *end;
  if (!next_bytes(begin, end)) return false;
  decode_sample_bytes(begin, end, out, name_);
  return true;
}

void decode_sample_bytes(const std::uint8_t* begin, const std::uint8_t* end, SampleView& out,
                         const std::string& name) {
  decode_sample(Reader(begin, end, name), out);
}

WireProfile decode_wire_profile(std::vector<std::uint8_t> bytes, const std::string& name) {
  WireProfile p;
  p.bytes = std::move(bytes);
  decode_wire_profile_into(p, name);
  return p;
}

void decode_wire_profile_into(WireProfile& p, const std::string& name) {
  // Tables cleared, not freed: a worker decoding input after input allocates nothing
  // once its vectors have grown to the size of its inputs.
  p.strings.clear();
  p.sample_types.clear();
  p.mappings.clear();
  p.locations.clear();
  p.lines.clear();
  p.functions.clear();
  p.period_type = WireValueType{};
  p.has_period_type = false;
  p.drop_frames = p.keep_frames = p.time_nanos = p.duration_nanos = p.period = 0;
  p.comments.clear();
  p.default_sample_type = p.doc_url = 0;
  p.sample_count = 0;
  p.sample_spans.clear();
  const std::uint8_t* base = p.bytes.data();
  Reader r(base, base + p.bytes.size(), name);
  int time_nanos_fields = 0;
  std::uint32_t field, wire;
  while (!r.done()) {
    const std::size_t field_begin = r.offset_from(base);
    r.tag(field, wire);
    switch (field) {
      case 1:
        decode_value_type(r.message(field, wire), p.sample_types.emplace_back());
        break;
      case 2:  // framed here, decoded by SampleCursor: samples are never stored
        r.message(field, wire);
        ++p.sample_count;
        if (!p.sample_spans.empty() && p.sample_spans.back().end == field_begin) {
          p.sample_spans.back().end = r.offset_from(base);
        } else {
          p.sample_spans.push_back({field_begin, r.offset_from(base)});
        }
        break;
      case 3:
        p.mappings.push_back(decode_mapping(r.message(field, wire)));
        break;
      case 4:
        p.locations.push_back(decode_location(r.message(field, wire), p.lines));
        break;
      case 5:
        p.functions.push_back(decode_function(r.message(field, wire)));
        break;
      case 6:
        p.strings.push_back(r.message(field, wire).view());
        break;
      case 7:
        p.drop_frames = r.i64(field, wire);
        break;
      case 8:
        p.keep_frames = r.i64(field, wire);
        break;
      case 9:
        ++time_nanos_fields;
        p.time_nanos = r.i64(field, wire);
        break;
      case 10:
        p.duration_nanos = r.i64(field, wire);
        break;
      case 11:
        decode_value_type(r.message(field, wire), p.period_type);
        p.has_period_type = true;
        break;
      case 12:
        p.period = r.i64(field, wire);
        break;
      case 13:
        r.repeated(field, wire, p.comments);
        break;
      case 14:
        p.default_sample_type = r.i64(field, wire);
        break;
      case 15:
        p.doc_url = r.i64(field, wire);
        break;
      default:
        r.skip(field, wire);
    }
  }
  // A second time_nanos means two serialized profiles were concatenated; protobuf would
  // silently merge them (pprof rejects them the same way).
  if (time_nanos_fields > 1) {
    throw Error("decode", name,
                "concatenated profiles: " + std::to_string(time_nanos_fields) +
                    " time_nanos fields in one message",
                "pass each profile as a separate input instead of concatenating files");
  }
}

void throw_invalid_profile(const std::string& name, const std::string& problem) {
  invalid(name, problem);
}

void validate_wire_profile(const WireProfile& p, const std::string& name, bool check_samples) {
  const auto strings = static_cast<std::int64_t>(p.strings.size());
  if (strings == 0) invalid(name, "empty string table (string_table[0] must be \"\")");
  if (!p.strings[0].empty()) invalid(name, "string_table[0] is not the empty string");

  auto check_string = [&](std::int64_t index, const char* what) {
    if (index < 0 || index >= strings) {
      invalid(name, std::string(what) + " refers to string " + std::to_string(index) +
                        ", outside the string table (size " + std::to_string(strings) + ")");
    }
  };

  for (const auto& st : p.sample_types) {
    check_string(st.type, "sample_type.type");
    check_string(st.unit, "sample_type.unit");
  }
  check_string(p.period_type.type, "period_type.type");
  check_string(p.period_type.unit, "period_type.unit");
  check_string(p.drop_frames, "drop_frames");
  check_string(p.keep_frames, "keep_frames");
  check_string(p.default_sample_type, "default_sample_type");
  check_string(p.doc_url, "doc_url");
  for (std::int64_t c : p.comments) check_string(c, "comment");

  IdSet mappings(p.mappings.size());
  for (const auto& m : p.mappings) {
    if (m.id == 0) invalid(name, "mapping with id 0 (IDs must be non-zero)");
    if (!mappings.insert(m.id)) invalid(name, "duplicate mapping id " + std::to_string(m.id));
    check_string(m.filename, "mapping.filename");
    check_string(m.build_id, "mapping.build_id");
  }
  IdSet functions(p.functions.size());
  for (const auto& f : p.functions) {
    if (f.id == 0) invalid(name, "function with id 0 (IDs must be non-zero)");
    if (!functions.insert(f.id)) invalid(name, "duplicate function id " + std::to_string(f.id));
    check_string(f.name, "function.name");
    check_string(f.system_name, "function.system_name");
    check_string(f.filename, "function.filename");
  }
  IdSet locations(p.locations.size());
  for (const auto& l : p.locations) {
    if (l.id == 0) invalid(name, "location with id 0 (IDs must be non-zero)");
    if (!locations.insert(l.id)) invalid(name, "duplicate location id " + std::to_string(l.id));
    if (l.mapping_id != 0 && !mappings.contains(l.mapping_id)) {
      invalid(name, "location " + std::to_string(l.id) + " refers to undefined mapping " +
                        std::to_string(l.mapping_id));
    }
    for (std::uint32_t i = 0; i < l.line_count; ++i) {
      // function_id 0 means "no function" in pprof; any other ID must exist.
      const std::uint64_t fn = p.lines[l.line_begin + i].function_id;
      if (fn != 0 && !functions.contains(fn)) {
        invalid(name, "location " + std::to_string(l.id) + " refers to undefined function " +
                          std::to_string(fn));
      }
    }
  }
  if (!check_samples) return;
  SampleView s;
  std::size_t i = 0;
  for (SampleCursor cursor(p, name); cursor.next(s); ++i) {
    check_sample(s, i, p, name, [&](std::uint64_t id) { return locations.contains(id); });
  }
}

int wire_pgo_sample_index(const WireProfile& p) {
  for (std::size_t i = 0; i < p.sample_types.size(); ++i) {
    const std::string_view type = p.strings[static_cast<std::size_t>(p.sample_types[i].type)];
    const std::string_view unit = p.strings[static_cast<std::size_t>(p.sample_types[i].unit)];
    if ((type == "samples" && unit == "count") || (type == "cpu" && unit == "nanoseconds")) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

perftools::profiles::Profile to_profile(const WireProfile& p) {
  perftools::profiles::Profile out;
  for (const auto& st : p.sample_types) {
    auto* vt = out.add_sample_type();
    vt->set_type(st.type);
    vt->set_unit(st.unit);
  }
  out.mutable_sample()->Reserve(static_cast<int>(p.sample_count));
  SampleView s;
  const std::string name = "profile";  // validated: the cursor cannot fail
  for (SampleCursor cursor(p, name); cursor.next(s);) {
    auto* sample = out.add_sample();
    sample->mutable_location_id()->Add(s.location_ids.begin(), s.location_ids.end());
    sample->mutable_value()->Add(s.values.begin(), s.values.end());
    for (const auto& l : s.labels) {
      auto* label = sample->add_label();
      label->set_key(l.key);
      label->set_str(l.str);
      label->set_num(l.num);
      label->set_num_unit(l.num_unit);
    }
  }
  for (const auto& m : p.mappings) {
    auto* o = out.add_mapping();
    o->set_id(m.id);
    o->set_memory_start(m.memory_start);
    o->set_memory_limit(m.memory_limit);
    o->set_file_offset(m.file_offset);
    o->set_filename(m.filename);
    o->set_build_id(m.build_id);
    o->set_has_functions(m.has_functions);
    o->set_has_filenames(m.has_filenames);
    o->set_has_line_numbers(m.has_line_numbers);
    o->set_has_inline_frames(m.has_inline_frames);
  }
  for (const auto& l : p.locations) {
    auto* o = out.add_location();
    o->set_id(l.id);
    o->set_mapping_id(l.mapping_id);
    o->set_address(l.address);
    o->set_is_folded(l.is_folded);
    for (std::uint32_t i = 0; i < l.line_count; ++i) {
      const WireLine& line = p.lines[l.line_begin + i];
      auto* ol = o->add_line();
      ol->set_function_id(line.function_id);
      ol->set_line(line.line);
      ol->set_column(line.column);
    }
  }
  for (const auto& f : p.functions) {
    auto* o = out.add_function();
    o->set_id(f.id);
    o->set_name(f.name);
    o->set_system_name(f.system_name);
    o->set_filename(f.filename);
    o->set_start_line(f.start_line);
  }
  for (const auto& s : p.strings) out.add_string_table(std::string(s));
  out.set_drop_frames(p.drop_frames);
  out.set_keep_frames(p.keep_frames);
  out.set_time_nanos(p.time_nanos);
  out.set_duration_nanos(p.duration_nanos);
  if (p.has_period_type) {
    out.mutable_period_type()->set_type(p.period_type.type);
    out.mutable_period_type()->set_unit(p.period_type.unit);
  }
  out.set_period(p.period);
  for (std::int64_t c : p.comments) out.add_comment(c);
  out.set_default_sample_type(p.default_sample_type);
  out.set_doc_url(p.doc_url);
  return out;
}

}  // namespace pgo::merge

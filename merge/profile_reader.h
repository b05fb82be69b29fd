// Reading pprof profiles: gzip detection and inflation, protobuf decoding, validation.
//
// The in-memory model of a profile is the generated perftools::profiles::Profile message
// (proto/profile.proto); every profile returned here has passed validate_profile, so code
// downstream may index string_table and follow IDs without checking again.
//
//   perftools::profiles::Profile p = pgo::merge::read_profile_file("cpu.pprof");
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "merge/wire_profile.h"
#include "proto/profile.pb.h"

namespace pgo::merge {

// The most bytes one input may inflate to (also the most a raw input may have): a gzip
// bomb of a few megabytes is refused at this size instead of exhausting memory. Real
// profiles stay far below it (GOROOT's default.pgo: about 1 MB inflated).
inline constexpr std::uint64_t kDefaultMaxInputBytes = std::uint64_t{512} << 20;

// Reads the whole file. Throws pgo::Error (stage "read") when it is missing, unreadable
// or empty.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);

// The same into `bytes`, reusing its capacity (a worker reading input after input).
void read_file_into(const std::string& path, std::vector<std::uint8_t>& bytes);

// Inflates gzip data (detected by the magic bytes 1f 8b) or returns raw bytes unchanged.
// Throws pgo::Error (stage "gunzip") on truncated or corrupt gzip, or when the result
// would exceed max_bytes (checked while inflating: memory never exceeds the limit);
// `name` names the input.
std::vector<std::uint8_t> maybe_gunzip(std::span<const std::uint8_t> bytes, const std::string& name,
                                       std::uint64_t max_bytes = kDefaultMaxInputBytes);

// Inflates (maybe_gunzip), decodes and validates one input from file bytes into the flat
// model of wire_profile.h: what the merge reads. Throws pgo::Error (stage "gunzip",
// "decode" or "validate") naming `name`.
// check_samples false leaves the per-sample checks to the caller (see
// validate_wire_profile).
WireProfile decode_wire_input(std::span<const std::uint8_t> bytes, const std::string& name,
                              std::uint64_t max_bytes = kDefaultMaxInputBytes,
                              bool check_samples = true);

// The same into `out`, reusing its buffers (the inflated bytes and the tables): a merge
// worker keeps one WireProfile and allocates nothing per input once it has grown.
void decode_wire_input_into(std::span<const std::uint8_t> bytes, const std::string& name,
                            std::uint64_t max_bytes, bool check_samples, WireProfile& out);

// Decodes and validates one profile from file bytes (gzip or raw). Throws pgo::Error
// (stage "decode" or "validate") naming `name`.
perftools::profiles::Profile decode_profile(std::span<const std::uint8_t> bytes,
                                            const std::string& name);

// decode_profile into an existing (empty) message, which may live on a protobuf Arena so
// that a large input is freed in one step. Same checks and errors as decode_profile.
void decode_profile_into(std::span<const std::uint8_t> bytes, const std::string& name,
                         perftools::profiles::Profile& out);

// read_file_bytes + decode_profile.
perftools::profiles::Profile read_profile_file(const std::string& path);

// Checks the invariants every consumer relies on: string_table[0] == "", every string
// index in range, non-zero unique IDs, every referenced ID defined, one value per sample
// type in every sample. Throws pgo::Error (stage "validate") naming `name`.
void validate_profile(const perftools::profiles::Profile& profile, const std::string& name);

// Expands the command line's inputs: a file stays as is, a directory becomes the regular
// files in it (sorted by name, not recursive, hidden files skipped). Throws pgo::Error
// (stage "read") for a path that does not exist or an empty directory.
std::vector<std::string> expand_inputs(const std::vector<std::string>& paths);

}  // namespace pgo::merge

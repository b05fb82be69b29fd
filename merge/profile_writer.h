// Writing pprof profiles: protobuf encoding, gzip, and atomic replacement of the output.
//
//   pgo::merge::write_profile_file(merged, "default.pgo");  // temp file + rename
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "proto/profile.pb.h"

namespace pgo::merge {

// Serialized, gzip-compressed bytes. Deterministic: the same message gives the same bytes
// (fixed compression level, no file name or mtime in the gzip header).
std::vector<std::uint8_t> encode_profile(const perftools::profiles::Profile& profile);

// encode_profile + write_file_atomically.
void write_profile_file(const perftools::profiles::Profile& profile, const std::string& path);

}  // namespace pgo::merge

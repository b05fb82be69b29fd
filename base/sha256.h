// SHA-256 digests of files and byte strings, as lowercase hex (what `sha256sum` prints).
//
// Builds are identified by the digest of their binary: two builds with equal digests are
// the same program, which is how a run proves that -pgo changed (or did not change) code.
//
//   std::string d = pgo::sha256_file_hex("bin/server-v1");  // "5951a527..."
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pgo {

// Digest of `bytes` as 64 lowercase hex characters.
std::string sha256_hex(std::span<const std::uint8_t> bytes);
std::string sha256_hex(std::string_view text);

// Digest of a file's contents, read in chunks (binaries can be large). Throws pgo::Error
// (stage "hash") when the file cannot be opened or read.
std::string sha256_file_hex(const std::string& path);

}  // namespace pgo

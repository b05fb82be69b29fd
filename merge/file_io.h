// Whole-file I/O shared by every module: atomic writes and whole-file reads.
//
// Every artifact the project writes (merged profiles, report.json/md/html, stats, emitted
// default.pgo) goes through write_file_atomically, so a reader or a crash never sees a
// half-written file and a failed write leaves the previous file untouched.
//
//   pgo::merge::write_file_atomically("runs/x/report.md", markdown);
//   std::string text = pgo::merge::read_text_file("scenario.json", "scenario");
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pgo::merge {

// Writes bytes to path atomically: a temporary file in the same directory, fsync, rename,
// fsync of the directory. On any failure the temporary file is removed and an existing
// file at path is untouched. Throws pgo::Error (stage "write", file = path).
void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes);
void write_file_atomically(const std::string& path, std::string_view text);

// The whole file. Throws pgo::Error (stage `stage`, file = path) when it cannot be opened.
std::string read_text_file(const std::string& path, const std::string& stage = "read");

}  // namespace pgo::merge

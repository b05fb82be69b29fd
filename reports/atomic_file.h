// Atomic file output: a reader (or a crash) never sees a half-written report.
//
//   pgo::reports::write_file_atomically("runs/x/report.md", markdown);
//
// The content goes to a temporary file in the same directory, is flushed, and is renamed
// over `path` (rename(2) is atomic within one file system).
#pragma once

#include <string>
#include <string_view>

namespace pgo::reports {

// Throws pgo::Error (stage "write", file = path) when the directory does not exist or the
// file cannot be written; the temporary file is removed on failure.
void write_file_atomically(const std::string& path, std::string_view content);

// The whole file as bytes. Throws pgo::Error (stage "read", file = path) when it cannot be
// opened.
std::string read_text_file(const std::string& path, const std::string& stage = "read");

}  // namespace pgo::reports

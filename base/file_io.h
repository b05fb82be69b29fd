// Whole-file I/O shared by every module: atomic writes and whole-file reads.
//
// Every artifact the project writes (merged profiles, report.json/md/html, stats, emitted
// default.pgo) goes through write_file_atomically, so a reader or a crash never sees a
// half-written file and a failed write leaves the previous file untouched.
//
//   pgo::write_file_atomically("runs/x/report.md", markdown);
//   std::string text = pgo::read_text_file("scenario.json", "scenario");
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pgo {

// Writes bytes to path. A regular file (new or existing) is replaced atomically: a
// temporary file in the same directory, fsync, rename, fsync of the directory; on any
// failure the temporary file is removed and an existing file is untouched; an existing
// file keeps its permission bits. A symlink is followed: its target file is replaced, never
// the link itself (a dangling link creates its target). Anything else that exists (a
// device such as /dev/null or /dev/full, a FIFO, a terminal) is written through, in
// place, because replacing it would destroy it; a short write there (ENOSPC on /dev/full)
// is an error too. A directory is refused. Throws pgo::Error (stage "write", file = path).
void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes);
void write_file_atomically(const std::string& path, std::string_view text);

// Throws the pgo::Error (stage "write") that write_file_atomically(path, ...) would throw
// for a path it cannot write at all (a missing or read-only directory, a directory at
// path, a symlink loop), without changing anything: for commands that write their output
// only at the end and should fail before hours of work, not after.
void check_writable(const std::string& path);

// The meaning of a failed stat()/open() of path in words, for "cannot read" messages:
// "no such file or directory", "too many levels of symbolic links" (a symlink loop),
// "permission denied", ... `error` is the errno or std::error_code value of the failure.
std::string describe_path_error(int error);

// The whole file. Throws pgo::Error (stage `stage`, file = path) when it cannot be opened.
std::string read_text_file(const std::string& path, const std::string& stage = "read");

}  // namespace pgo

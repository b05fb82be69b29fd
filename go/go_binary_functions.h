// The function names a Go binary contains, read from the binary itself (no `go tool nm`):
// for telling which functions a PGO profile names that a later build no longer has.
//
// Source, in order of preference:
//  - the .gopclntab section (Go 1.18+ pclntab): its function-name table lists every
//    function, including those that exist only inlined into others, and it survives
//    `-ldflags=-s` (stripped binaries);
//  - the ELF .symtab (function symbols), for binaries without a readable pclntab; it lacks
//    functions that were inlined everywhere.
// Only 64-bit little-endian ELF (linux/amd64, linux/arm64) is read.
//
//   GoBinaryFunctions f = read_go_binary_functions("builds/v1/app");
//   bool present = f.names.count("main.parse") != 0;
#pragma once

#include <set>
#include <string>

namespace pgo::harness {

struct GoBinaryFunctions {
  std::set<std::string> names;
  std::string source;  // "gopclntab" or "symtab"
};

// Throws pgo::Error (stage "binary", file = path) for an unreadable file, a file that is not
// 64-bit little-endian ELF, or a binary with neither a Go pclntab nor a symbol table.
GoBinaryFunctions read_go_binary_functions(const std::string& path);

}  // namespace pgo::harness

// Input lists (`pgo-merge --files-from FILE`): the inputs of a merge named one per line in
// a file or on standard input, for fleets whose profiles are too many for a command line
// or spread over a tree that `find` walks.
//
//   find prof -name '*.pb.gz' | pgo-merge --files-from - -o default.pgo
//   std::vector<std::string> inputs = pgo::cli::read_input_list("inputs.txt");
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace pgo::cli {

// The inputs a list names, in its order: one per line, each taken as written (a file, a
// directory or a URL, as a command-line INPUT; a relative path is relative to the current
// directory). Empty lines and lines starting with '#' are skipped; a '\r' before the line
// end is dropped (lists written on Windows). `source` names the list in errors.
// Throws pgo::Error (stage "read") on a line holding a NUL byte (the file is not a list
// of names: a profile given by mistake, or `find -print0` output) or when reading fails.
std::vector<std::string> parse_input_list(std::istream& in, const std::string& source);

// The same for a file, or for standard input when `file` is "-". Throws pgo::Error
// (stage "read") when the file cannot be opened or read.
std::vector<std::string> read_input_list(const std::string& file);

}  // namespace pgo::cli

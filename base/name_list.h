// Lists of names, one per line: the inputs of `pgo-merge --files-from FILE` (files,
// directories or URLs; a fleet's profiles, too many for a command line or spread over a
// tree that `find` walks) and the targets of `--targets-file` (run/profile_target.h).
//
//   find prof -name '*.pb.gz' | pgo-merge --files-from - -o default.pgo
//   std::vector<std::string> inputs = pgo::read_name_list("inputs.txt", "read");
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace pgo {

// The names a list holds, in its order: one per line, each taken as written (spaces and
// '#' inside a name kept). Empty lines and lines starting with '#' are skipped; a '\r'
// before the line end is dropped (lists written on Windows). `source` names the list in
// errors, `stage` is their stage. Throws pgo::Error on a line holding a NUL byte (the file
// is not a list of names: a profile given by mistake, or `find -print0` output) or when
// reading fails.
std::vector<std::string> parse_name_list(std::istream& in, const std::string& source,
                                         const std::string& stage);

// The same for a file, or for standard input when `path` is "-". Throws pgo::Error when
// the file cannot be opened or read, or is a directory.
std::vector<std::string> read_name_list(const std::string& path, const std::string& stage);

}  // namespace pgo

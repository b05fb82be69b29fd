// The open-file limit (RLIMIT_NOFILE) of the harness's own work. Fetching profiles from a
// fleet opens a socket and a file per instance at the same time, more than the usual soft
// limit of 1024 allows; the limit is raised for that (up to the hard limit), and every
// program the harness starts afterwards gets back the soft limit the harness started with
// (process.cpp), as Go's runtime does for the programs it starts.
//
//   const std::uint64_t limit = pgo::harness::raise_open_file_limit(open_file_count() + 3 * n);
#pragma once

#include <sys/resource.h>

#include <cstdint>

namespace pgo::harness {

// The number of file descriptors this process has open now.
std::uint64_t open_file_count();

// Raises the soft limit to `wanted`, or to the hard limit if that is lower; never lowers
// it. Returns the soft limit now in effect (the largest value where there is none, or it
// cannot be read). Thread-safe.
std::uint64_t raise_open_file_limit(std::uint64_t wanted);

// The limit a child process is given back in its setup before exec; nullptr while the
// limit was never raised. Async-signal-safe (it reads memory written before the raise).
const rlimit* open_file_limit_for_children();

}  // namespace pgo::harness

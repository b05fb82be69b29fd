// Where a live profile comes from: a TARGET as a user writes it (a service's base URL or a
// full profile URL), turned into the URL that is fetched and a short name for reports.
//
//   ProfileTarget t = parse_profile_target("http://prod1:6060", 30);
//   // t.url  == "http://prod1:6060/debug/pprof/profile?seconds=30"
//   // t.name == "prod1:6060"
//   ProfileTarget u = parse_profile_target("https://api:8443/internal/pprof/profile?seconds=5",
//   30);
//   // u.url is kept as given (the target chose its own window)
#pragma once

#include <string>
#include <vector>

namespace pgo::harness {

// The standard net/http/pprof CPU profile path added to a base URL.
inline constexpr const char* kPprofProfilePath = "/debug/pprof/profile";

struct ProfileTarget {
  std::string spec;  // as given
  std::string name;  // "host:port" (plus the path when it is not the standard one)
  std::string url;   // what is fetched
};

// True when `text` starts with http:// or https:// (a URL input rather than a file).
bool is_http_url(const std::string& text);

// A base URL (no path, or "/") gets kPprofProfilePath and "?seconds=S"; a URL whose path is
// kPprofProfilePath without a query gets "?seconds=S"; any other URL is fetched as given.
// Throws pgo::Error (stage "target", file = spec) for anything that is not an http(s) URL
// with a host: a missing scheme, user:password@ in the URL (use a header instead, so that
// secrets stay out of reports), whitespace, an empty host or a bad port.
// REQUIRES: seconds >= 1.
ProfileTarget parse_profile_target(const std::string& spec, int seconds);

// The targets listed in a file ('-': standard input), one per line (base/name_list.h);
// blank lines and lines starting with '#' are skipped, surrounding whitespace trimmed.
// Throws pgo::Error (stage "targets") when the file cannot be read or is not a list.
std::vector<std::string> read_targets_file(const std::string& path);

}  // namespace pgo::harness

#include "run/profile_target.h"

#include <cctype>

#include "base/error.h"
#include "base/name_list.h"

namespace pgo::harness {
namespace {

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

[[noreturn]] void bad(const std::string& spec, const std::string& problem) {
  throw Error("target", spec, problem,
              "expected http(s)://HOST:PORT or a full profile URL such as "
              "http://HOST:PORT/debug/pprof/profile?seconds=30");
}

}  // namespace

bool is_http_url(const std::string& text) {
  return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
}

ProfileTarget parse_profile_target(const std::string& spec, int seconds) {
  if (spec.empty()) bad(spec, "empty target");
  if (!is_http_url(spec)) bad(spec, "not an http:// or https:// URL");
  for (char c : spec) {
    if (std::isspace(static_cast<unsigned char>(c)) || std::iscntrl(static_cast<unsigned char>(c)))
      bad(spec, "whitespace or control character in the URL");
  }
  const std::size_t scheme_end = spec.find("://") + 3;
  std::size_t authority_end = spec.find_first_of("/?#", scheme_end);
  if (authority_end == std::string::npos) authority_end = spec.size();
  const std::string authority = spec.substr(scheme_end, authority_end - scheme_end);
  if (authority.find('@') != std::string::npos) {
    throw Error("target", spec, "credentials in the URL",
                "pass them as a header (--header-env / --header-file) so they stay out of "
                "logs and reports");
  }
  if (authority.empty()) bad(spec, "no host in the URL");
  // host, [v6]:port, host:port
  std::string host = authority, port;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string::npos) bad(spec, "unterminated [IPv6] host");
    host = authority.substr(0, close + 1);
    std::string rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') bad(spec, "unexpected text after the [IPv6] host");
      port = rest.substr(1);
      if (port.empty()) bad(spec, "empty port");
    }
  } else if (std::size_t colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) bad(spec, "empty port");
  }
  if (host.empty()) bad(spec, "no host in the URL");
  if (!port.empty()) {
    for (char c : port) {
      if (!std::isdigit(static_cast<unsigned char>(c)))
        bad(spec, "port '" + port + "' is not a number");
    }
    if (port.size() > 5 || std::stol(port) < 1 || std::stol(port) > 65535)
      bad(spec, "port " + port + " is out of range (1-65535)");
  }
  std::string rest = spec.substr(authority_end);
  std::string path = rest.substr(0, rest.find_first_of("?#"));
  const bool has_query = rest.find('?') != std::string::npos;

  ProfileTarget t;
  t.spec = spec;
  t.name = authority;
  const std::string base = spec.substr(0, authority_end);
  const std::string window = "seconds=" + std::to_string(seconds);
  if (path.empty() || path == "/") {
    if (has_query) bad(spec, "a base URL with a query; give the full profile URL instead");
    t.url = base + kPprofProfilePath + "?" + window;
  } else if (path == kPprofProfilePath && !has_query && rest.find('#') == std::string::npos) {
    t.url = base + kPprofProfilePath + "?" + window;
  } else {
    t.url = spec;
    if (path != kPprofProfilePath) t.name += path;
  }
  return t;
}

std::vector<std::string> read_targets_file(const std::string& path) {
  std::vector<std::string> targets;
  for (const std::string& line : pgo::read_name_list(path, "targets")) {
    std::string target = trim(line);  // a URL holds no blank: an indented line is fine
    if (target.empty() || target.front() == '#') continue;
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace pgo::harness

#include "cli/fetch_options.h"

#include <cstdlib>
#include <filesystem>

#include "base/error.h"
#include "base/file_io.h"
#include "run/live_collection.h"
#include "run/live_profile_fetch.h"
#include "run/profile_target.h"

namespace pgo::cli {
namespace {

std::string trim_line_end(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.pop_back();
  return s;
}

}  // namespace

void add_fetch_options(CLI::App& app, FetchCliOptions& o, const std::string& seconds_help) {
  app.add_option("--seconds", o.seconds, seconds_help)
      ->type_name("S")
      ->default_val(30)
      ->check(CLI::Range(1, 3600));
  app.add_option("--timeout", o.timeout_seconds,
                 "Seconds one fetch attempt may take (default: S plus max(5 s, S/2))")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.1, 7200.0));
  app.add_option("--attempts", o.attempts,
                 "Attempts per fetch; refused connections, timeouts, 5xx and 429 are retried "
                 "with backoff (0.5 s, doubling)")
      ->type_name("N")
      ->default_val(3)
      ->check(CLI::Range(1, 20));
  app.add_option("--cacert", o.cacert, "PEM file of the CA(s) trusted for https targets")
      ->type_name("FILE");
  app.add_option("--token-env", o.token_env,
                 "Send the token in this environment variable as 'Authorization: Bearer TOKEN'")
      ->type_name("VAR");
  app.add_option("--token-file", o.token_file, "The same, with the token read from FILE")
      ->type_name("FILE");
  app.add_option("--token-header", o.token_header,
                 "Send the token as 'NAME: TOKEN' instead of 'Authorization: Bearer TOKEN'")
      ->type_name("NAME");
  app.add_option("--header", o.headers,
                 "Extra request header 'Name: value' (repeatable; not for secrets: use "
                 "--token-env or --token-file)")
      ->type_name("'NAME: VALUE'");
}

harness::HttpOptions make_http_options(const FetchCliOptions& o) {
  harness::HttpOptions http = harness::profile_fetch_http_options(o.seconds);
  if (o.timeout_seconds > 0) {
    http.timeout = std::chrono::milliseconds(static_cast<long long>(o.timeout_seconds * 1000));
  }
  http.attempts = o.attempts;
  if (!o.cacert.empty()) {
    if (!std::filesystem::is_regular_file(o.cacert)) {
      throw Error("fetch", o.cacert, "no such CA file", "--cacert takes a PEM file");
    }
    http.ca_file = o.cacert;
  }
  for (const std::string& h : o.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0 || h.find_first_of("\r\n") != std::string::npos) {
      throw Error("fetch", "", "--header '" + h + "' is not 'Name: value'");
    }
    http.headers.push_back(h);
  }
  if (!o.token_env.empty() && !o.token_file.empty()) {
    throw Error("fetch", "", "both --token-env and --token-file given", "use one of them");
  }
  std::string token;
  if (!o.token_env.empty()) {
    const char* value = std::getenv(o.token_env.c_str());
    if (value == nullptr || *value == '\0') {
      throw Error("fetch", "",
                  "environment variable " + o.token_env + " (--token-env) is unset or empty");
    }
    token = trim_line_end(value);
  } else if (!o.token_file.empty()) {
    token = trim_line_end(pgo::read_text_file(o.token_file, "fetch"));
    if (token.empty()) throw Error("fetch", o.token_file, "the token file is empty");
  }
  if (!token.empty()) {
    if (token.find_first_of("\r\n") != std::string::npos) {
      throw Error("fetch", o.token_file.empty() ? o.token_env : o.token_file,
                  "the token spans several lines");
    }
    http.headers.push_back(o.token_header == "Authorization" ? "Authorization: Bearer " + token
                                                             : o.token_header + ": " + token);
  }
  return http;
}

void add_target_options(CLI::App& app, TargetCliOptions& o, const std::string& target_help,
                        const std::string& min_instances_help) {
  app.add_option("TARGET", o.targets, target_help)->type_name("TARGET...");
  app.add_option("--targets-file", o.targets_file,
                 "File of targets, one per line ('-': standard input; '#' comments)")
      ->type_name("FILE");
  app.add_option("--min-instances", o.min_instances, min_instances_help)
      ->type_name("N")
      ->check(CLI::Range(1, 100000));
}

std::vector<std::string> all_targets(const TargetCliOptions& o) {
  std::vector<std::string> targets = o.targets;
  if (!o.targets_file.empty()) {
    std::vector<std::string> listed = harness::read_targets_file(o.targets_file);
    if (listed.empty() && targets.empty()) {
      throw Error("targets", o.targets_file, "no targets in the file",
                  "one URL per line; '#' starts a comment");
    }
    targets.insert(targets.end(), listed.begin(), listed.end());
  }
  return targets;
}

int min_instances_of(const TargetCliOptions& o, std::size_t targets) {
  return o.min_instances > 0 ? o.min_instances : harness::default_min_instances(targets);
}

}  // namespace pgo::cli

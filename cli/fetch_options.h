// Command-line options shared by every command that fetches profiles over HTTP(S)
// (`collect`, URL inputs of `merge`): the capture window, timeouts, retries, TLS trust and
// request headers, and their translation into harness::HttpOptions.
//
// Secrets: a token is read from an environment variable (--token-env) or a file
// (--token-file), never from the command line (visible in `ps`), and lives only in the
// request headers, which no report, manifest or error message prints.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "process/http_client.h"

namespace pgo::cli {

struct FetchCliOptions {
  int seconds = 30;
  double timeout_seconds = 0;  // per attempt; 0: derived from seconds
  int attempts = 3;
  std::string cacert;
  std::string token_env;
  std::string token_file;
  std::string token_header = "Authorization";
  std::vector<std::string> headers;  // "Name: value", not secret
};

// Adds --seconds, --timeout, --attempts, --cacert, --token-env, --token-file,
// --token-header and --header to app. `seconds_help` explains --seconds for that command.
void add_fetch_options(CLI::App& app, FetchCliOptions& options, const std::string& seconds_help);

// The HttpOptions these options describe. Throws pgo::Error (stage "fetch") when the token
// variable is unset or empty, the token file is unreadable or empty, the CA file is
// missing, or a --header is not "Name: value".
harness::HttpOptions make_http_options(const FetchCliOptions& options);

// The live instances to collect from, as `collect` and `refresh` take them: TARGET...,
// --targets-file FILE and --min-instances N.
struct TargetCliOptions {
  std::vector<std::string> targets;
  std::string targets_file;
  int min_instances = 0;  // 0: harness::default_min_instances of the targets' count
  bool given() const { return !targets.empty() || !targets_file.empty(); }
};

// Adds TARGET..., --targets-file and --min-instances to app, with each command's wording
// of what TARGET and --min-instances mean there.
void add_target_options(CLI::App& app, TargetCliOptions& options, const std::string& target_help,
                        const std::string& min_instances_help);

// The TARGETs, then the lines of --targets-file. Throws pgo::Error (stage "targets") when
// the file is unreadable, or lists nothing and no TARGET was given either.
std::vector<std::string> all_targets(const TargetCliOptions& options);

// --min-instances, or a majority of `targets` when it is not given.
int min_instances_of(const TargetCliOptions& options, std::size_t targets);

}  // namespace pgo::cli

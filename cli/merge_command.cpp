// `pgo-merge` and `pgo-harness merge`: options, policy messages, output.
//
// Option parsing and printing live here; the work is pgo::merge::run_merge_job. The run
// goes: validate the command line (usage errors exit 2), expand inputs and weights, merge,
// post-process the merged profile, write it (atomically to a file, or to stdout), report.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "base/error.h"
#include "base/name_list.h"
#include "cli/command.h"
#include "cli/fetch_options.h"
#include "cli/post_merge_steps.h"
#include "cli/url_inputs.h"
#include "merge/merge_job.h"
#include "merge/profile_reader.h"
#include "merge/profile_scaling.h"
#include "merge/profile_writer.h"
#include "run/profile_target.h"

namespace pgo::cli {
namespace {

namespace fs = std::filesystem;

struct MergeCommandOptions {
  std::vector<std::string> inputs;
  std::vector<std::string> input_lists;  // --files-from: more inputs, one per line
  std::string output;                    // empty or "-": stdout
  std::vector<std::string> weights;
  bool normalize = false;
  bool skip_bad = false;
  bool quiet = false;
  unsigned jobs = 0;  // 0: every available core
  std::uint64_t max_input_size = merge::kDefaultMaxInputBytes;
  // http(s) URL inputs: capture window, timeouts, TLS, headers (cli/fetch_options.h).
  FetchCliOptions fetch;
  bool allow_non_pgo = false;
  bool in_place = false;  // the output may be an input, or inside an input directory
  // Options of the post-merge steps (--trim, --stats, ...) go below this line.
  PostMergeOptions post;
};

constexpr const char* kMergeFooter =
    R"(Each INPUT is a pprof profile (gzip-compressed or raw protobuf) or a directory,
which stands for the regular files in it (sorted, hidden files skipped), or an
http(s) URL as `go tool pprof` takes it: http://HOST:PORT fetches
/debug/pprof/profile?seconds=S from a live service, a full URL is fetched as given; all
URLs are fetched at the same time before merging (--seconds, --cacert, --token-env ...).
--files-from FILE adds the inputs FILE names, one per line ('-': standard input; empty
lines and lines starting with '#' skipped), after those on the command line.
The output is a gzip-compressed profile, byte-identical for the same set of inputs
whatever their order. It matches `go tool pprof -symbolize=none -proto INPUT...` and keeps
everything `go build -pgo` reads (start lines, inline frames, build IDs).

Examples:
  pgo-merge -o default.pgo prof/a.pprof prof/b.pprof
  pgo-merge prof/ > default.pgo                       # every profile in prof/
  pgo-merge --normalize -o merged.pgo short.pprof long.pprof
  pgo-merge --weight canary.pprof=0.5 -o merged.pgo canary.pprof prod.pprof
  pgo-merge --skip-bad -o nightly.pgo /var/profiles/
  find /var/profiles -name '*.pb.gz' | pgo-merge --files-from - -o fleet.pgo
  pgo-merge --seconds 10 -o live.pgo http://prod1:6060 http://prod2:6060

The merge must be usable by `go build -pgo` (CPU profiles with start lines); a heap or
other non-CPU profile is refused unless --allow-non-pgo. An output that is one of the
inputs, or that lands in an input directory (and would be merged again next time), is
refused unless --in-place.

Exit codes: 0 merged, 1 bad input or failed stage (one line on stderr naming the file),
2 bad command line.

Memory: each of the --jobs threads holds one inflated input (at most --max-input-size);
the partial merges are layers over the first input's merge, each holding what its inputs
add to it (at most about the merged result), and only as many are used as folds ran at
the same time (at most --jobs); samples are decoded one at a time, never all at once.)";

std::string root_name(const CLI::App& app) {
  const CLI::App* root = &app;
  while (root->get_parent() != nullptr) root = root->get_parent();
  return root->get_name();
}

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? fs::path(path).lexically_normal().string() : p.string();
}

// Resolves each --weight FILE=W against the inputs. FILE may name an input file, a file
// inside an input directory, or an input directory (weighting all of its files); a
// file's own weight wins over its directory's.
std::vector<merge::MergeInput> weighted_inputs(const std::vector<std::string>& args,
                                               const std::vector<std::string>& specs) {
  std::vector<merge::MergeInput> inputs;
  std::vector<std::string> input_keys;     // canonical path of each expanded input
  std::vector<std::string> argument_keys;  // canonical path of the argument it came from
  for (const auto& arg : args) {
    for (auto& path : merge::expand_inputs({arg})) {
      input_keys.push_back(canonical(path));
      argument_keys.push_back(canonical(arg));
      inputs.push_back({std::move(path), 1.0});
    }
  }
  std::map<std::string, double> by_path;
  for (const auto& spec : specs) {
    const auto eq = spec.rfind('=');
    if (eq == std::string::npos || eq == 0) {
      throw UsageError("--weight " + spec + ": expected FILE=W, e.g. --weight a.pprof=2");
    }
    const std::string file = spec.substr(0, eq);
    const auto weight = merge::parse_weight(std::string_view(spec).substr(eq + 1));
    if (!weight) {
      throw UsageError("--weight " + spec + ": W must be a non-negative decimal number like 0.5");
    }
    const std::string key = canonical(file);
    const bool known =
        std::find(input_keys.begin(), input_keys.end(), key) != input_keys.end() ||
        std::find(argument_keys.begin(), argument_keys.end(), key) != argument_keys.end();
    if (!known) throw UsageError("--weight " + spec + ": " + file + " is not one of the inputs");
    if (!by_path.emplace(key, *weight).second) {
      throw UsageError("--weight: " + file + " is given more than one weight");
    }
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (auto it = by_path.find(input_keys[i]); it != by_path.end()) {
      inputs[i].weight = it->second;
    } else if (auto dir = by_path.find(argument_keys[i]); dir != by_path.end()) {
      inputs[i].weight = dir->second;
    }
  }
  return inputs;
}

void write_stdout(const std::vector<std::uint8_t>& bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() ||
      std::fflush(stdout) != 0) {
    throw Error(
        "write", "<stdout>",
        std::string("cannot write the profile to standard output: ") + std::strerror(errno));
  }
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Refuses an output file (-o, --stats-json) that is one of the inputs (it would be
// replaced while it is an input) or that lands in an input directory where the next merge
// of that directory would read it again (double counting). Files are compared by device
// and inode, so another spelling, a symlink or a hard link to an input is caught too.
void check_output_is_not_input(const std::string& output, const char* option,
                               const std::vector<std::string>& input_args,
                               const std::vector<merge::MergeInput>& inputs) {
  struct stat out;
  if (::stat(output.c_str(), &out) == 0 && S_ISREG(out.st_mode)) {
    for (const auto& in : inputs) {
      struct stat st;
      if (::stat(in.path.c_str(), &st) == 0 && same_file(st, out)) {
        throw UsageError(std::string(option) + " " + output + " is also the input " + in.path +
                         "; write elsewhere, or pass --in-place to replace it on purpose");
      }
    }
  }
  const fs::path out_path(output);
  if (out_path.filename().string().starts_with(".")) return;  // directories skip hidden files
  const fs::path out_dir = out_path.has_parent_path() ? out_path.parent_path() : fs::path(".");
  struct stat dir;
  if (::stat(out_dir.c_str(), &dir) != 0) return;
  for (const auto& arg : input_args) {
    struct stat st;
    if (::stat(arg.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && same_file(st, dir)) {
      throw UsageError(std::string(option) + " " + output + " is inside the input directory " +
                       arg + ", so merging " + arg +
                       " again would count it twice; write elsewhere, or pass --in-place");
    }
  }
}

// --weight URL=W names a URL input: it now weights the file the URL was fetched into (and
// is dropped with the URL when --skip-bad skipped it).
std::vector<std::string> weights_for_fetched(const std::vector<std::string>& specs,
                                             const UrlInputs& urls) {
  std::vector<std::string> out;
  for (const std::string& spec : specs) {
    const auto eq = spec.rfind('=');
    if (eq != std::string::npos) {
      const std::string name = spec.substr(0, eq);
      if (std::string file = urls.file_of(name); !file.empty()) {
        out.push_back(file + spec.substr(eq));
        continue;
      }
      const auto& failed = urls.failures();
      if (std::any_of(failed.begin(), failed.end(), [&](const auto& f) { return f.url == name; }))
        continue;  // a skipped URL input: its weight goes with it
    }
    out.push_back(spec);
  }
  return out;
}

int run_merge(const MergeCommandOptions& o, const std::string& program) {
  const bool to_stdout = o.output.empty() || o.output == "-";
  std::vector<merge::MergeInput> inputs;
  UrlInputs urls;  // removes what it fetched when the merge is over
  {
    if (o.inputs.empty() && o.input_lists.empty()) {
      throw UsageError("no INPUT: name profiles, directories or URLs, or pass --files-from FILE");
    }
    // Refuse before doing any work: binary data would garble the terminal.
    if (to_stdout && ::isatty(STDOUT_FILENO)) {
      throw UsageError(
          "refusing to write a binary profile to a terminal; use -o FILE or "
          "redirect standard output");
    }
    // The inputs as named: on the command line, then in the --files-from lists.
    std::vector<std::string> named = o.inputs;
    for (const auto& list : o.input_lists) {
      const std::vector<std::string> listed = read_name_list(list, "read");
      named.insert(named.end(), listed.begin(), listed.end());
    }
    if (named.empty()) {
      throw Error("read", o.input_lists.size() == 1 ? o.input_lists.front() : "",
                  "the input list names no input", "name one file, directory or URL per line");
    }
    std::vector<std::string> args = named;
    std::vector<std::string> weights = o.weights;
    if (std::any_of(args.begin(), args.end(), harness::is_http_url)) {
      args = urls.fetch(args, make_http_options(o.fetch), o.fetch.seconds, o.skip_bad);
      for (const auto& f : urls.failures())
        std::cerr << "skipped " << f.url << ": " << f.reason << "\n";
      weights = weights_for_fetched(weights, urls);
      if (args.empty())
        throw Error("merge", "", "no input could be merged", "every URL input failed");
    }
    inputs = weighted_inputs(args, weights);
    if (auto problem = post_merge_usage_error(o.post, to_stdout)) {
      throw UsageError(*problem);
    }
    if (!o.in_place) {
      if (!to_stdout) check_output_is_not_input(o.output, "-o", named, inputs);
      if (!o.post.stats_json.empty() && o.post.stats_json != "-") {
        check_output_is_not_input(o.post.stats_json, "--stats-json", named, inputs);
      }
    }
  }

  merge::MergeJobOptions job;
  job.normalize = o.normalize;
  job.skip_bad = o.skip_bad;
  job.jobs = o.jobs;
  job.max_input_bytes = o.max_input_size;
  if (wants_input_stats(o.post)) job.input_stats_top_n = o.post.top_n;
  job.require_pgo_usable = !o.allow_non_pgo;
  merge::MergeOutcome outcome = merge::run_merge_job(inputs, job);
  for (const auto& s : outcome.skipped)
    std::cerr << "skipped " << s.path << ": " << s.reason << "\n";
  if (outcome.merged_inputs == 0) {
    throw Error("merge", "", "no input could be merged",
                std::to_string(outcome.skipped.size()) + " input(s) skipped");
  }

  // Post-merge steps on outcome.profile (trimming, statistics) go here.
  const PostMergeResult post =
      apply_post_merge_steps(o.post, outcome, to_stdout ? "<stdout>" : o.output);
  const auto& bytes = post.bytes;
  if (to_stdout) {
    write_stdout(bytes);
  } else {
    pgo::write_file_atomically(o.output, bytes);
  }
  if (!o.quiet) {
    std::cerr << program << ": merged " << outcome.merged_inputs << " of " << inputs.size()
              << " input(s): " << outcome.profile.sample_size() << " samples, "
              << outcome.profile.location_size() << " locations, "
              << outcome.profile.function_size() << " functions, " << bytes.size() << " bytes -> "
              << (to_stdout ? std::string("<stdout>") : o.output) << "\n";
  }
  finish_post_merge_steps(o.post, post, program, o.quiet, std::cerr);
  return kExitOk;
}

}  // namespace

void configure_merge_command(CLI::App& app, CommandRunner& runner) {
  auto o = std::make_shared<MergeCommandOptions>();
  app.footer(kMergeFooter);
  app.add_option("INPUT", o->inputs,
                 "Profiles, directories of profiles or URLs to merge (at least one, here or "
                 "in a --files-from list)")
      ->type_name("INPUT...");
  app.add_option("--files-from", o->input_lists,
                 "Also merge the inputs FILE names, one per line ('-': standard input; empty "
                 "lines and lines starting with '#' skipped); repeatable")
      ->type_name("FILE")
      ->allow_extra_args(false);
  app.add_option("-o,--output", o->output,
                 "Write the merged profile to FILE atomically (default or '-': stdout)")
      ->type_name("FILE");
  app.add_option("--weight", o->weights,
                 "Multiply the values of input FILE (or of every file of an input directory) by "
                 "W, a non-negative decimal, before merging; repeatable")
      ->type_name("FILE=W")
      ->allow_extra_args(false);
  app.add_flag("--normalize", o->normalize,
               "Scale every input to the largest input's total of the PGO sample type "
               "(samples/count or cpu/nanoseconds) before weights, so long captures do not "
               "outweigh short ones");
  app.add_flag("--skip-bad", o->skip_bad,
               "Skip unreadable or incompatible inputs, printing 'skipped FILE: reason'; fail "
               "only if no input is left");
  app.add_flag("--allow-non-pgo", o->allow_non_pgo,
               "Merge profiles `go build -pgo` cannot use (heap, mutex, block, ... or CPU "
               "profiles without start lines) instead of failing");
  app.add_flag("--in-place", o->in_place,
               "Allow the output to be one of the inputs (replaced after the merge) or a new "
               "file inside an input directory");
  app.add_flag("-q,--quiet", o->quiet, "Do not print the summary line");
  app.add_option("-j,--jobs", o->jobs,
                 "Read, decode and fold inputs on N threads (default: every available core); "
                 "the output is the same for any N")
      ->type_name("N")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--max-input-size", o->max_input_size,
                 "Refuse an input that inflates to more than SIZE bytes (suffixes K, M, G: "
                 "powers of 1024; default 512M), so that a gzip bomb cannot exhaust memory")
      ->type_name("SIZE")
      ->transform(CLI::AsSizeValue(false));
  add_fetch_options(app, o->fetch,
                    "Capture window of a CPU profile fetched from a URL input http://HOST:PORT");
  // Options of the post-merge steps (--trim, --stats, ...) are added below this line.
  add_post_merge_options(app, o->post);

  const std::string program = root_name(app);
  app.callback([o, program, &runner] { runner = [o, program] { return run_merge(*o, program); }; });
}

}  // namespace pgo::cli

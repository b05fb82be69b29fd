#include "go/vcs_revision.h"

#include "process/process.h"
#include "base/error.h"

namespace pgo::harness {
namespace {

std::optional<std::string> git(const std::string& directory, std::vector<std::string> args) {
  ProcessSpec spec;
  spec.argv = {"git", "-C", directory};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  spec.stdout_mode = StreamMode::kCapture;
  spec.stderr_mode = StreamMode::kNull;
  spec.timeout = std::chrono::seconds(30);
  try {
    ProcessResult r = run_process(spec);
    if (!r.succeeded()) return std::nullopt;
    return r.captured_stdout;
  } catch (const Error&) {  // git not installed
    return std::nullopt;
  }
}

}  // namespace

std::optional<VcsRevision> read_git_revision(const std::string& directory) {
  auto head = git(directory, {"rev-parse", "--verify", "HEAD"});
  if (!head) return std::nullopt;
  while (!head->empty() && (head->back() == '\n' || head->back() == '\r')) head->pop_back();
  if (head->empty()) return std::nullopt;
  auto status = git(directory, {"status", "--porcelain", "--", "."});
  if (!status) return std::nullopt;
  return VcsRevision{*head, !status->empty()};
}

}  // namespace pgo::harness

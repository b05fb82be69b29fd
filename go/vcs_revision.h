// Which source a run built: the VCS revision of the Go module and whether the tree had
// uncommitted changes, read from git itself (the builds may use -buildvcs=false so that
// binaries stay byte-reproducible, and then carry no vcs.revision of their own).
//
//   if (auto v = read_git_revision("/src/app")) record(v->revision, v->dirty);
#pragma once

#include <optional>
#include <string>

namespace pgo::harness {

struct VcsRevision {
  std::string revision;  // full commit hash
  bool dirty = false;    // tracked or untracked changes under the directory
};

// nullopt when `directory` is not inside a git work tree, or git is not installed.
// `git status` covers only `directory` (the module), as Go's vcs.modified would.
std::optional<VcsRevision> read_git_revision(const std::string& directory);

}  // namespace pgo::harness

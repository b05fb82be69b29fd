// pgo::Error: the one error type of the project.
//
// A failure carries where it happened (the file and the stage) and what the user can do
// about it, so that the CLI prints one line a person can act on:
//
//   throw pgo::Error("read", "a.pprof", "truncated gzip stream", "re-fetch the profile");
//   // what(): "a.pprof: read: truncated gzip stream (re-fetch the profile)"
//
// Core code throws it; `main` and each phase boundary catch it. Asserts remain for bugs.
//
// An error may also carry what kind of failure it is, for the callers that act on the
// class of a failure rather than its words (exit codes, skip policies):
//
//   throw pgo::Error(pgo::ErrorKind::kInterrupted, "interrupted", "", "stopped by a signal");
#pragma once

#include <stdexcept>
#include <string>

namespace pgo {

// The class of a failure. Most errors are kGeneric: their stage and phase say enough.
enum class ErrorKind {
  kGeneric,
  kInterrupted,           // stopped by SIGINT / SIGTERM (a stop request), not a fault
  kProfileMissing,        // a profiled workload ended without writing its profile
  kUnusableProfile,       // a profile is empty, not a profile, or has no CPU sample type
  kIncompatibleProfiles,  // profiles whose sample or period types differ cannot be merged
};

class Error : public std::runtime_error {
 public:
  // REQUIRES: problem is non-empty. file and hint may be empty.
  Error(std::string stage, std::string file, std::string problem, std::string hint = {});
  Error(ErrorKind kind, std::string stage, std::string file, std::string problem,
        std::string hint = {});

  ErrorKind kind() const { return kind_; }
  const std::string& stage() const { return stage_; }
  const std::string& file() const { return file_; }
  const std::string& problem() const { return problem_; }
  const std::string& hint() const { return hint_; }

 private:
  ErrorKind kind_ = ErrorKind::kGeneric;
  std::string stage_;
  std::string file_;
  std::string problem_;
  std::string hint_;
};

// "FILE: STAGE: PROBLEM (HINT)", leaving out the parts that are empty.
std::string format_error(const std::string& stage, const std::string& file,
                         const std::string& problem, const std::string& hint);

}  // namespace pgo

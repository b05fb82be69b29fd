// pgo::Error: the one error type of the project.
//
// A failure carries where it happened (the file and the stage) and what the user can do
// about it, so that the CLI prints one line a person can act on:
//
//   throw pgo::Error("read", "a.pprof", "truncated gzip stream", "re-fetch the profile");
//   // what(): "a.pprof: read: truncated gzip stream (re-fetch the profile)"
//
// Core code throws it; `main` and each phase boundary catch it. Asserts remain for bugs.
#pragma once

#include <stdexcept>
#include <string>

namespace pgo {

class Error : public std::runtime_error {
 public:
  // REQUIRES: problem is non-empty. file and hint may be empty.
  Error(std::string stage, std::string file, std::string problem, std::string hint = {});

  const std::string& stage() const { return stage_; }
  const std::string& file() const { return file_; }
  const std::string& problem() const { return problem_; }
  const std::string& hint() const { return hint_; }

 private:
  std::string stage_;
  std::string file_;
  std::string problem_;
  std::string hint_;
};

// "FILE: STAGE: PROBLEM (HINT)", leaving out the parts that are empty.
std::string format_error(const std::string& stage, const std::string& file,
                         const std::string& problem, const std::string& hint);

}  // namespace pgo

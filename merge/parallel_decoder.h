// ParallelDecoder: reads and decodes a list of profile files on worker threads, ahead of
// a consumer that takes them one at a time in list order.
//
// At most `window` decoded profiles wait in memory at once, so a long input list costs
// the memory of a few profiles, not of all of them. Each profile lives on its own
// protobuf Arena and is freed in one step when the consumer drops it.
//
//   pgo::merge::ParallelDecoder decoder(paths, /*threads=*/2);
//   while (auto item = decoder.next()) {
//     if (item->error) { /* skip or rethrow */ continue; }
//     merger.add(*item->profile, item->path);
//   }
#pragma once

#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/profile.pb.h"

namespace google::protobuf {
class Arena;
}

namespace pgo::merge {

struct DecodedProfile {
  std::size_t index = 0;  // position in the input list
  std::string path;
  std::shared_ptr<google::protobuf::Arena> arena;   // owns *profile
  perftools::profiles::Profile* profile = nullptr;  // null when error is set
  std::exception_ptr error;  // a pgo::Error for bad input; anything else is a bug
};

class ParallelDecoder {
 public:
  // Starts `threads` workers (at least 1). REQUIRES: window >= threads.
  ParallelDecoder(std::vector<std::string> paths, unsigned threads = 2, std::size_t window = 4);
  // Stops the workers; profiles not yet taken are discarded.
  ~ParallelDecoder();
  ParallelDecoder(const ParallelDecoder&) = delete;
  ParallelDecoder& operator=(const ParallelDecoder&) = delete;

  // The next input in list order, waiting for it if needed; nullopt after the last.
  std::optional<DecodedProfile> next();

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

}  // namespace pgo::merge

#include "merge/parallel_decoder.h"

#include <google/protobuf/arena.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "merge/profile_reader.h"

namespace pgo::merge {

struct ParallelDecoder::Shared {
  std::vector<std::string> paths;
  std::size_t window = 4;
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next_to_claim = 0;    // first index no worker has started
  std::size_t next_to_deliver = 0;  // first index the consumer has not taken
  std::map<std::size_t, DecodedProfile> ready;
  bool stopping = false;
  std::vector<std::thread> workers;

  void work() {
    while (true) {
      std::size_t index;
      {
        std::unique_lock lock(mutex);
        // Claim only within the window ahead of the consumer: this bounds memory.
        changed.wait(lock, [&] {
          return stopping || next_to_claim >= paths.size() ||
                 next_to_claim < next_to_deliver + window;
        });
        if (stopping || next_to_claim >= paths.size()) return;
        index = next_to_claim++;
      }
      DecodedProfile item;
      item.index = index;
      item.path = paths[index];
      try {
        const auto bytes = read_file_bytes(item.path);
        google::protobuf::ArenaOptions options;
        // Big blocks: a profile is millions of small messages freed all at once.
        options.start_block_size = 64 * 1024;
        options.max_block_size = 4 * 1024 * 1024;
        item.arena = std::make_shared<google::protobuf::Arena>(options);
        item.profile =
            google::protobuf::Arena::CreateMessage<perftools::profiles::Profile>(item.arena.get());
        decode_profile_into(bytes, item.path, *item.profile);
      } catch (...) {
        item.profile = nullptr;
        item.arena.reset();
        item.error = std::current_exception();
      }
      {
        std::lock_guard lock(mutex);
        ready.emplace(index, std::move(item));
      }
      changed.notify_all();
    }
  }
};

ParallelDecoder::ParallelDecoder(std::vector<std::string> paths, unsigned threads,
                                 std::size_t window)
    : shared_(std::make_shared<Shared>()) {
  shared_->paths = std::move(paths);
  threads = std::max(1u, threads);
  shared_->window = std::max<std::size_t>(window, threads);
  const std::size_t useful = std::min<std::size_t>(threads, shared_->paths.size());
  for (std::size_t i = 0; i < useful; ++i) {
    shared_->workers.emplace_back([s = shared_.get()] { s->work(); });
  }
}

ParallelDecoder::~ParallelDecoder() {
  {
    std::lock_guard lock(shared_->mutex);
    shared_->stopping = true;
  }
  shared_->changed.notify_all();
  for (auto& t : shared_->workers) t.join();
}

std::optional<DecodedProfile> ParallelDecoder::next() {
  Shared& s = *shared_;
  std::unique_lock lock(s.mutex);
  if (s.next_to_deliver >= s.paths.size()) return std::nullopt;
  s.changed.wait(lock, [&] { return s.ready.contains(s.next_to_deliver); });
  auto node = s.ready.extract(s.next_to_deliver);
  ++s.next_to_deliver;
  lock.unlock();
  s.changed.notify_all();
  return std::move(node.mapped());
}

}  // namespace pgo::merge

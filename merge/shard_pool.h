// ShardPool: the partial merges (shards) of a parallel fold, lent to a worker for one
// input at a time.
//
// A worker takes the lowest-numbered free shard. With as many shards as workers one is
// always free, so no worker ever waits for one; yet only as many fill up as folds ever
// ran at the same moment. Folding is under half of an input's work (reading, gunzip and
// parsing are the rest), so on many cores fewer shards fill up than there are workers:
// each one used is one more partial merge to combine, holding whatever its inputs add
// beyond the base it is layered over (merge_job.h), so an unused one saves memory, page
// faults and combining. Which inputs a
// shard gets depends on timing; a ProfileMerger's result does not (merge_job.h).
//
//   pgo::merge::ShardPool<ProfileMerger> pool(jobs);
//   {  // on any worker thread
//     pgo::merge::ShardPool<ProfileMerger>::Lease lease(pool);
//     lease.shard().add(profile, path);
//   }
//   // after the workers joined: pool.shards(), the untouched ones default-constructed
#pragma once

#include <atomic>
#include <cstddef>
#include <vector>

namespace pgo::merge {

template <class Shard>
class ShardPool {
 public:
  // REQUIRES: count >= 1, and no more leases outstanding at once than count (one per
  // worker thread, with as many shards as workers).
  explicit ShardPool(std::size_t count) : shards_(count), busy_(count) {}

  // All shards; only while no lease is outstanding.
  std::vector<Shard>& shards() { return shards_; }

  // A shard for the lease's lifetime, for this thread alone; the pool's atomics order one
  // lease's writes before the next lease of the same shard, on any thread.
  class Lease {
   public:
    explicit Lease(ShardPool& pool) : pool_(pool), index_(pool.take()) {}
    ~Lease() { pool_.busy_[index_].store(false, std::memory_order_release); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Shard& shard() { return pool_.shards_[index_]; }
    std::size_t index() const { return index_; }

   private:
    ShardPool& pool_;
    std::size_t index_;
  };

 private:
  // The lowest-numbered free shard. A shard can only be busy for the moment another
  // lease holds it, and one is always free (REQUIRES above), so this never spins long.
  std::size_t take() {
    for (std::size_t i = 0;; i = (i + 1) % busy_.size()) {
      if (!busy_[i].load(std::memory_order_relaxed) &&
          !busy_[i].exchange(true, std::memory_order_acquire)) {
        return i;
      }
    }
  }

  std::vector<Shard> shards_;
  std::vector<std::atomic<bool>> busy_;
};

}  // namespace pgo::merge

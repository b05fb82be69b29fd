// Risks guarded against: two workers folding into the same shard at once (a data race
// that corrupts the merged state), a shard never returned to the pool (later workers
// would spin forever), and the pool spreading folds over more shards than were busy at
// once (each used shard costs a partial merge's memory and a combine).
#include "merge/shard_pool.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <cstddef>
#include <optional>
#include <thread>
#include <vector>

using pgo::merge::ShardPool;

namespace {

struct CountingShard {
  std::size_t folds = 0;  // plain: a second holder at once is a race ThreadSanitizer sees
  std::atomic<int> holders{0};
};

}  // namespace

TEST_CASE("a lease takes the lowest-numbered free shard and returns it when it ends",
          "[shard_pool]") {
  ShardPool<CountingShard> pool(3);
  {
    ShardPool<CountingShard>::Lease a(pool);
    CHECK(a.index() == 0);
    std::optional<ShardPool<CountingShard>::Lease> b(pool);
    CHECK(b->index() == 1);
    {
      ShardPool<CountingShard>::Lease c(pool);
      CHECK(c.index() == 2);
    }
    b.reset();
    ShardPool<CountingShard>::Lease d(pool);
    CHECK(d.index() == 1);  // the lowest free one, not the next after the last taken
  }
  // One worker in turn: always the first shard, so only one partial merge fills up.
  for (int i = 0; i < 5; ++i) {
    ShardPool<CountingShard>::Lease lease(pool);
    ++lease.shard().folds;
  }
  CHECK(pool.shards()[0].folds == 5);
  CHECK(pool.shards()[1].folds == 0);
  CHECK(pool.shards()[2].folds == 0);
}

TEST_CASE("concurrent workers never share a shard and every fold lands once", "[shard_pool]") {
  constexpr std::size_t kWorkers = 8;
  constexpr std::size_t kFolds = 2000;  // per worker
  ShardPool<CountingShard> pool(kWorkers);
  std::atomic<bool> shared{false};
  std::vector<std::thread> workers;
  for (std::size_t w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      for (std::size_t i = 0; i < kFolds; ++i) {
        ShardPool<CountingShard>::Lease lease(pool);
        CountingShard& shard = lease.shard();
        if (shard.holders.fetch_add(1) != 0) shared = true;
        ++shard.folds;
        if (i % 7 == 0) std::this_thread::yield();  // hold it across a reschedule now and then
        shard.holders.fetch_sub(1);
      }
    });
  }
  for (auto& t : workers) t.join();
  CHECK_FALSE(shared.load());
  std::size_t total = 0;
  for (const auto& shard : pool.shards()) total += shard.folds;
  CHECK(total == kWorkers * kFolds);
}

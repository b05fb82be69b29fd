// Free TCP ports on the loopback interface for server instances started by the harness.
//
// The kernel picks a free port when a socket binds to port 0; the allocator keeps every
// socket of one request open until all are bound, so the ports it returns are distinct,
// and remembers what it has handed out so that later requests never repeat one (the
// kernel may offer a just-closed port again). A port is free when returned, but another
// program can take it before the server binds: callers treat "address already in use"
// from a server as a retryable start failure.
//
//   pgo::harness::PortAllocator ports;
//   std::vector<std::uint16_t> p = ports.allocate(3);  // e.g. {41233, 38017, 45501}
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

namespace pgo::harness {

class PortAllocator {
 public:
  // `count` distinct free loopback ports, none returned before by this allocator.
  // Throws pgo::Error (stage "ports") when the system cannot provide them.
  std::vector<std::uint16_t> allocate(int count);

  // Whether something is listening on 127.0.0.1:port right now (a connect succeeds).
  static bool is_listening(std::uint16_t port);

 private:
  std::mutex mutex_;
  std::set<std::uint16_t> handed_out_;
};

}  // namespace pgo::harness

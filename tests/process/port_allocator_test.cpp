// Risk guarded against: two server instances given the same port (one fails to start,
// or worse both profiles come from one server), or a port that is already in use.
#include "process/port_allocator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <set>

using namespace pgo::harness;

namespace {
// Binds and listens on the port; true when it was free.
bool can_listen(std::uint16_t port, int* keep_fd = nullptr) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(fd, 1) == 0;
  if (ok && keep_fd != nullptr) {
    *keep_fd = fd;
  } else {
    ::close(fd);
  }
  return ok;
}
}  // namespace

TEST_CASE("port allocator: distinct and usable and never repeated", "[port_allocator]") {
  PortAllocator ports;
  std::vector<std::uint16_t> a = ports.allocate(8);
  std::vector<std::uint16_t> b = ports.allocate(8);
  REQUIRE(a.size() == 8);
  REQUIRE(b.size() == 8);
  std::set<std::uint16_t> all(a.begin(), a.end());
  all.insert(b.begin(), b.end());
  CHECK(all.size() == 16);
  for (std::uint16_t p : all) {
    CHECK(p != 0);
    CHECK(can_listen(p));
  }
  CHECK(ports.allocate(0).empty());
}

TEST_CASE("port allocator: is_listening sees a listener", "[port_allocator]") {
  PortAllocator ports;
  std::uint16_t p = ports.allocate(1).front();
  CHECK_FALSE(PortAllocator::is_listening(p));
  int fd = -1;
  REQUIRE(can_listen(p, &fd));
  CHECK(PortAllocator::is_listening(p));
  ::close(fd);
}

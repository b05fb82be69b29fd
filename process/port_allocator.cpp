#include "process/port_allocator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/error.h"

namespace pgo::harness {
namespace {

class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

[[noreturn]] void fail(const std::string& what) {
  throw Error("ports", "", what + ": " + std::strerror(errno),
              "check the loopback interface and the limit on open files");
}

}  // namespace

std::vector<std::uint16_t> PortAllocator::allocate(int count) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Socket> held;  // kept bound until the end so the kernel cannot repeat a port
  std::vector<std::uint16_t> ports;
  // A port handed out earlier may come back; bounded retries keep a full system from
  // looping forever.
  for (int attempts = 0; static_cast<int>(ports.size()) < count; ++attempts) {
    if (attempts > count * 50 + 100) {
      throw Error("ports", "", "could not find " + std::to_string(count) + " free loopback ports");
    }
    Socket s;
    if (s.fd() < 0) fail("socket");
    sockaddr_in addr = loopback(0);
    if (::bind(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
    socklen_t len = sizeof addr;
    if (::getsockname(s.fd(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) fail("getsockname");
    std::uint16_t port = ntohs(addr.sin_port);
    held.push_back(std::move(s));
    if (!handed_out_.insert(port).second) continue;
    ports.push_back(port);
  }
  return ports;
}

bool PortAllocator::is_listening(std::uint16_t port) {
  Socket s;
  if (s.fd() < 0) return false;
  sockaddr_in addr = loopback(port);
  return ::connect(s.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

}  // namespace pgo::harness

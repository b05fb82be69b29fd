// SignalGuard: installs one handler for SIGINT and SIGTERM for the lifetime of a command
// (run, refresh, collect) and restores the previous handlers on every way out.
//
//   extern "C" void on_stop(int sig);   // async-signal-safe: records sig, kills children
//   SignalGuard guard(on_stop);         // SA_RESTART: slow system calls resume
//   SignalGuard guard(on_stop, false);  // without it: blocking waits return EINTR
#pragma once

#include <csignal>

namespace pgo::cli {

class SignalGuard {
 public:
  explicit SignalGuard(void (*handler)(int), bool restart_system_calls = true) {
    struct sigaction sa {};
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = restart_system_calls ? SA_RESTART : 0;
    ::sigaction(SIGINT, &sa, &old_int_);
    ::sigaction(SIGTERM, &sa, &old_term_);
  }
  ~SignalGuard() {
    ::sigaction(SIGINT, &old_int_, nullptr);
    ::sigaction(SIGTERM, &old_term_, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace pgo::cli

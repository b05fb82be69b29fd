// A tiny program for the bench integration tests, so they measure something known:
//   bench_helper spin MS       burn MS milliseconds of CPU time (user time ~ MS)
//   bench_helper sleep MS      sleep MS milliseconds (little CPU)
//   bench_helper alloc MB      touch MB mebibytes (peak RSS >= MB)
//   bench_helper exit N        exit with status N
//   bench_helper append FILE TEXT   append TEXT and a newline to FILE
//   bench_helper env NAME FILE      append the value of NAME (or "unset") to FILE
// Steps can be chained: `bench_helper append log run spin 5 exit 0`.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

static double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int main(int argc, char** argv) {
  volatile unsigned long sink = 0;
  for (int i = 1; i < argc; ++i) {
    std::string step = argv[i];
    auto arg = [&](int k) -> const char* {
      if (i + k >= argc) {
        std::fprintf(stderr, "bench_helper: %s needs an argument\n", step.c_str());
        std::exit(64);
      }
      return argv[i + k];
    };
    if (step == "spin") {
      // CPU time, not wall time: on a busy machine the run takes longer but burns the same.
      const double until = cpu_seconds() + std::atol(arg(1)) / 1000.0;
      while (cpu_seconds() < until) {
        for (int k = 0; k < 1000; ++k) sink = sink + static_cast<unsigned long>(k);
      }
      i += 1;
    } else if (step == "sleep") {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::atol(arg(1))));
      i += 1;
    } else if (step == "alloc") {
      std::vector<char> block(static_cast<std::size_t>(std::atol(arg(1))) << 20);
      for (std::size_t k = 0; k < block.size(); k += 4096) block[k] = 1;
      sink = sink + static_cast<unsigned long>(block[block.size() / 2]);
      i += 1;
    } else if (step == "exit") {
      return std::atoi(arg(1));
    } else if (step == "append" || step == "env") {
      FILE* f = std::fopen(step == "append" ? arg(1) : arg(2), "a");
      if (!f) return 65;
      const char* value = step == "append" ? arg(2) : std::getenv(arg(1));
      std::fprintf(f, "%s\n", value ? value : "unset");
      std::fclose(f);
      i += 2;
    } else {
      std::fprintf(stderr, "bench_helper: unknown step %s\n", step.c_str());
      return 64;
    }
  }
  return 0;
}

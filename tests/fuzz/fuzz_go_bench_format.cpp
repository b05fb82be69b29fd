// libFuzzer target for the Go benchmark-format reader (parse_go_bench_output, which times
// gotest workloads from `go test -bench` output). The reader must never throw (the format
// tells readers to skip what they do not understand), crash or hang, and every value it
// returns for ns/op must come from a result it parsed.
// tests/fuzz/run_fuzz.sh runs it; the fuzz/go_bench_format_replay test replays its corpus
// (tests/fuzz/corpora/go_bench_format) without libFuzzer.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "go/go_bench_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  int skipped = 0;
  const auto output = pgo::harness::parse_go_bench_output(text, &skipped);
  if (skipped < 0) std::abort();
  std::size_t with_ns = 0;
  for (const auto& r : output.results) {
    if (r.name.empty() || r.base_name.size() > r.name.size()) std::abort();
    if (r.value("ns/op")) ++with_ns;
  }
  if (pgo::harness::go_bench_values(output, "ns/op").size() != with_ns) std::abort();
  if (!output.results.empty()) {
    (void)pgo::harness::go_bench_values(output, "ns/op", output.results.front().base_name);
  }
  return 0;
}

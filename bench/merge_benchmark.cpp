// Micro-benchmarks of the merge pipeline's stages on real profiles: decode (gunzip +
// protobuf + validation), merge (folding N copies into a ProfileMerger and emitting the
// canonical result) and encode (protobuf + deterministic gzip).
//
//   build/bin/merge_benchmark --benchmark_filter=Decode
//
// Inputs: ../shared/testdata/pprof/large.cpu.pb.gz and, when Go is installed,
// $(go env GOROOT)/src/cmd/compile/default.pgo (found via GOROOT or `go env GOROOT`).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "merge/profile_merger.h"
#include "merge/profile_reader.h"
#include "merge/profile_writer.h"

namespace {

std::string go_root() {
  if (const char* env = std::getenv("GOROOT"); env && *env) return env;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen("go env GOROOT 2>/dev/null", "r"), pclose);
  if (!pipe) return {};
  std::array<char, 512> buf{};
  std::string out;
  while (std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

const std::string& profile_path(int which) {
  static const std::string large = std::string(PGO_SHARED_TESTDATA) + "/pprof/large.cpu.pb.gz";
  static const std::string compiler = go_root() + "/src/cmd/compile/default.pgo";
  return which == 0 ? large : compiler;
}

const char* profile_label(int which) { return which == 0 ? "large.cpu" : "default.pgo"; }

void BM_Decode(benchmark::State& state) {
  const auto bytes = pgo::merge::read_file_bytes(profile_path(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    auto p = pgo::merge::decode_profile(bytes, "bench");
    benchmark::DoNotOptimize(p.sample_size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Decode)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Folds `copies` copies of one decoded profile and emits the result (decode excluded).
void BM_Merge(benchmark::State& state) {
  const auto profile =
      pgo::merge::read_profile_file(profile_path(static_cast<int>(state.range(0))));
  const auto copies = static_cast<int>(state.range(1));
  for (auto _ : state) {
    pgo::merge::ProfileMerger merger;
    for (int i = 0; i < copies; ++i) merger.add(profile, "bench");
    auto merged = merger.result();
    benchmark::DoNotOptimize(merged.sample_size());
  }
  state.SetItemsProcessed(state.iterations() * copies);
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Merge)->Args({0, 1})->Args({0, 10})->Args({1, 1})->Args({1, 10})->Unit(
    benchmark::kMillisecond);

void BM_Encode(benchmark::State& state) {
  const auto profile =
      pgo::merge::read_profile_file(profile_path(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    auto bytes = pgo::merge::encode_profile(profile);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Encode)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

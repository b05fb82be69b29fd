// Micro-benchmarks of the merge pipeline's stages on real profiles (the per-stage
// breakdown: where a merge's time goes).
//
//   build/bin/merge_benchmark --benchmark_filter=Parse
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

// The stages of a merge, one benchmark each, per input (Arg: 0 large.cpu, 1 default.pgo):
//   Read     read_file_bytes
//   Gunzip   maybe_gunzip (libdeflate)
//   Parse    decode_wire_profile + validate_wire_profile (tables decoded, samples checked)
//   ParseReused  the same into a reused WireProfile (decode_wire_profile_into)
//   DecodeInput  read + gunzip + decode into reused buffers, sample checks left to the
//            fold: a merge worker's per-input path before the fold
//   FoldNew  ProfileMerger::add into an empty merger: every string, function, location
//            and sample is interned (inserted)
//   FoldSeen add of an input the merger has seen: every entity is looked up (the usual
//            case of a fleet merge, whose inputs share most of their stacks)
//   FoldLayer* the same through a layer over a base merger (the parallel merge's shards)
//   Result   ProfileMerger::result: the canonical sort and the output message
//   Serialize protobuf encoding of the merged message; Encode = Serialize + gzip (level 6,
//            fixed so that output bytes do not change), so gzip = Encode - Serialize
// And the whole in-process pipeline: MergeCopies folds N decoded copies and emits.
void BM_Read(benchmark::State& state) {
  const std::string& path = profile_path(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto bytes = pgo::merge::read_file_bytes(path);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Read)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Gunzip(benchmark::State& state) {
  const auto bytes = pgo::merge::read_file_bytes(profile_path(static_cast<int>(state.range(0))));
  std::size_t out_size = 0;
  for (auto _ : state) {
    auto raw = pgo::merge::maybe_gunzip(bytes, "bench");
    out_size = raw.size();
    benchmark::DoNotOptimize(raw.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out_size));
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Gunzip)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Parse(benchmark::State& state) {
  const auto raw = pgo::merge::maybe_gunzip(
      pgo::merge::read_file_bytes(profile_path(static_cast<int>(state.range(0)))), "bench");
  for (auto _ : state) {
    auto p = pgo::merge::decode_wire_profile(raw, "bench");
    pgo::merge::validate_wire_profile(p, "bench");
    benchmark::DoNotOptimize(p.sample_count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Parse)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Parse as a merge worker does it: into one WireProfile reused input after input (its
// vectors keep their capacity), after copying the inflated bytes in.
void BM_ParseReused(benchmark::State& state) {
  const auto raw = pgo::merge::maybe_gunzip(
      pgo::merge::read_file_bytes(profile_path(static_cast<int>(state.range(0)))), "bench");
  pgo::merge::WireProfile p;
  for (auto _ : state) {
    p.bytes.assign(raw.begin(), raw.end());
    pgo::merge::decode_wire_profile_into(p, "bench");
    pgo::merge::validate_wire_profile(p, "bench");
    benchmark::DoNotOptimize(p.sample_count);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * raw.size()));
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_ParseReused)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// A merge worker's whole per-input path before the fold: read, gunzip and decode into
// reused buffers, sample checks left to the fold (as run_merge_job does). Per input,
// a merge costs about DecodeInput + FoldSeen.
void BM_DecodeInput(benchmark::State& state) {
  const std::string& path = profile_path(static_cast<int>(state.range(0)));
  std::vector<std::uint8_t> file;
  pgo::merge::WireProfile p;
  for (auto _ : state) {
    pgo::merge::read_file_into(path, file);
    pgo::merge::decode_wire_input_into(file, path, pgo::merge::kDefaultMaxInputBytes, false, p);
    benchmark::DoNotOptimize(p.sample_count);
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_DecodeInput)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

pgo::merge::WireProfile wire_profile(int which) {
  return pgo::merge::decode_wire_input(pgo::merge::read_file_bytes(profile_path(which)), "bench");
}

void BM_FoldNew(benchmark::State& state) {
  const auto profile = wire_profile(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    pgo::merge::ProfileMerger merger;
    merger.add(profile, "bench");
    benchmark::DoNotOptimize(merger.input_count());
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_FoldNew)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_FoldSeen(benchmark::State& state) {
  const auto profile = wire_profile(static_cast<int>(state.range(0)));
  pgo::merge::ProfileMerger merger;
  merger.add(profile, "bench");
  for (auto _ : state) merger.add(profile, "bench");
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_FoldSeen)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// The parallel merge's shards are layers over the first input's merge (merge_job.h).
// LayerFirst: a shard's first input, found in the base (a shard used to insert it all:
// FoldNew). LayerSeen: later inputs, looked up in the base (against FoldSeen, what
// looking up through a layer costs). LayerUnrelated: a layer over the other profile's
// merge, so every lookup misses the base and goes on in the layer's own tables: the
// worst case, when the first input shares nothing with the rest.
void BM_FoldLayerFirst(benchmark::State& state) {
  const auto profile = wire_profile(static_cast<int>(state.range(0)));
  pgo::merge::ProfileMerger base;
  base.add(profile, "bench");
  for (auto _ : state) {
    pgo::merge::ProfileMerger layer;
    layer.layer_on(base);
    layer.add(profile, "bench");
    benchmark::DoNotOptimize(layer.input_count());
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_FoldLayerFirst)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_FoldLayerSeen(benchmark::State& state) {
  const auto profile = wire_profile(static_cast<int>(state.range(0)));
  pgo::merge::ProfileMerger base, layer;
  base.add(profile, "bench");
  layer.layer_on(base);
  layer.add(profile, "bench");
  for (auto _ : state) layer.add(profile, "bench");
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_FoldLayerSeen)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_FoldLayerUnrelated(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const auto profile = wire_profile(which);
  pgo::merge::ProfileMerger base, layer;
  base.add(wire_profile(1 - which), "other");
  layer.layer_on(base);
  layer.add(profile, "bench");
  for (auto _ : state) layer.add(profile, "bench");
  state.SetLabel(profile_label(which));
}
BENCHMARK(BM_FoldLayerUnrelated)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Result(benchmark::State& state) {
  pgo::merge::ProfileMerger merger;
  merger.add(wire_profile(static_cast<int>(state.range(0))), "bench");
  for (auto _ : state) {
    auto merged = merger.result();
    benchmark::DoNotOptimize(merged.sample_size());
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Result)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Serialize(benchmark::State& state) {
  const auto profile =
      pgo::merge::read_profile_file(profile_path(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    std::string raw;
    profile.SerializeToString(&raw);
    benchmark::DoNotOptimize(raw.data());
  }
  state.SetLabel(profile_label(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_Serialize)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

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

// Folds `copies` copies of one decoded profile and emits the result (decode excluded).
void BM_MergeCopies(benchmark::State& state) {
  const auto profile = wire_profile(static_cast<int>(state.range(0)));
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
BENCHMARK(BM_MergeCopies)
    ->Args({0, 1})
    ->Args({0, 10})
    ->Args({1, 1})
    ->Args({1, 10})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// Risk guarded against: gotest workloads are timed by their own ns/op; a parser that
// mis-reads a result line (sub-benchmarks, GOMAXPROCS suffix, extra metrics, log lines that
// look like config) would time the wrong thing or nothing, silently.
#include "go/go_bench_format.h"

#include <catch2/catch.hpp>

using namespace pgo::harness;

TEST_CASE("go bench format: results and config and noise lines", "[go_bench_format]") {
  const char* text =
      "goos: linux\n"
      "goarch: amd64\n"
      "pkg: example.com/hello\n"
      "cpu: AMD EPYC 7B13\n"
      "BenchmarkFib-2   \t     100\t     81235 ns/op\n"
      "BenchmarkParse/small-8  1000000  1042 ns/op  128 B/op  3 allocs/op\n"
      "    main_test.go:12: some log line: with colons\n"
      "--- BENCH: BenchmarkLog-8\n"
      "BenchmarkLog-8\n"
      "BenchmarkThroughput  500  2.5e+06 ns/op  400.25 MB/s\n"
      "PASS\n"
      "ok  \texample.com/hello\t1.234s\n";
  int skipped = -1;
  GoBenchOutput out = parse_go_bench_output(text, &skipped);
  CHECK(skipped == 0);
  REQUIRE(out.results.size() == 3);
  CHECK(out.config.at("goos") == "linux");
  CHECK(out.config.at("cpu") == "AMD EPYC 7B13");
  CHECK(out.config.count("main_test.go") == 0);
  CHECK(out.config.count("ok") == 0);

  const GoBenchResult& fib = out.results[0];
  CHECK(fib.name == "BenchmarkFib-2");
  CHECK(fib.base_name == "BenchmarkFib");
  CHECK(fib.procs == 2);
  CHECK(fib.iterations == 100);
  CHECK(fib.value("ns/op") == Approx(81235));
  CHECK(fib.config.at("pkg") == "example.com/hello");

  const GoBenchResult& parse = out.results[1];
  CHECK(parse.base_name == "BenchmarkParse/small");
  CHECK(parse.procs == 8);
  REQUIRE(parse.metrics.size() == 3);
  CHECK(parse.metrics[1].unit == "B/op");
  CHECK(parse.value("allocs/op") == Approx(3));
  CHECK_FALSE(parse.value("MB/s").has_value());

  const GoBenchResult& tp = out.results[2];
  CHECK(tp.procs == 0);
  CHECK(tp.base_name == "BenchmarkThroughput");
  CHECK(tp.value("ns/op") == Approx(2.5e6));
  CHECK(tp.value("MB/s") == Approx(400.25));
}

TEST_CASE("go bench format: malformed result lines are skipped and counted", "[go_bench_format]") {
  int skipped = 0;
  GoBenchOutput out = parse_go_bench_output(
      "BenchmarkA-4 notanumber 12 ns/op\n"
      "BenchmarkB-4 10 12\n"           // value without unit
      "BenchmarkC-4 10 abc ns/op\n"    // value not a number
      "Benchmarks are great: yes\n"    // not a benchmark name ('s' is lower case)
      "BenchmarkD-4 10 12 ns/op\r\n",  // CRLF is fine
      &skipped);
  CHECK(skipped == 3);
  REQUIRE(out.results.size() == 1);
  CHECK(out.results[0].name == "BenchmarkD-4");
  CHECK(out.results[0].value("ns/op") == Approx(12));
}

TEST_CASE("go bench format: config applies to the results after it", "[go_bench_format]") {
  GoBenchOutput out =
      parse_go_bench_output("pkg: a\nBenchmarkX-2 1 10 ns/op\npkg: b\nBenchmarkX-2 1 20 ns/op\n");
  REQUIRE(out.results.size() == 2);
  CHECK(out.results[0].config.at("pkg") == "a");
  CHECK(out.results[1].config.at("pkg") == "b");
  CHECK(out.config.at("pkg") == "b");
}

TEST_CASE("go bench format: values by unit and name", "[go_bench_format]") {
  GoBenchOutput out = parse_go_bench_output(
      "BenchmarkA-2 1 10 ns/op\nBenchmarkB-2 1 99 ns/op\nBenchmarkA-2 1 30 ns/op 5 B/op\n");
  CHECK(go_bench_values(out, "ns/op") == std::vector<double>{10, 99, 30});
  CHECK(go_bench_values(out, "ns/op", "BenchmarkA") == std::vector<double>{10, 30});
  CHECK(go_bench_values(out, "B/op") == std::vector<double>{5});
  CHECK(go_bench_values(out, "ns/op", "BenchmarkZ").empty());
  CHECK(parse_go_bench_output("").results.empty());
}

// Risk guarded against: CSV that breaks on command names with commas or quotes, or whose
// columns differ from hyperfine's so that spreadsheets and scripts read the wrong values.
#include "reports/bench_csv_export.h"

#include <catch2/catch.hpp>

#include "sample_bench_result.h"

TEST_CASE("CSV fields are quoted only when they must be", "[bench_csv]") {
  CHECK(pgo::reports::csv_field("plain") == "plain");
  CHECK(pgo::reports::csv_field("a,b") == "\"a,b\"");
  CHECK(pgo::reports::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(pgo::reports::csv_field("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("the CSV export has hyperfine's columns, then ours", "[bench_csv]") {
  std::string csv = pgo::reports::bench_result_to_csv(pgo::reports::testing::sample_bench_result());
  CHECK(csv ==
        "command,mean,stddev,median,user,system,min,max,parameter_n,runs,median_ci_lower,"
        "median_ci_upper,failed_runs\n"
        "prog 1,0.011,0.000894427191,0.011,0.0055,0.00275,0.01,0.012,1,6,0.01,0.012,0\n"
        "\"prog, \"\"2\"\"\",0.021,0.000894427191,0.021,0.0105,0.00525,0.02,0.022,2,6,0.02,0.022,"
        "0\n");
}

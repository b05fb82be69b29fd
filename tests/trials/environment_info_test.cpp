// Risk guarded against: a result exported without (or with wrong) machine facts, or the
// noisy-machine warnings firing when they should not / staying silent when they should.
#include "trials/environment_info.h"

#include <catch2/catch.hpp>

using namespace pgo::harness;

TEST_CASE("the CPU model is read from cpuinfo text", "[environment]") {
  CHECK(parse_cpu_model("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\n"
                        "processor\t: 1\nmodel name\t: AMD EPYC 7B13\n") == "AMD EPYC 7B13");
  CHECK(parse_cpu_model("Processor\t: ARMv7 Processor rev 4 (v7l)\n") ==
        "ARMv7 Processor rev 4 (v7l)");
  CHECK(parse_cpu_model("processor : 0\nBogoMIPS : 50.00\n") == "unknown");
  CHECK(parse_cpu_model("") == "unknown");
}

TEST_CASE("load averages are read from /proc/loadavg text", "[environment]") {
  auto load = parse_loadavg("0.52 1.25 2.00 1/234 5678\n");
  REQUIRE(load);
  CHECK((*load)[0] == Approx(0.52));
  CHECK((*load)[2] == Approx(2.0));
  CHECK_FALSE(parse_loadavg("garbage"));
}

TEST_CASE("the real environment is collected", "[environment]") {
  EnvironmentInfo env = collect_environment_info("9.9.9");
  CHECK(env.harness_version == "9.9.9");
  CHECK(env.logical_cores >= 1);
  CHECK(env.kernel.rfind("Linux ", 0) == 0);
  CHECK_FALSE(env.hostname.empty());
  CHECK(env.date.size() == 20);
  CHECK(env.date.back() == 'Z');
  CHECK(env.load_average_1m.has_value());
}

TEST_CASE("warnings for the governor and the load", "[environment]") {
  EnvironmentInfo env;
  env.logical_cores = 8;
  env.governor = "performance";
  env.load_average_1m = 0.2;
  CHECK(environment_warnings(env).empty());
  env.governor = "unknown";  // no cpufreq (VMs, containers): nothing to warn about
  CHECK(environment_warnings(env).empty());
  env.governor = "powersave";
  auto w = environment_warnings(env);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("powersave") != std::string::npos);
  env.governor = "performance";
  env.load_average_1m = 1.5;  // above max(1, 0.1 * 8)
  w = environment_warnings(env);
  REQUIRE(w.size() == 1);
  CHECK(w[0].find("1.50") != std::string::npos);
  env.logical_cores = 64;  // threshold 6.4
  CHECK(environment_warnings(env).empty());
}

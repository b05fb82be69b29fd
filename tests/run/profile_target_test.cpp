// Risk guarded against: a TARGET turned into the wrong URL (the standard pprof path or the
// capture window missing or doubled), a typo accepted and then reported as a "down"
// instance, or credentials in a URL ending up in reports.
#include "run/profile_target.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"

using pgo::harness::parse_profile_target;

TEST_CASE("a base URL gets the standard profile path and the window") {
  auto t = parse_profile_target("http://prod1:6060", 30);
  CHECK(t.url == "http://prod1:6060/debug/pprof/profile?seconds=30");
  CHECK(t.name == "prod1:6060");
  CHECK(parse_profile_target("https://10.0.0.2:8443/", 5).url ==
        "https://10.0.0.2:8443/debug/pprof/profile?seconds=5");
  CHECK(parse_profile_target("http://[::1]:6060", 1).url ==
        "http://[::1]:6060/debug/pprof/profile?seconds=1");
}

TEST_CASE("a full profile URL is fetched as given, the bare standard path gets the window") {
  auto full = parse_profile_target("http://h:1/internal/pprof/profile?seconds=7", 30);
  CHECK(full.url == "http://h:1/internal/pprof/profile?seconds=7");
  CHECK(full.name == "h:1/internal/pprof/profile");
  CHECK(parse_profile_target("http://h:1/debug/pprof/profile", 3).url ==
        "http://h:1/debug/pprof/profile?seconds=3");
  CHECK(parse_profile_target("http://h:1/debug/pprof/profile?seconds=9", 3).url ==
        "http://h:1/debug/pprof/profile?seconds=9");
}

TEST_CASE("bad targets are refused with the target named") {
  for (const char* bad :
       {"", "prod1:6060", "ftp://h/", "http://", "http://:80", "http://h:", "http://h:99999",
        "http://h:x1", "http://h 1:80", "http://[::1", "http://h:1/?x=1"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_profile_target(bad, 30), pgo::Error);
  }
  try {
    parse_profile_target("http://user:secret@h:1", 30);
    FAIL("credentials accepted");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "target");
    CHECK(e.problem() == "credentials in the URL");
  }
}

TEST_CASE("a targets file: one per line, comments and blanks skipped") {
  auto path = std::filesystem::temp_directory_path() / "pgo_targets_file_test.txt";
  std::ofstream(path) << "# fleet\nhttp://a:1\n\n   http://b:2  \n#http://c:3\n";
  CHECK(pgo::harness::read_targets_file(path.string()) ==
        std::vector<std::string>{"http://a:1", "http://b:2"});
  std::filesystem::remove(path);
  CHECK_THROWS_AS(pgo::harness::read_targets_file(path.string()), pgo::Error);
}

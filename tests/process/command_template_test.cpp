// Risk guarded against: a wrong substitution runs the wrong command (a profile written to
// a literal "{profile}" file, servers all on one port, a load generator given one URL
// instead of K), and a typo in a scenario must fail before anything runs.
#include "process/command_template.h"

#include <catch2/catch.hpp>

#include "base/error.h"

using namespace pgo::harness;
using Argv = std::vector<std::string>;

TEST_CASE("command template: scalars inside and as whole arguments", "[command_template]") {
  CommandVariables v;
  v.set("binary", "/bin/render");
  v.set("profile", "/p/render-1.pprof");
  v.set("port", "4100");
  CHECK(
      expand_command({"{binary}", "-cpuprofile={profile}", "-addr", "127.0.0.1:{port}"}, v, "t") ==
      Argv{"/bin/render", "-cpuprofile=/p/render-1.pprof", "-addr", "127.0.0.1:4100"});
}

TEST_CASE("command template: lists expand to arguments or join with commas", "[command_template]") {
  CommandVariables v;
  v.set_list("urls", {"http://127.0.0.1:1", "http://127.0.0.1:2"});
  v.set_list("ports", {"1", "2"});
  CHECK(expand_command({"load", "{urls}", "-p={ports}"}, v, "t") ==
        Argv{"load", "http://127.0.0.1:1", "http://127.0.0.1:2", "-p=1,2"});
  v.set_list("urls", {"http://127.0.0.1:9"});
  CHECK(expand_command({"load", "{urls}"}, v, "t") == Argv{"load", "http://127.0.0.1:9"});
}

TEST_CASE("command template: braces that are not placeholders pass through", "[command_template]") {
  CommandVariables v;
  v.set("x", "1");
  CHECK(expand_command({"{{x}}", "{\"a\": 1}", "{}", "a{b-c}", "{x}{x}"}, v, "t") ==
        Argv{"{x}", "{\"a\": 1}", "{}", "a{b-c}", "11"});
  CHECK(command_placeholders({"{a}", "-x={b}", "{{c}}", "{d"}) == std::set<std::string>{"a", "b"});
}

TEST_CASE("command template: an unknown placeholder names itself and the context",
          "[command_template]") {
  CommandVariables v;
  v.set("binary", "b");
  try {
    expand_command({"{binary}", "{profiel}"}, v, "workload 'render'");
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "command");
    CHECK_THAT(e.problem(), Catch::Contains("workload 'render'") && Catch::Contains("{profiel}"));
    CHECK_THAT(e.hint(), Catch::Contains("{binary}"));
  }
  CHECK_THROWS_AS(v.set("not a name", "x"), pgo::Error);
}

TEST_CASE("command template: quoting for logs reads back like a shell would",
          "[command_template]") {
  CHECK(quote_command({"go", "build", "-o", "/tmp/x"}) == "go build -o /tmp/x");
  CHECK(quote_command({"echo", "a b", "it's", ""}) == "echo 'a b' 'it'\\''s' ''");
}

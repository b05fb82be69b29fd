// Risk guarded against: server instances that share a port, are used before they are
// ready, die unnoticed under load, or outlive the harness. Needs the Go toolchain
// (label "integration").
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "tests/support/go_test_module.h"
#include "process/server_group.h"
#include "base/error.h"

using namespace pgo::harness;
using namespace std::chrono_literals;
using pgo::harness::testing::GoTestModule;

namespace {
ServerGroupSpec spec_for(const GoTestModule& m, const std::string& tool) {
  ServerGroupSpec s;
  s.name = "api";
  s.server_command = {"{binary}", "serve", "-addr", "127.0.0.1:{port}"};
  s.variables.set("binary", tool);
  s.instances = 3;
  s.ready_timeout = 20s;
  s.log_dir = (m.dir / "logs").string();
  return s;
}
}  // namespace

TEST_CASE("server group: K ready instances on distinct ports all stopped",
          "[server_group][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  PortAllocator ports;
  HttpClient http;
  std::vector<std::uint16_t> used;
  {
    ServerGroup servers(spec_for(m, tool), ports, http);
    used = servers.ports();
    REQUIRE(servers.size() == 3);
    CHECK(std::set<std::uint16_t>(used.begin(), used.end()).size() == 3);
    for (std::uint16_t p : used) CHECK(PortAllocator::is_listening(p));
    HttpOptions o;
    CHECK(http.get(servers.urls()[2] + "/work", o).ok());

    CommandVariables vars = servers.load_variables({});
    CHECK(expand_command({"load", "{urls}", "-p={ports}", "{port}", "{instances}"}, vars, "t") ==
          std::vector<std::string>{"load", servers.urls()[0], servers.urls()[1], servers.urls()[2],
                                   "-p=" + std::to_string(used[0]) + "," + std::to_string(used[1]) +
                                       "," + std::to_string(used[2]),
                                   std::to_string(used[0]), "3"});
    servers.check_running("now");

    std::vector<ProcessResult> results = servers.stop();
    REQUIRE(results.size() == 3);
    for (const ProcessResult& r : results) CHECK(r.wall_time > 0ns);
    for (std::uint16_t p : used) CHECK_FALSE(PortAllocator::is_listening(p));
    CHECK(servers.stop().size() == 3);
  }
  // Without stop(): the destructor ends them.
  {
    ServerGroup servers(spec_for(m, tool), ports, http);
    used = servers.ports();
  }
  for (std::uint16_t p : used) CHECK_FALSE(PortAllocator::is_listening(p));
}

TEST_CASE("server group: an instance that dies is noticed", "[server_group][integration]") {
  GoTestModule m;
  std::string tool = m.build_tool();
  PortAllocator ports;
  HttpClient http;
  ServerGroupSpec s = spec_for(m, tool);
  s.instances = 2;
  s.server_command = {"{binary}", "serve", "-life", "1s", "-addr", "127.0.0.1:{port}"};
  ServerGroup servers(s, ports, http);
  std::this_thread::sleep_for(1500ms);
  try {
    servers.check_running("under load");
    FAIL("no error");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "collect");
    CHECK_THAT(e.problem(), Catch::Contains("exited under load (exit status 4)") &&
                                Catch::Contains("serve: life is over"));
  }
}

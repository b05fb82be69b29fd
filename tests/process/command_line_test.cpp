// Risk guarded against: a command string split differently from how a shell would split
// it (so the benchmark runs a different command than the user typed), parameters
// substituted in the wrong places, or scans producing the wrong values or order.
#include "process/command_line.h"

#include <catch2/catch.hpp>

#include "base/error.h"

using namespace pgo::harness;
using Words = std::vector<std::string>;

TEST_CASE("split_command_line follows POSIX shell quoting", "[command_line]") {
  CHECK(split_command_line("sleep 0.1") == Words{"sleep", "0.1"});
  CHECK(split_command_line("  a \t b\n c  ") == Words{"a", "b", "c"});
  CHECK(split_command_line("grep -c 'a b' \"x y.txt\"") == Words{"grep", "-c", "a b", "x y.txt"});
  CHECK(split_command_line("echo 'it''s'") == Words{"echo", "its"});
  CHECK(split_command_line(R"(echo "a \"q\" \$HOME \\ \n")") ==
        Words{"echo", R"(a "q" $HOME \ \n)"});
  CHECK(split_command_line(R"(echo a\ b \'c)") == Words{"echo", "a b", "'c"});
  CHECK(split_command_line("echo '' \"\"") == Words{"echo", "", ""});
  CHECK(split_command_line("awk '{print $1}' f") == Words{"awk", "{print $1}", "f"});
  CHECK(split_command_line("").empty());
  CHECK(split_command_line("   ").empty());
}

TEST_CASE("split_command_line rejects what a shell would reject", "[command_line]") {
  CHECK_THROWS_AS(split_command_line("echo 'open"), pgo::Error);
  CHECK_THROWS_AS(split_command_line("echo \"open"), pgo::Error);
  CHECK_THROWS_AS(split_command_line("echo trailing\\"), pgo::Error);
  try {
    split_command_line("echo 'open");
  } catch (const pgo::Error& e) {
    CHECK(e.stage() == "command");
    CHECK(e.hint().find("--shell") != std::string::npos);
  }
}

TEST_CASE("has_shell_syntax spots operators outside single quotes", "[command_line]") {
  CHECK(has_shell_syntax("ls | wc -l"));
  CHECK(has_shell_syntax("a && b"));
  CHECK(has_shell_syntax("echo $HOME"));
  CHECK(has_shell_syntax("echo \"$HOME\""));
  CHECK(has_shell_syntax("cat < in"));
  CHECK_FALSE(has_shell_syntax("echo '$HOME | x'"));
  CHECK_FALSE(has_shell_syntax("echo a\\|b"));
  CHECK_FALSE(has_shell_syntax("sleep 0.1"));
}

TEST_CASE("substitute_parameters replaces known names only", "[command_line]") {
  std::map<std::string, std::string> v{{"n", "3"}, {"mode", "fast"}};
  CHECK(substitute_parameters("run -n {n} --{mode} {n}", v) == "run -n 3 --fast 3");
  CHECK(substitute_parameters("awk '{print}' {x} {", v) == "awk '{print}' {x} {");
  CHECK(substitute_parameters("{n}{n}", v) == "33");
}

TEST_CASE("parameter lists and scans give values in order", "[command_line]") {
  CHECK(parameter_list("x", "a,b,c").values == Words{"a", "b", "c"});
  CHECK(parameter_list("x", "one").values == Words{"one"});
  CHECK_THROWS_AS(parameter_list("x", "a,,b"), pgo::Error);
  CHECK_THROWS_AS(parameter_list("x", ""), pgo::Error);

  CHECK(parameter_scan("n", 1, 4).values == Words{"1", "2", "3", "4"});
  CHECK(parameter_scan("n", 0, 10, 5).values == Words{"0", "5", "10"});
  CHECK(parameter_scan("n", 0, 11, 5).values == Words{"0", "5", "10"});
  // 0.1 steps must reach 0.3 despite binary rounding (0.1 * 3 = 0.30000000000000004).
  CHECK(parameter_scan("t", 0, 0.3, 0.1).values == Words{"0.0", "0.1", "0.2", "0.3"});
  CHECK(parameter_scan("t", 1, 2, 0.25).values == Words{"1.00", "1.25", "1.50", "1.75", "2.00"});
  CHECK(parameter_scan("n", 5, 5).values == Words{"5"});
  CHECK_THROWS_AS(parameter_scan("n", 3, 1), pgo::Error);
  CHECK_THROWS_AS(parameter_scan("n", 1, 3, 0), pgo::Error);
  CHECK_THROWS_AS(parameter_scan("n", 0, 1e9, 1), pgo::Error);
}

TEST_CASE("expand_commands crosses templates with every combination", "[command_line]") {
  std::vector<ParameterAxis> axes = {parameter_list("a", "1,2"), parameter_list("b", "x,y")};
  auto cmds = expand_commands({"p {a}{b}", "q {a}"}, {"P-{a}-{b}"}, axes);
  REQUIRE(cmds.size() == 8);
  CHECK(cmds[0].text == "p 1x");
  CHECK(cmds[1].text == "p 1y");
  CHECK(cmds[2].text == "p 2x");
  CHECK(cmds[3].text == "p 2y");
  CHECK(cmds[0].name == "P-1-x");
  CHECK(cmds[4].text == "q 1");
  CHECK(cmds[4].name == "q 1");  // unnamed template: the command is its name
  CHECK(cmds[3].parameters ==
        std::vector<std::pair<std::string, std::string>>{{"a", "2"}, {"b", "y"}});

  auto plain = expand_commands({"true", "false"}, {}, {});
  REQUIRE(plain.size() == 2);
  CHECK(plain[1].text == "false");
  CHECK(plain[1].parameters.empty());
  CHECK_THROWS_AS(expand_commands({"true"}, {"a", "b"}, {}), pgo::Error);
}

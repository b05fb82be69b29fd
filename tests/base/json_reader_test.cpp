// Guards against a config reader that hides mistakes: a duplicate key silently collapsed
// to its last value, a syntax error without a position, a typo with no suggestion (or a
// wrong one), a wrong value stored over the default, or a JSON path that points to the
// wrong place (array indices, nested objects).
#include "base/json_reader.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace h = pgo;
using nlohmann::json;

namespace {

std::vector<std::string> lines(const h::JsonProblems& problems) {
  std::vector<std::string> out;
  for (const h::JsonProblem& p : problems.list()) {
    out.push_back(p.path + ": " + p.message + (p.hint.empty() ? "" : " (" + p.hint + ")"));
  }
  return out;
}

}  // namespace

TEST_CASE("closest_match: typos and prefixes, nothing for unrelated words", "[json_reader]") {
  const std::vector<std::string> keys = {"iterations", "trials", "timeout_seconds", "go"};
  CHECK(h::closest_match("iteration", keys) == "iterations");
  CHECK(h::closest_match("trails", keys) == "trials");  // transposition: distance 2, length 6
  CHECK(h::closest_match("timeout", keys) == "timeout_seconds");
  CHECK(h::closest_match("gopath", keys).empty());  // a prefix match needs 3+ letters
  CHECK(h::closest_match("og", keys).empty());      // 2 edits in 2 letters: not a typo
  CHECK(h::closest_match("zebra", keys).empty());
  CHECK(h::closest_match("x", {}).empty());
  CHECK(h::did_you_mean("trails", keys) == "did you mean \"trials\"?");
  CHECK(h::did_you_mean("workdri", {"workdir"}, "{", "}") == "did you mean {workdir}?");
  CHECK(h::did_you_mean("zebra", keys).empty());
}

TEST_CASE("paths and value rendering", "[json_reader]") {
  CHECK(h::json_child_path("", "a") == "a");
  CHECK(h::json_child_path("a", "b") == "a.b");
  CHECK(h::json_element_path("a.b", 3) == "a.b[3]");
  CHECK(h::json_quoted("say \"hi\"") == R"("say \"hi\"")");
  CHECK(h::json_type_name(json(3)) == "integer");
  CHECK(h::json_type_name(json(-3)) == "integer");
  CHECK(h::json_type_name(json(3.5)) == "number");
  CHECK(h::json_type_name(json("x")) == "string");
  CHECK(h::json_shown(json(std::string(100, 'a'))).size() == 60);
}

TEST_CASE("parse_json_checked: comments, duplicate keys with their paths", "[json_reader]") {
  h::JsonProblems problems;
  const auto doc = h::parse_json_checked(R"(// leading comment
    {"a": [1, {"k": 1, "k": 2}, [3, {"z": 0, "z": 0}]], /* inline */ "b": {"c": {"d": 1, "d": 2}},
     "a": 0})",
                                         problems);
  REQUIRE(doc.has_value());
  CHECK(lines(problems) ==
        std::vector<std::string>{
            "a[1].k: duplicate key (JSON keeps only the last one; remove the other)",
            "a[2][1].z: duplicate key (JSON keeps only the last one; remove the other)",
            "b.c.d: duplicate key (JSON keeps only the last one; remove the other)",
            "a: duplicate key (JSON keeps only the last one; remove the other)"});
}

TEST_CASE("parse_json_checked: a syntax error has a line and a column", "[json_reader]") {
  h::JsonProblems problems;
  CHECK_FALSE(h::parse_json_checked("{\n  \"a\": 1,\n  \"b\" 2\n}", problems).has_value());
  REQUIRE(problems.list().size() == 1);
  CHECK(problems.list()[0].path.empty());
  CHECK(problems.list()[0].message.rfind("invalid JSON at line 3, column 7: ", 0) == 0);
}

TEST_CASE("JsonObjectReader: typed reads keep defaults on error and report each", "[json_reader]") {
  h::JsonProblems problems;
  const json doc = json::parse(R"({"s": "", "b": 1, "i": 7, "big": 18446744073709551615,
      "neg": -5, "f": 2.5, "n": null, "arr": ["x", 2], "map": {"OK": "1", "bad key": "2", "E": 3},
      "e": "blue", "extra": true})");
  h::JsonObjectReader r(problems, doc, "cfg",
                        {"s", "b", "i", "big", "neg", "f", "n", "arr", "map", "e", "missing"});
  std::string s = "default";
  CHECK_FALSE(r.read_string("s", s));
  CHECK(s == "default");
  CHECK(r.read_string("s", s, /*non_empty=*/false));
  CHECK(s.empty());
  bool b = false;
  CHECK_FALSE(r.read_bool("b", b));
  int i = 1;
  CHECK_FALSE(r.read_int("i", i, 1, 5));
  CHECK(i == 1);
  CHECK(r.read_int("i", i, 1, 10));
  CHECK(i == 7);
  CHECK_FALSE(r.read_int("big", i, 0, 100));
  CHECK_FALSE(r.read_int("neg", i, 0, 100));
  CHECK_FALSE(r.read_int("f", i, 0, 100));
  std::optional<int> opt = 3;
  CHECK(r.read_optional_int("n", opt, 0, 10));
  CHECK_FALSE(opt.has_value());
  double d = 1;
  CHECK(r.read_number("f", d, 0, 2.5));
  CHECK(d == 2.5);
  CHECK_FALSE(r.read_number("neg", d, 0, std::numeric_limits<double>::infinity(), true));
  std::vector<std::string> arr = {"keep"};
  CHECK_FALSE(r.read_string_array("arr", arr, true));
  CHECK(arr == std::vector<std::string>{"keep"});
  std::map<std::string, std::string> map;
  CHECK_FALSE(r.read_string_map(
      "map", map,
      [](const std::string& k) {
        return !k.empty() &&
               std::all_of(k.begin(), k.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      },
      "capitals", false));
  CHECK(map == std::map<std::string, std::string>{{"OK", "1"}});  // the valid entry is kept
  int colour = 0;
  CHECK_FALSE(r.read_enum("e", colour, {"red", "blues"}, {1, 2}));
  CHECK(colour == 0);
  CHECK_FALSE(r.read_string("missing", s));  // absent: no problem, no change
  r.require("missing", "add it");

  CHECK(lines(problems) ==
        std::vector<std::string>{
            "cfg.extra: unknown key", "cfg.s: must not be empty",
            "cfg.b: expected true or false, got integer 1", "cfg.i: 7 is out of range 1..5",
            "cfg.big: 18446744073709551615 is out of range 0..100",
            "cfg.neg: -5 is out of range 0..100", "cfg.f: expected an integer, got number 2.5",
            "cfg.neg: -5 is out of range (0, inf]", "cfg.arr[1]: expected a string, got integer 2",
            "cfg.map.E: expected a string, got integer 3",  // object keys come sorted
            "cfg.map.bad key: \"bad key\" is not a valid name (capitals)",
            "cfg.e: \"blue\" is not one of \"red\", \"blues\" (did you mean \"blues\"?)",
            "cfg.missing: required field is missing (add it)"});
}

TEST_CASE("JsonObjectReader: a non-object is one problem and reads do nothing", "[json_reader]") {
  h::JsonProblems problems;
  const json doc = json::array({1, 2});
  h::JsonObjectReader r(problems, doc, "", {"a"});
  CHECK_FALSE(r.ok());
  int a = 4;
  CHECK_FALSE(r.read_int("a", a, 0, 10));
  r.require("a");
  CHECK(a == 4);
  CHECK(lines(problems) == std::vector<std::string>{"(root): expected an object, got array [1,2]"});
}

TEST_CASE("JsonObjectReader::record: any key accepted, every member read is required",
          "[json_reader]") {
  h::JsonProblems problems;
  const json doc =
      json::parse(R"({"later_field": 1, "n": null, "x": 1.5, "big": 18446744073709551615,
    "neg": -3, "xs": [1, "two", 3], "items": [{"name": "a"}, {"nam": "b"}, 7], "sub": {"k": "v"}})");
  auto r = h::JsonObjectReader::record(problems, doc, "");
  REQUIRE(r.ok());
  std::optional<double> n = 1.0, x;
  CHECK(r.read_optional_number("n", n));
  CHECK_FALSE(n);
  CHECK(r.read_optional_number("x", x));
  CHECK(x == 1.5);
  std::uint64_t big = 0;
  CHECK(r.read_uint64("big", big));
  CHECK(big == 18446744073709551615ull);
  std::int64_t as_signed = 0;
  CHECK_FALSE(r.read_int64("big", as_signed));  // above int64
  std::uint64_t neg = 0;
  CHECK_FALSE(r.read_uint64("neg", neg));
  std::vector<double> xs = {9};
  CHECK_FALSE(r.read_number_array("xs", xs));
  CHECK(xs == std::vector<double>{9});  // left alone when any element is wrong
  std::vector<std::string> names;
  CHECK(r.read_array("items", [&](const json& item, const std::string& path) {
    auto item_reader = h::JsonObjectReader::record(problems, item, path);
    std::string name;
    if (item_reader.read_string("name", name)) names.push_back(name);
  }));
  CHECK(names == std::vector<std::string>{"a"});
  std::string k, absent;
  CHECK(r.member_record("sub").read_string("k", k));
  CHECK(k == "v");
  CHECK_FALSE(r.read_string("absent", absent));
  CHECK_FALSE(r.member_record("gone").read_string("k", k));  // one problem, not two

  CHECK(lines(problems) ==
        std::vector<std::string>{
            "big: 18446744073709551615 is out of range -9223372036854775808..9223372036854775807",
            "neg: expected a non-negative integer, got integer -3",
            "xs[1]: expected a number, got string \"two\"",
            "items[1].name: required field is missing",
            "items[2]: expected an object, got integer 7", "absent: required field is missing",
            "gone: required field is missing"});
}

TEST_CASE("throw_json_problems: one problem with its hint, several listed", "[json_reader]") {
  h::JsonProblems one;
  one.add("a[0].b", "expected a number, got string \"x\"");
  CHECK_THROWS_WITH(h::throw_json_problems("report", "r.json", one.list(), "re-run it"),
                    "r.json: report: a[0].b: expected a number, got string \"x\" (re-run it)");
  h::JsonProblems two;
  two.add("", "invalid JSON at line 1, column 2: bad");
  two.add("c", "required field is missing", "add c");
  try {
    h::throw_json_problems("scenario", "s.json", two.list());
    FAIL("no exception");
  } catch (const pgo::Error& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::StartsWith("s.json: scenario: 2 problems\n"));
    CHECK_THAT(what, Catch::Contains("\n  s.json: invalid JSON at line 1, column 2: bad"));
    CHECK_THAT(what, Catch::Contains("\n  s.json: c: required field is missing (add c)"));
  }
}

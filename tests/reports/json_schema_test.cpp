// Risks: the schema validator passing what it should reject (a schema test that cannot
// fail), or a schema using a keyword the validator silently skips.
#include "reports/json_schema.h"

#include <catch2/catch.hpp>

#include "base/error.h"

using nlohmann::json;
using pgo::reports::JsonSchema;

TEST_CASE("types, nullable types and integers", "[json_schema]") {
  const JsonSchema s(json::parse(R"({"type":"object","properties":{
      "n":{"type":["number","null"]},"i":{"type":"integer"},"s":{"type":"string","minLength":2}}})"));
  CHECK(s.validate(json::parse(R"({"n":null,"i":3,"s":"ab"})")).empty());
  CHECK(s.validate(json::parse(R"({"n":1.5,"i":3.0})")).empty());
  const auto p = s.validate(json::parse(R"({"n":"x","i":3.5,"s":"a"})"));
  REQUIRE(p.size() == 3);
  CHECK(p[0] == "i: expected integer, got number");
  CHECK(p[1] == "n: expected number or null, got string");
  CHECK(p[2] == "s: string shorter than 2");
}

TEST_CASE("required, additionalProperties, items, enum, const, ranges, $ref", "[json_schema]") {
  const JsonSchema s(json::parse(R"({
    "$defs":{"share":{"type":"number","minimum":0,"maximum":1}},
    "type":"object","required":["a"],"additionalProperties":false,
    "properties":{"a":{"type":"array","minItems":1,"items":{"$ref":"#/$defs/share"}},
                  "k":{"enum":["x","y"]},"v":{"const":1},"e":{"exclusiveMinimum":0},
                  "h":{"type":"string","pattern":"^[0-9a-f]+$"}}})"));
  CHECK(s.validate(json::parse(R"({"a":[0,0.5,1],"k":"x","v":1,"e":0.1,"h":"00ff"})")).empty());
  const auto p = s.validate(json::parse(R"({"a":[1.5],"k":"z","v":2,"e":0,"h":"XYZ","extra":1})"));
  CHECK(p.size() == 6);
  CHECK(s.validate(json::parse(R"({"a":[]})")).front() == "a: fewer than 1 items");
  CHECK(s.validate(json::object()).front() == "(root): missing required field \"a\"");
}

TEST_CASE("unsupported keywords and dangling refs are refused", "[json_schema]") {
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"oneOf":[{"type":"string"}]})")), pgo::Error);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"properties":{"a":{"format":"date"}}})")), pgo::Error);
  CHECK_THROWS_WITH(JsonSchema(json::parse(R"({"$ref":"#/$defs/none"})")),
                    Catch::Contains("does not resolve"));
}

TEST_CASE("the run report schema itself is valid for the validator", "[json_schema]") {
  CHECK_NOTHROW(JsonSchema::load(std::string(PGO_SOURCE_DIR) + "/reports/run_report.schema.json"));
}

// JsonSchema: a small validator for the subset of JSON Schema (draft 2020-12) that this
// project's schemas use, so that tests can check every report against its schema without
// a network or a third-party validator.
//
//   pgo::reports::JsonSchema schema =
//   pgo::reports::JsonSchema::load("reports/run_report.schema.json"); std::vector<std::string>
//   problems = schema.validate(nlohmann::json::parse(text));
//   // e.g. "builds[0].binary_size_bytes: expected integer, got string"
//
// Supported keywords: type (a name or a list of names), properties, required,
// additionalProperties (boolean or schema), items, enum, const, minimum, maximum,
// exclusiveMinimum, minItems, minLength, pattern (ECMAScript regex, unanchored as the
// standard says), and $ref to "#/$defs/NAME". Annotations ($schema, $id, title,
// description, $comment, $defs, default, examples) are accepted and ignored. Any other
// keyword makes the constructor throw: a schema must not rely on a check this validator
// would silently skip.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pgo::reports {

class JsonSchema {
 public:
  // REQUIRES: schema is an object. Throws pgo::Error (stage "schema") for a keyword
  // outside the supported subset or a $ref that does not resolve; `file` names the schema.
  explicit JsonSchema(nlohmann::json schema, std::string file = "schema");

  // Reads and checks a schema file. Throws pgo::Error when unreadable or invalid.
  static JsonSchema load(const std::string& path);

  // Every problem found, each "PATH: PROBLEM" with PATH like "a[2].b" (the path syntax of
  // base/json_reader.h, "(root)" for the whole document); empty when the
  // instance is valid.
  std::vector<std::string> validate(const nlohmann::json& instance) const;

 private:
  void check_schema(const nlohmann::json& schema, const std::string& where) const;
  void validate_node(const nlohmann::json& schema, const nlohmann::json& instance,
                     const std::string& path, std::vector<std::string>& problems) const;
  const nlohmann::json& resolve(const nlohmann::json& schema) const;

  nlohmann::json root_;
  std::string file_;
};

}  // namespace pgo::reports

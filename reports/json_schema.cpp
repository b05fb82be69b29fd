#include "reports/json_schema.h"

#include <cmath>
#include <regex>
#include <set>
#include <utility>

#include "base/error.h"
#include "base/file_io.h"
#include "base/json_reader.h"

namespace pgo::reports {

using nlohmann::json;

namespace {

const std::set<std::string>& supported_keywords() {
  static const std::set<std::string> keywords = {
      "$schema",  "$id",       "title",   "description", "$comment", "$defs",
      "default",  "examples",  "type",    "properties",  "required", "additionalProperties",
      "items",    "enum",      "const",   "minimum",     "maximum",  "exclusiveMinimum",
      "minItems", "minLength", "pattern", "$ref"};
  return keywords;
}

bool has_type(const json& instance, const std::string& type) {
  if (type == "object") return instance.is_object();
  if (type == "array") return instance.is_array();
  if (type == "string") return instance.is_string();
  if (type == "boolean") return instance.is_boolean();
  if (type == "null") return instance.is_null();
  if (type == "number") return instance.is_number();
  if (type == "integer") {
    if (instance.is_number_integer()) return true;
    // JSON Schema: a number with a zero fractional part is an integer (1.0).
    return instance.is_number_float() &&
           std::floor(instance.get<double>()) == instance.get<double>();
  }
  return false;
}

// The path as messages show it (base/json_reader.h): "(root)" for the whole document.
std::string shown(const std::string& path) { return path.empty() ? "(root)" : path; }

}  // namespace

JsonSchema::JsonSchema(json schema, std::string file)
    : root_(std::move(schema)), file_(std::move(file)) {
  if (!root_.is_object()) throw Error("schema", file_, "the schema is not a JSON object");
  check_schema(root_, "#");
  if (root_.contains("$defs")) {
    for (const auto& [name, def] : root_["$defs"].items()) check_schema(def, "#/$defs/" + name);
  }
}

JsonSchema JsonSchema::load(const std::string& path) {
  const std::string text = pgo::read_text_file(path, "schema");
  json schema;
  try {
    schema = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error("schema", path, std::string("not valid JSON: ") + e.what());
  }
  return JsonSchema(std::move(schema), path);
}

void JsonSchema::check_schema(const json& schema, const std::string& where) const {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) throw Error("schema", file_, where + ": a schema must be an object");
  for (const auto& [key, value] : schema.items()) {
    if (!supported_keywords().count(key)) {
      throw Error("schema", file_, where + ": keyword \"" + key + "\" is not supported",
                  "use only the subset documented in reports/json_schema.h");
    }
  }
  if (schema.contains("$ref")) resolve(schema);
  if (schema.contains("properties")) {
    for (const auto& [name, sub] : schema["properties"].items()) {
      check_schema(sub, where + "/properties/" + name);
    }
  }
  if (schema.contains("items")) check_schema(schema["items"], where + "/items");
  if (schema.contains("additionalProperties")) {
    check_schema(schema["additionalProperties"], where + "/additionalProperties");
  }
  if (schema.contains("pattern")) {
    try {
      std::regex(schema["pattern"].get<std::string>(), std::regex::ECMAScript);
    } catch (const std::exception&) {
      throw Error("schema", file_, where + ": pattern is not a valid regular expression");
    }
  }
}

const json& JsonSchema::resolve(const json& schema) const {
  const std::string ref = schema["$ref"].get<std::string>();
  const std::string prefix = "#/$defs/";
  if (ref.rfind(prefix, 0) != 0) {
    throw Error("schema", file_, "$ref \"" + ref + "\" is not of the form #/$defs/NAME");
  }
  const std::string name = ref.substr(prefix.size());
  if (!root_.contains("$defs") || !root_["$defs"].contains(name)) {
    throw Error("schema", file_, "$ref \"" + ref + "\" does not resolve");
  }
  return root_["$defs"][name];
}

std::vector<std::string> JsonSchema::validate(const json& instance) const {
  std::vector<std::string> problems;
  validate_node(root_, instance, "", problems);
  return problems;
}

void JsonSchema::validate_node(const json& schema, const json& instance, const std::string& path,
                               std::vector<std::string>& problems) const {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) problems.push_back(shown(path) + ": no value is allowed here");
    return;
  }
  if (schema.contains("$ref")) {
    validate_node(resolve(schema), instance, path, problems);
  }
  if (schema.contains("type")) {
    const json& type = schema["type"];
    bool ok = false;
    std::string expected;
    if (type.is_string()) {
      ok = has_type(instance, type.get<std::string>());
      expected = type.get<std::string>();
    } else {
      for (const json& t : type) {
        ok = ok || has_type(instance, t.get<std::string>());
        expected += (expected.empty() ? "" : " or ") + t.get<std::string>();
      }
    }
    if (!ok) {
      problems.push_back(shown(path) + ": expected " + expected + ", got " +
                         json_type_name(instance));
      return;  // the other checks would only repeat the same problem
    }
  }
  if (schema.contains("enum")) {
    bool found = false;
    for (const json& allowed : schema["enum"]) found = found || allowed == instance;
    if (!found) {
      problems.push_back(shown(path) + ": " + instance.dump() + " is not one of " +
                         schema["enum"].dump());
    }
  }
  if (schema.contains("const") && schema["const"] != instance) {
    problems.push_back(shown(path) + ": expected " + schema["const"].dump() + ", got " +
                       instance.dump());
  }
  if (instance.is_number()) {
    const double x = instance.get<double>();
    if (schema.contains("minimum") && x < schema["minimum"].get<double>()) {
      problems.push_back(shown(path) + ": " + instance.dump() + " is below the minimum " +
                         schema["minimum"].dump());
    }
    if (schema.contains("exclusiveMinimum") && x <= schema["exclusiveMinimum"].get<double>()) {
      problems.push_back(shown(path) + ": " + instance.dump() + " must be greater than " +
                         schema["exclusiveMinimum"].dump());
    }
    if (schema.contains("maximum") && x > schema["maximum"].get<double>()) {
      problems.push_back(shown(path) + ": " + instance.dump() + " is above the maximum " +
                         schema["maximum"].dump());
    }
  }
  if (instance.is_string()) {
    const std::string s = instance.get<std::string>();
    if (schema.contains("minLength") && s.size() < schema["minLength"].get<std::size_t>()) {
      problems.push_back(shown(path) + ": string shorter than " + schema["minLength"].dump());
    }
    if (schema.contains("pattern") &&
        !std::regex_search(s, std::regex(schema["pattern"].get<std::string>()))) {
      problems.push_back(shown(path) + ": \"" + s + "\" does not match " +
                         schema["pattern"].dump());
    }
  }
  if (instance.is_array()) {
    if (schema.contains("minItems") && instance.size() < schema["minItems"].get<std::size_t>()) {
      problems.push_back(shown(path) + ": fewer than " + schema["minItems"].dump() + " items");
    }
    if (schema.contains("items")) {
      for (std::size_t i = 0; i < instance.size(); ++i) {
        validate_node(schema["items"], instance[i], json_element_path(path, i), problems);
      }
    }
  }
  if (instance.is_object()) {
    if (schema.contains("required")) {
      for (const json& name : schema["required"]) {
        if (!instance.contains(name.get<std::string>())) {
          problems.push_back(shown(path) + ": missing required field \"" + name.get<std::string>() +
                             "\"");
        }
      }
    }
    const json* properties = schema.contains("properties") ? &schema["properties"] : nullptr;
    for (const auto& [key, value] : instance.items()) {
      const std::string child = json_child_path(path, key);
      if (properties && properties->contains(key)) {
        validate_node((*properties)[key], value, child, problems);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) {
          problems.push_back(child + ": field not allowed by the schema");
        } else {
          validate_node(extra, value, child, problems);
        }
      }
    }
  }
}

}  // namespace pgo::reports

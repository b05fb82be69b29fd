// Reading JSON into typed values while collecting EVERY problem, each with its JSON path.
//
// The one JSON reader of the project, with the one path syntax of its messages:
// "workloads[1].metric", "builds[0].staleness.hot_share" (members joined by '.', array
// elements as [i], no leading "$"); the whole document is "(root)".
//
// A person editing a config file wants all of its mistakes at once, each with the JSON
// path where it is, not one per attempt. JsonObjectReader reads one object. A config
// reader knows the keys allowed there (an unknown key is a problem, with a "did you mean"
// hint when one is close), reads members as typed values with ranges, and leaves a target
// alone (holding its default) when the member is absent or wrong. A record reader (for
// files the harness wrote, like report.json) ignores keys it does not know and requires
// every member it reads. Problems go to a shared JsonProblems.
//
//   pgo::JsonProblems problems;
//   std::optional<nlohmann::json> doc = pgo::parse_json_checked(text, problems);
//   if (doc) {
//     pgo::JsonObjectReader r(problems, *doc, "", {"name", "iterations"});
//     r.require("name");
//     r.read_string("name", settings.name);
//     r.read_int("iterations", settings.iterations, 1, 10);   // "iterations: 0 is out of
//     range 1..10"
//   }
//   if (!problems.empty()) pgo::throw_json_problems("config", path, problems.list());
//
// Used by the scenario loader (scenario/scenario.h) and the report readers (reports/).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pgo {

struct JsonProblem {
  std::string path;  // JSON path, e.g. "workloads[1].metric"; empty for the whole document
  std::string message;
  std::string hint;  // what to do; may be empty
};

// Throws pgo::Error (`stage`, `file`) with every problem: one as "PATH: MESSAGE" with its
// hint (or `hint` when it has none), several as "N problems" and one line each.
// REQUIRES: !problems.empty().
[[noreturn]] void throw_json_problems(const std::string& stage, const std::string& file,
                                      const std::vector<JsonProblem>& problems,
                                      const std::string& hint = {});

class JsonProblems {
 public:
  void add(std::string path, std::string message, std::string hint = {});
  // Every problem of `nested`, a document read on its own that sits at `path` in this one.
  void add_all(const std::string& path, const JsonProblems& nested);
  const std::vector<JsonProblem>& list() const { return problems_; }
  bool empty() const { return problems_.empty(); }

 private:
  std::vector<JsonProblem> problems_;
};

// "a.b" from ("a", "b"), "b" from ("", "b"); "a[3]" from ("a", 3).
std::string json_child_path(const std::string& parent, const std::string& key);
std::string json_element_path(const std::string& parent, std::size_t index);

// A string as JSON spells it, with quotes and escapes: "abc" -> "\"abc\"".
std::string json_quoted(const std::string& s);
// A value for messages: compact JSON, cut to about 60 characters.
std::string json_shown(const nlohmann::json& v);
// "integer", "number", "string", "object", "array", "boolean", "null".
std::string json_type_name(const nlohmann::json& v);

// The candidate `word` was most likely meant to be: within a small edit distance
// (Levenshtein <= max(1, |word| / 3)), or else a candidate that starts with `word` or that
// `word` starts with (for "timeout" vs "timeout_seconds"). Empty when none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);
// "did you mean \"X\"?" (with `open`/`close` instead of quotes if given), or empty.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::string& open = "\"", const std::string& close = "\"");

// Parses JSON with // and /* */ comments. Duplicate keys (which nlohmann::json would
// silently collapse to the last one) are added to `problems` with their path; a syntax
// error is added with its line and column, and then the result is nullopt.
std::optional<nlohmann::json> parse_json_checked(const std::string& text, JsonProblems& problems);

// One JSON object. REQUIRES: `value` and `problems` outlive the reader.
class JsonObjectReader {
 public:
  // Adds "expected an object" when `value` is not one (ok() is then false and every read
  // does nothing), and "unknown key" for each key not in `allowed`.
  JsonObjectReader(JsonProblems& problems, const nlohmann::json& value, std::string path,
                   std::vector<std::string> allowed);
  // A record: every key is accepted (newer writers may add some), and every read_* of an
  // absent member adds "required field is missing". Check has() first for optional members.
  static JsonObjectReader record(JsonProblems& problems, const nlohmann::json& value,
                                 std::string path);
  // The member `key` of this record read as a record (absent: a problem, and a reader
  // whose reads do nothing).
  JsonObjectReader member_record(const std::string& key);

  bool ok() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string path_of(const std::string& key) const { return json_child_path(path_, key); }
  JsonProblems& problems() { return problems_; }

  // The member, or nullptr when absent.
  const nlohmann::json* get(const std::string& key) const;
  bool has(const std::string& key) const { return get(key) != nullptr; }
  bool has_value(const std::string& key) const;  // present and not null

  // Adds "required field is missing" when the key is absent.
  void require(const std::string& key, const std::string& hint = {});

  // Each read returns true and sets `out` when the member is present and valid; adds a
  // problem and returns false when it is present and invalid; returns false when absent.
  bool read_string(const std::string& key, std::string& out, bool non_empty = true);
  bool read_bool(const std::string& key, bool& out);
  bool read_int(const std::string& key, int& out, std::int64_t min, std::int64_t max);
  bool read_optional_int(const std::string& key, std::optional<int>& out, std::int64_t min,
                         std::int64_t max);  // null -> nullopt
  bool read_int64(const std::string& key, std::int64_t& out,
                  std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                  std::int64_t max = std::numeric_limits<std::int64_t>::max());
  bool read_uint64(const std::string& key, std::uint64_t& out);
  // In [min, max], or (min, max] with exclusive_min; max may be infinity.
  bool read_number(const std::string& key, double& out, double min, double max,
                   bool exclusive_min = false);
  // Any number, or null -> nullopt.
  bool read_optional_number(const std::string& key, std::optional<double>& out);
  bool read_string_array(const std::string& key, std::vector<std::string>& out, bool non_empty);
  bool read_number_array(const std::string& key, std::vector<double>& out);
  // Calls each(element, element_path) for every element of the array `key`.
  bool read_array(const std::string& key,
                  const std::function<void(const nlohmann::json&, const std::string&)>& each);
  // An object of strings whose keys pass `valid_key` (described by `key_rule` in
  // messages). Every valid entry is stored even when others are not.
  using NameRule = bool (*)(const std::string&);
  bool read_string_map(const std::string& key, std::map<std::string, std::string>& out,
                       NameRule valid_key, const std::string& key_rule, bool non_empty_values);
  // A string that must be one of `names`; `values[i]` is stored for `names[i]`.
  template <typename T>
  bool read_enum(const std::string& key, T& out, const std::vector<std::string>& names,
                 const std::vector<T>& values) {
    std::size_t index = 0;
    if (!enum_index(key, names, index)) return false;
    out = values[index];
    return true;
  }

  // The same checks for a value that is not a member of this object (e.g. array items).
  bool int_value(const std::string& path, const nlohmann::json& v, int& out, std::int64_t min,
                 std::int64_t max);
  bool int64_value(const std::string& path, const nlohmann::json& v, std::int64_t& out,
                   std::int64_t min, std::int64_t max);
  bool number_value(const std::string& path, const nlohmann::json& v, double& out);
  bool string_array_value(const std::string& path, const nlohmann::json& v,
                          std::vector<std::string>& out, bool non_empty);

 private:
  struct Inert {};
  JsonObjectReader(JsonProblems& problems, std::string path, Inert);
  // The member, or nullptr when absent (a problem in a record).
  const nlohmann::json* member(const std::string& key);
  bool enum_index(const std::string& key, const std::vector<std::string>& names,
                  std::size_t& index);
  void type_error(const std::string& key, const std::string& expected, const nlohmann::json& v);

  JsonProblems& problems_;
  const nlohmann::json* object_ = nullptr;
  std::string path_;
  std::vector<std::string> allowed_;
  bool record_ = false;
};

}  // namespace pgo

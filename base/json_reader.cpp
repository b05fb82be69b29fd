#include "base/json_reader.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "base/error.h"

namespace pgo {
namespace {

using nlohmann::json;

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// ---------------------------------------------------------------------------------------
// Parsing: comments allowed, duplicate keys found (nlohmann keeps the last one silently).

struct ParseFrame {
  bool is_object = false;
  std::string path;
  std::set<std::string> keys;
  std::string key;  // object: the key of the member being parsed
  long index = -1;  // array: the index of the element being parsed
};

std::string frame_child_path(const ParseFrame& f) {
  return f.is_object ? json_child_path(f.path, f.key)
                     : json_element_path(f.path, static_cast<std::size_t>(f.index));
}

std::pair<std::size_t, std::size_t> line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

void JsonProblems::add(std::string path, std::string message, std::string hint) {
  problems_.push_back({std::move(path), std::move(message), std::move(hint)});
}

void JsonProblems::add_all(const std::string& path, const JsonProblems& nested) {
  for (const JsonProblem& p : nested.list()) {
    add(p.path.empty() ? path : path.empty() ? p.path : path + "." + p.path, p.message, p.hint);
  }
}

std::string json_child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string json_element_path(const std::string& parent, std::size_t index) {
  return parent + "[" + std::to_string(index) + "]";
}

std::string json_quoted(const std::string& s) { return json(s).dump(); }

// A short, readable rendering of a JSON value for messages (long values are cut).
std::string json_shown(const json& v) {
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

std::string json_type_name(const json& v) {
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) return "number";
  return v.type_name();
}

// The closest candidate when it is plausibly a typo (or a prefix of 3+ letters, like "timeout" for
// "timeout_seconds"); empty when nothing is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const std::string& c : candidates) {
    std::size_t d = edit_distance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (!best.empty() && best_distance <= std::max<std::size_t>(1, word.size() / 3)) return best;
  for (const std::string& c : candidates) {
    if (std::min(word.size(), c.size()) >= 3 && (c.rfind(word, 0) == 0 || word.rfind(c, 0) == 0)) {
      return c;
    }
  }
  return {};
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const std::string& open, const std::string& close) {
  std::string c = closest_match(word, candidates);
  return c.empty() ? std::string() : "did you mean " + open + c + close + "?";
}

std::optional<json> parse_json_checked(const std::string& text, JsonProblems& problems) {
  std::vector<ParseFrame> stack;
  auto enter_value = [&]() -> std::string {
    if (stack.empty()) return "";
    ParseFrame& top = stack.back();
    if (!top.is_object) ++top.index;
    return frame_child_path(top);
  };
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        ParseFrame f;
        f.is_object = event == json::parse_event_t::object_start;
        f.path = enter_value();
        stack.push_back(std::move(f));
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!stack.empty()) stack.pop_back();
        break;
      case json::parse_event_t::key:
        if (!stack.empty()) {
          ParseFrame& top = stack.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second) {
            problems.add(json_child_path(top.path, top.key), "duplicate key",
                         "JSON keeps only the last one; remove the other");
          }
        }
        break;
      case json::parse_event_t::value:
        if (!stack.empty() && !stack.back().is_object) ++stack.back().index;
        break;
    }
    return true;
  };
  try {
    return json::parse(text, callback, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    auto [line, column] = line_and_column(text, e.byte);
    std::string what = e.what();
    // nlohmann's message is "[json.exception.parse_error.101] parse error at line 3,
    // column 5: syntax error while parsing ..."; keep the part after the position.
    std::size_t colon = what.find(": ", what.find("parse error"));
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    problems.add("", "invalid JSON at line " + std::to_string(line) + ", column " +
                         std::to_string(column) + ": " + detail);
    return std::nullopt;
  } catch (const json::out_of_range& e) {
    // A number no double can hold ("1e999"): nlohmann gives no position for it.
    std::string what = e.what();
    std::size_t bracket = what.find("] ");
    problems.add(
        "", "invalid JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
    return std::nullopt;
  }
}

[[noreturn]] void throw_json_problems(const std::string& stage, const std::string& file,
                                      const std::vector<JsonProblem>& problems,
                                      const std::string& hint) {
  auto line = [&](const JsonProblem& p) {
    std::string problem = p.path.empty() ? p.message : p.path + ": " + p.message;
    return std::pair{problem, p.hint.empty() ? hint : p.hint};
  };
  if (problems.size() == 1) {
    auto [problem, problem_hint] = line(problems.front());
    throw Error(stage, file, problem, problem_hint);
  }
  std::string message = std::to_string(problems.size()) + " problems";
  for (const JsonProblem& p : problems) {
    message +=
        "\n  " +
        format_error("", file, p.path.empty() ? p.message : p.path + ": " + p.message, p.hint);
  }
  throw Error(stage, file, message, hint);
}

// ---------------------------------------------------------------------------------------
// JsonObjectReader

JsonObjectReader::JsonObjectReader(JsonProblems& problems, const json& value, std::string path,
                                   std::vector<std::string> allowed)
    : problems_(problems), path_(std::move(path)), allowed_(std::move(allowed)) {
  if (!value.is_object()) {
    problems_.add(path_.empty() ? "(root)" : path_,
                  "expected an object, got " + json_type_name(value) + " " + json_shown(value));
    return;
  }
  object_ = &value;
  for (const auto& [key, member] : value.items()) {
    if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) continue;
    problems_.add(path_of(key), "unknown key", did_you_mean(key, allowed_));
  }
}

JsonObjectReader::JsonObjectReader(JsonProblems& problems, std::string path, Inert)
    : problems_(problems), path_(std::move(path)) {}

JsonObjectReader JsonObjectReader::record(JsonProblems& problems, const json& value,
                                          std::string path) {
  JsonObjectReader r(problems, std::move(path), Inert{});
  r.record_ = true;
  if (!value.is_object()) {
    problems.add(r.path_.empty() ? "(root)" : r.path_,
                 "expected an object, got " + json_type_name(value) + " " + json_shown(value));
  } else {
    r.object_ = &value;
  }
  return r;
}

JsonObjectReader JsonObjectReader::member_record(const std::string& key) {
  if (const json* v = member(key); v != nullptr) return record(problems_, *v, path_of(key));
  JsonObjectReader inert(problems_, path_of(key), Inert{});
  inert.record_ = true;
  return inert;
}

const json* JsonObjectReader::member(const std::string& key) {
  const json* v = get(key);
  if (v == nullptr && record_ && ok()) problems_.add(path_of(key), "required field is missing");
  return v;
}

const json* JsonObjectReader::get(const std::string& key) const {
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  return it == object_->end() ? nullptr : &*it;
}

bool JsonObjectReader::has_value(const std::string& key) const {
  const json* v = get(key);
  return v != nullptr && !v->is_null();
}

void JsonObjectReader::require(const std::string& key, const std::string& hint) {
  if (ok() && !has(key)) problems_.add(path_of(key), "required field is missing", hint);
}

bool JsonObjectReader::read_string(const std::string& key, std::string& out, bool non_empty) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (!v->is_string()) {
    type_error(key, "a string", *v);
    return false;
  }
  if (non_empty && v->get_ref<const std::string&>().empty()) {
    problems_.add(path_of(key), "must not be empty");
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool JsonObjectReader::read_bool(const std::string& key, bool& out) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    type_error(key, "true or false", *v);
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool JsonObjectReader::read_int(const std::string& key, int& out, std::int64_t min,
                                std::int64_t max) {
  const json* v = member(key);
  if (v == nullptr) return false;
  return int_value(path_of(key), *v, out, min, max);
}

bool JsonObjectReader::read_optional_int(const std::string& key, std::optional<int>& out,
                                         std::int64_t min, std::int64_t max) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  int x = 0;
  if (!int_value(path_of(key), *v, x, min, max)) return false;
  out = x;
  return true;
}

bool JsonObjectReader::read_number(const std::string& key, double& out, double min, double max,
                                   bool exclusive_min) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (!v->is_number()) {
    type_error(key, "a number", *v);
    return false;
  }
  double x = v->get<double>();
  bool below = exclusive_min ? !(x > min) : !(x >= min);
  if (below || !(x <= max)) {
    // Built with a stream: GCC 12 at -O3 flags chains of string + (-Wrestrict, a false
    // positive) that start from a char pointer.
    std::ostringstream range;
    range << (exclusive_min ? '(' : '[') << format_number(min) << ", "
          << (std::isinf(max) ? std::string("inf") : format_number(max)) << ']';
    problems_.add(path_of(key), json_shown(*v) + " is out of range " + range.str());
    return false;
  }
  out = x;
  return true;
}

bool JsonObjectReader::read_string_array(const std::string& key, std::vector<std::string>& out,
                                         bool non_empty) {
  const json* v = member(key);
  if (v == nullptr) return false;
  return string_array_value(path_of(key), *v, out, non_empty);
}

bool JsonObjectReader::read_string_map(const std::string& key,
                                       std::map<std::string, std::string>& out, NameRule valid_key,
                                       const std::string& key_rule, bool non_empty_values) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (!v->is_object()) {
    type_error(key, "an object of strings", *v);
    return false;
  }
  bool good = true;
  for (const auto& [name, value] : v->items()) {
    std::string p = json_child_path(path_of(key), name);
    bool name_ok = valid_key(name);
    if (!name_ok) {
      problems_.add(p, json_quoted(name) + " is not a valid name (" + key_rule + ")");
    }
    if (!value.is_string()) {
      problems_.add(p, "expected a string, got " + json_type_name(value) + " " + json_shown(value));
      good = false;
    } else if (non_empty_values && value.get_ref<const std::string&>().empty()) {
      problems_.add(p, "must not be empty");
      good = false;
    } else if (name_ok) {
      out[name] = value.get<std::string>();
    }
    good = good && name_ok;
  }
  return good;
}

bool JsonObjectReader::enum_index(const std::string& key, const std::vector<std::string>& names,
                                  std::size_t& index) {
  const json* v = member(key);
  if (v == nullptr) return false;
  std::string listed;
  for (const std::string& n : names) listed += (listed.empty() ? "" : ", ") + json_quoted(n);
  if (!v->is_string()) {
    type_error(key, "one of " + listed, *v);
    return false;
  }
  const std::string& s = v->get_ref<const std::string&>();
  auto it = std::find(names.begin(), names.end(), s);
  if (it == names.end()) {
    problems_.add(path_of(key), json_quoted(s) + " is not one of " + listed,
                  did_you_mean(s, names));
    return false;
  }
  index = static_cast<std::size_t>(it - names.begin());
  return true;
}

bool JsonObjectReader::int_value(const std::string& path, const json& v, int& out, std::int64_t min,
                                 std::int64_t max) {
  std::int64_t x = 0;
  if (!int64_value(path, v, x, min, max)) return false;
  out = static_cast<int>(x);
  return true;
}

bool JsonObjectReader::int64_value(const std::string& path, const json& v, std::int64_t& out,
                                   std::int64_t min, std::int64_t max) {
  if (!v.is_number_integer()) {
    problems_.add(path, "expected an integer, got " + json_type_name(v) + " " + json_shown(v));
    return false;
  }
  // Unsigned JSON integers may exceed int64; compare them as unsigned.
  bool in_range = false;
  if (v.is_number_unsigned()) {
    std::uint64_t u = v.get<std::uint64_t>();
    in_range = max >= 0 && u <= static_cast<std::uint64_t>(max) &&
               (min <= 0 || u >= static_cast<std::uint64_t>(min));
  } else {
    std::int64_t x = v.get<std::int64_t>();
    in_range = x >= min && x <= max;
  }
  if (!in_range) {
    problems_.add(path, json_shown(v) + " is out of range " + std::to_string(min) + ".." +
                            std::to_string(max));
    return false;
  }
  out = v.get<std::int64_t>();
  return true;
}

bool JsonObjectReader::number_value(const std::string& path, const json& v, double& out) {
  if (!v.is_number()) {
    problems_.add(path, "expected a number, got " + json_type_name(v) + " " + json_shown(v));
    return false;
  }
  out = v.get<double>();
  return true;
}

bool JsonObjectReader::read_int64(const std::string& key, std::int64_t& out, std::int64_t min,
                                  std::int64_t max) {
  const json* v = member(key);
  if (v == nullptr) return false;
  return int64_value(path_of(key), *v, out, min, max);
}

bool JsonObjectReader::read_uint64(const std::string& key, std::uint64_t& out) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (v->is_number_unsigned()) {
    out = v->get<std::uint64_t>();
    return true;
  }
  if (v->is_number_integer() && v->get<std::int64_t>() >= 0) {
    out = static_cast<std::uint64_t>(v->get<std::int64_t>());
    return true;
  }
  type_error(key, "a non-negative integer", *v);
  return false;
}

bool JsonObjectReader::read_optional_number(const std::string& key, std::optional<double>& out) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  double x = 0;
  if (!number_value(path_of(key), *v, x)) return false;
  out = x;
  return true;
}

bool JsonObjectReader::read_number_array(const std::string& key, std::vector<double>& out) {
  std::vector<double> result;
  bool good = true;
  bool is_array = read_array(key, [&](const json& v, const std::string& path) {
    double x = 0;
    if (number_value(path, v, x)) {
      result.push_back(x);
    } else {
      good = false;
    }
  });
  if (!is_array || !good) return false;
  out = std::move(result);
  return true;
}

bool JsonObjectReader::read_array(
    const std::string& key, const std::function<void(const json&, const std::string&)>& each) {
  const json* v = member(key);
  if (v == nullptr) return false;
  if (!v->is_array()) {
    type_error(key, "an array", *v);
    return false;
  }
  for (std::size_t i = 0; i < v->size(); ++i) each((*v)[i], json_element_path(path_of(key), i));
  return true;
}

bool JsonObjectReader::string_array_value(const std::string& path, const json& v,
                                          std::vector<std::string>& out, bool non_empty) {
  if (!v.is_array()) {
    problems_.add(path,
                  "expected an array of strings, got " + json_type_name(v) + " " + json_shown(v));
    return false;
  }
  if (non_empty && v.empty()) {
    problems_.add(path, "must not be empty");
    return false;
  }
  std::vector<std::string> result;
  bool good = true;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      problems_.add(json_element_path(path, i),
                    "expected a string, got " + json_type_name(v[i]) + " " + json_shown(v[i]));
      good = false;
    } else {
      result.push_back(v[i].get<std::string>());
    }
  }
  if (good) out = std::move(result);
  return good;
}

void JsonObjectReader::type_error(const std::string& key, const std::string& expected,
                                  const json& v) {
  problems_.add(path_of(key),
                "expected " + expected + ", got " + json_type_name(v) + " " + json_shown(v));
}

}  // namespace pgo

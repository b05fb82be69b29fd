// Workload command templates: argv vectors with {name} placeholders that the harness
// fills in per instance ({binary}, {profile}, {port}, {urls}, {input}, ...).
//
// A placeholder is "{" identifier "}" (letters, digits, '_'); "{{" and "}}" stand for
// literal braces; any other brace is kept as is, so JSON-ish arguments pass through. A
// list variable (several values, e.g. {urls}) that is a whole argument expands into one
// argument per value; inside a longer argument it is joined with commas. An unknown
// placeholder is an error, so a typo in a scenario fails before anything runs.
//
//   CommandVariables v;
//   v.set("port", "41233");
//   v.set_list("urls", {"http://127.0.0.1:41233", "http://127.0.0.1:38017"});
//   expand_command({"load", "-c", "4", "{urls}"}, v, "workload 'api'");
//   // {"load", "-c", "4", "http://127.0.0.1:41233", "http://127.0.0.1:38017"}
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace pgo::harness {

class CommandVariables {
 public:
  CommandVariables() = default;
  CommandVariables(const std::map<std::string, std::string>& scalars);  // NOLINT: implicit ok

  // REQUIRES: name is an identifier. Setting a name again replaces it.
  void set(const std::string& name, std::string value);
  void set_list(const std::string& name, std::vector<std::string> values);
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, std::vector<std::string>>& values() const { return values_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// The placeholder names used in `argv` (without braces), e.g. {"binary", "profile"}.
std::set<std::string> command_placeholders(const std::vector<std::string>& argv);

// Substitutes every placeholder. Throws pgo::Error (stage "command") naming `context` and
// the unknown placeholder. The result is never empty when argv is not.
std::vector<std::string> expand_command(const std::vector<std::string>& argv,
                                        const CommandVariables& variables,
                                        std::string_view context);

// Quotes argv for logs and error messages the way a POSIX shell would read it back.
std::string quote_command(const std::vector<std::string>& argv);

}  // namespace pgo::harness

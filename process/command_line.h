// Command strings as `pgo-harness bench` takes them: split like a POSIX shell would split
// words (without running a shell), `{VAR}` parameters substituted, and the parameter lists
// and scans expanded into one command per value.
//
//   auto argv = pgo::harness::split_command_line("grep -c 'a b' \"x y.txt\"");
//   // {"grep", "-c", "a b", "x y.txt"}
//   auto axis = pgo::harness::parameter_scan("n", 1, 3, 1);       // n = 1, 2, 3
//   auto cmds = pgo::harness::expand_commands({"sleep 0.{n}"}, {}, {axis});
//   // cmds[1].text == "sleep 0.2", cmds[1].parameters == {{"n", "2"}}
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgo::harness {

// Splits into words with the quoting rules of a POSIX shell: blanks separate words;
// '...' is literal; "..." keeps blanks and honours \" \\ \$ \` and \<newline>; a backslash
// outside quotes escapes the next character. Nothing else is interpreted: no variables,
// globs, pipes or redirections (use --shell for those).
// Throws pgo::Error (stage "command") on an unterminated quote or a trailing backslash.
std::vector<std::string> split_command_line(std::string_view text);

// True when text holds an unquoted shell operator (| & ; < > ( ) $ `) that only a shell
// would act on: the CLI then suggests --shell.
bool has_shell_syntax(std::string_view text);

// Replaces each `{NAME}` whose NAME is a key of values; other braces stay as they are, so
// commands that use braces themselves (awk '{print}') are left alone.
std::string substitute_parameters(std::string_view text,
                                  const std::map<std::string, std::string>& values);

// One parameter and the values it takes, in order.
struct ParameterAxis {
  std::string name;
  std::vector<std::string> values;
};

// --parameter-list NAME a,b,c. Throws pgo::Error (stage "command") when a value is empty.
ParameterAxis parameter_list(const std::string& name, std::string_view comma_separated);

// --parameter-scan NAME MIN MAX [--parameter-step-size STEP]: MIN, MIN+STEP, ... up to MAX
// (inclusive, with a tolerance for rounding of decimal steps). Values are printed as
// integers when MIN and STEP are integers, otherwise with as many decimals as STEP has.
// Throws pgo::Error (stage "command") when step <= 0, min > max, or the scan would have
// more than 100000 values.
ParameterAxis parameter_scan(const std::string& name, double min, double max, double step = 1);

struct ExpandedCommand {
  std::string text;  // the command after substitution
  std::string name;  // the display name: --command-name (substituted) or the text
  std::vector<std::pair<std::string, std::string>> parameters;  // in axis order
};

// For each template in order, one command per combination of the axes' values (the first
// axis varies slowest). names[i], when present and non-empty, names template i's commands.
// Throws pgo::Error (stage "command") when there are more names than templates.
std::vector<ExpandedCommand> expand_commands(const std::vector<std::string>& templates,
                                             const std::vector<std::string>& names,
                                             const std::vector<ParameterAxis>& axes);

}  // namespace pgo::harness

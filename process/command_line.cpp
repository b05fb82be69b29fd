#include "process/command_line.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "base/error.h"

namespace pgo::harness {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

std::string format_number(double value, int decimals) {
  if (decimals == 0) return std::to_string(static_cast<long long>(std::llround(value)));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// Decimals needed to print x exactly enough (0.25 -> 2, 0.1 -> 1, 3 -> 0), up to 9.
int decimals_of(double x) {
  for (int d = 0; d < 9; ++d) {
    double scaled = x * std::pow(10.0, d);
    if (std::fabs(scaled - std::round(scaled)) < 1e-9 * std::max(1.0, std::fabs(scaled))) {
      return d;
    }
  }
  return 9;
}

}  // namespace

std::vector<std::string> split_command_line(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  std::size_t i = 0;
  auto fail = [&](const std::string& problem) {
    throw Error("command", "", problem + " in: " + std::string(text),
                "close the quote, or pass the command to a shell with --shell");
  };
  while (i < text.size()) {
    char c = text[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      std::size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) fail("unterminated single quote");
      word.append(text.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) fail("unterminated double quote");
        char d = text[i];
        if (d == '"') {
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size()) {
          char e = text[i + 1];
          if (e == '"' || e == '\\' || e == '$' || e == '`') {
            word.push_back(e);
            i += 2;
            continue;
          }
          if (e == '\n') {
            i += 2;
            continue;
          }
        }
        word.push_back(d);
        ++i;
      }
    } else if (c == '\\') {
      if (i + 1 >= text.size()) fail("trailing backslash");
      if (text[i + 1] != '\n') word.push_back(text[i + 1]);
      i += 2;
    } else {
      word.push_back(c);
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

bool has_shell_syntax(std::string_view text) {
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      continue;
    }
    if (c == '\\') {
      ++i;
      continue;
    }
    if (quote == '"') {
      if (c == '"') quote = 0;
      if (c == '$' || c == '`') return true;  // expansions happen inside double quotes
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      continue;
    }
    if (std::string_view("|&;<>()$`").find(c) != std::string_view::npos) return true;
  }
  return false;
}

std::string substitute_parameters(std::string_view text,
                                  const std::map<std::string, std::string>& values) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      std::size_t close = text.find('}', i + 1);
      if (close != std::string_view::npos) {
        auto it = values.find(std::string(text.substr(i + 1, close - i - 1)));
        if (it != values.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(text[i]);
    ++i;
  }
  return out;
}

ParameterAxis parameter_list(const std::string& name, std::string_view comma_separated) {
  ParameterAxis axis{name, {}};
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = comma_separated.find(',', start);
    std::string_view value = comma_separated.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (value.empty()) {
      throw Error(
          "command", "", "empty value in --parameter-list " + name,
          "separate non-empty values with commas, e.g. --parameter-list " + name + " a,b,c");
    }
    axis.values.emplace_back(value);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return axis;
}

ParameterAxis parameter_scan(const std::string& name, double min, double max, double step) {
  if (!(step > 0)) {
    throw Error("command", "", "--parameter-step-size must be positive",
                "e.g. --parameter-step-size 0.5");
  }
  if (min > max) {
    throw Error("command", "", "--parameter-scan " + name + ": MIN is larger than MAX",
                "give MIN first, then MAX");
  }
  const double count = std::floor((max - min) / step + 1e-9) + 1;
  if (count > 100000) {
    throw Error("command", "", "--parameter-scan " + name + " would give too many values",
                "use a larger --parameter-step-size");
  }
  const int decimals = std::max(decimals_of(min), decimals_of(step));
  ParameterAxis axis{name, {}};
  for (long long k = 0; k < static_cast<long long>(count); ++k) {
    // min + k * step, not repeated addition: no accumulated rounding error.
    axis.values.push_back(format_number(min + static_cast<double>(k) * step, decimals));
  }
  return axis;
}

std::vector<ExpandedCommand> expand_commands(const std::vector<std::string>& templates,
                                             const std::vector<std::string>& names,
                                             const std::vector<ParameterAxis>& axes) {
  if (names.size() > templates.size()) {
    throw Error("command", "", "more --command-name options than commands",
                "give at most one --command-name per command");
  }
  // Every combination of axis values, first axis slowest, as index tuples.
  std::vector<std::vector<std::size_t>> combos{{}};
  for (const ParameterAxis& axis : axes) {
    std::vector<std::vector<std::size_t>> next;
    for (const auto& combo : combos) {
      for (std::size_t v = 0; v < axis.values.size(); ++v) {
        auto extended = combo;
        extended.push_back(v);
        next.push_back(std::move(extended));
      }
    }
    combos = std::move(next);
  }
  std::vector<ExpandedCommand> out;
  for (std::size_t t = 0; t < templates.size(); ++t) {
    for (const auto& combo : combos) {
      std::map<std::string, std::string> values;
      ExpandedCommand cmd;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        values[axes[a].name] = axes[a].values[combo[a]];
        cmd.parameters.emplace_back(axes[a].name, axes[a].values[combo[a]]);
      }
      cmd.text = substitute_parameters(templates[t], values);
      cmd.name = t < names.size() && !names[t].empty() ? substitute_parameters(names[t], values)
                                                       : cmd.text;
      out.push_back(std::move(cmd));
    }
  }
  return out;
}

}  // namespace pgo::harness

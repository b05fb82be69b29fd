#include "process/command_template.h"

#include <cctype>

#include "base/error.h"

namespace pgo::harness {
namespace {

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// One pass over an argument: calls on_text for literal text and on_placeholder for each
// {name}. Shared by the scanner and the expander so both agree on the syntax.
template <typename OnText, typename OnPlaceholder>
void scan(std::string_view arg, OnText on_text, OnPlaceholder on_placeholder) {
  std::size_t i = 0;
  while (i < arg.size()) {
    char c = arg[i];
    if ((c == '{' || c == '}') && i + 1 < arg.size() && arg[i + 1] == c) {
      on_text(std::string_view(&arg[i], 1));
      i += 2;
      continue;
    }
    if (c == '{') {
      std::size_t j = i + 1;
      while (j < arg.size() && is_identifier_char(arg[j])) ++j;
      if (j > i + 1 && j < arg.size() && arg[j] == '}') {
        on_placeholder(arg.substr(i + 1, j - i - 1));
        i = j + 1;
        continue;
      }
    }
    on_text(arg.substr(i, 1));
    ++i;
  }
}

bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_identifier_char(c)) return false;
  }
  return true;
}

}  // namespace

CommandVariables::CommandVariables(const std::map<std::string, std::string>& scalars) {
  for (const auto& [k, v] : scalars) set(k, v);
}

void CommandVariables::set(const std::string& name, std::string value) {
  if (!valid_name(name)) throw Error("command", "", "invalid placeholder name '" + name + "'");
  values_[name] = {std::move(value)};
}

void CommandVariables::set_list(const std::string& name, std::vector<std::string> values) {
  if (!valid_name(name)) throw Error("command", "", "invalid placeholder name '" + name + "'");
  values_[name] = std::move(values);
}

std::set<std::string> command_placeholders(const std::vector<std::string>& argv) {
  std::set<std::string> names;
  for (const std::string& arg : argv) {
    scan(
        arg, [](std::string_view) {}, [&](std::string_view n) { names.emplace(n); });
  }
  return names;
}

std::vector<std::string> expand_command(const std::vector<std::string>& argv,
                                        const CommandVariables& variables,
                                        std::string_view context) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (const std::string& arg : argv) {
    const std::vector<std::string>* whole = nullptr;
    std::string text;
    int placeholders = 0;
    bool only_placeholder = true;
    scan(
        arg, [&](std::string_view t) { text += t, only_placeholder = false; },
        [&](std::string_view name) {
          auto it = variables.values().find(std::string(name));
          if (it == variables.values().end()) {
            std::string known;
            for (const auto& [k, v] : variables.values())
              known += (known.empty() ? "{" : ", {") + k + "}";
            throw Error("command", "",
                        std::string(context) + ": unknown placeholder {" + std::string(name) +
                            "} in argument '" + arg + "'",
                        known.empty()
                            ? "no placeholders are available here"
                            : "available here: " + known + "; write {{ for a literal brace");
          }
          ++placeholders;
          whole = &it->second;
          std::string joined;
          for (const std::string& v : it->second) joined += (joined.empty() ? "" : ",") + v;
          text += joined;
        });
    if (placeholders == 1 && only_placeholder && whole != nullptr && whole->size() != 1) {
      out.insert(out.end(), whole->begin(), whole->end());
    } else {
      out.push_back(std::move(text));
    }
  }
  return out;
}

std::string quote_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !arg.empty();
    for (char c : arg) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) ||
            std::string_view("-_./=:,+@%^").find(c) != std::string_view::npos)) {
        plain = false;
      }
    }
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

}  // namespace pgo::harness

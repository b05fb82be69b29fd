// Parse-level checks of generated HTML for the reports tests: tags balanced, and nothing
// that would make a browser fetch something.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace pgo::reports::testing {

// Returns "" when every element is closed in order (void and self-closing elements
// excepted), otherwise a description of the first problem.
inline std::string check_balanced_tags(const std::string& html) {
  static const std::set<std::string> void_elements = {"meta", "br", "hr", "img", "input", "link"};
  std::vector<std::string> stack;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string::npos) {
    const std::size_t end = html.find('>', pos);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(pos);
    std::string tag = html.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.empty()) return "empty tag";
    if (tag[0] == '!') continue;  // <!DOCTYPE html>
    const bool closing = tag[0] == '/';
    const bool self_closing = tag.back() == '/';
    std::string name = tag.substr(closing ? 1 : 0);
    name = name.substr(0, name.find_first_of(" \n/"));
    if (closing) {
      if (stack.empty() || stack.back() != name) {
        return "</" + name + "> closes " +
               (stack.empty() ? std::string("nothing") : "<" + stack.back() + ">");
      }
      stack.pop_back();
    } else if (!self_closing && !void_elements.count(name)) {
      stack.push_back(name);
      // The text of <style> and <pre> may hold '<' only escaped; skip to the end of style.
      if (name == "style") {
        const std::size_t close = html.find("</style>", pos);
        if (close == std::string::npos) return "unclosed <style>";
        pos = close;
      }
    }
  }
  if (!stack.empty()) return "<" + stack.back() + "> is never closed";
  return "";
}

// Markers of anything a browser would load from elsewhere.
inline std::vector<std::string> external_references(const std::string& html) {
  std::vector<std::string> found;
  for (const char* marker :
       {"http://", "https://", "src=", "href=", "<script", "<link", "url(", "@import", "<iframe"}) {
    if (html.find(marker) != std::string::npos) found.push_back(marker);
  }
  return found;
}

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace pgo::reports::testing

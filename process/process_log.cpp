#include "process/process_log.h"

#include <deque>
#include <filesystem>
#include <fstream>

#include "process/command_template.h"
#include "base/error.h"

namespace pgo::harness {

ProcessSpec logged_process_spec(const std::vector<std::string>& argv,
                                const std::string& working_directory,
                                const std::map<std::string, std::string>& env,
                                const std::string& log_path) {
  std::filesystem::path log(log_path);
  std::error_code ec;
  if (log.has_parent_path()) std::filesystem::create_directories(log.parent_path(), ec);
  std::ofstream header(log_path, std::ios::trunc);
  if (!header) throw Error("log", log_path, "cannot write the log", "check the run directory");
  if (!working_directory.empty()) header << "# cd " << working_directory << "\n";
  for (const auto& [k, v] : env) header << "# " << k << "=" << v << "\n";
  header << "$ " << quote_command(argv) << "\n";
  header.close();

  ProcessSpec spec;
  spec.argv = argv;
  spec.working_directory = working_directory;
  spec.env_overrides = env;
  spec.stdout_mode = StreamMode::kFile;
  spec.stderr_mode = StreamMode::kFile;
  spec.stdout_path = log_path;
  spec.stderr_path = log_path;
  spec.append_output = true;  // after the header
  return spec;
}

std::string log_tail(const std::string& log_path, int max_lines) {
  std::ifstream in(log_path, std::ios::binary);
  if (!in) return {};
  std::deque<std::string> lines;
  std::string line;
  bool in_header = true;
  while (std::getline(in, line)) {
    if (in_header && (line.rfind("# ", 0) == 0 || line.rfind("$ ", 0) == 0)) continue;
    in_header = false;
    if (line.empty()) continue;
    if (line.size() > 300) line = line.substr(0, 300) + "...";
    lines.push_back(line);
    if (static_cast<int>(lines.size()) > max_lines) lines.pop_front();
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

std::string with_log_tail(const std::string& message, const std::string& log_path, int max_lines) {
  std::string tail = log_tail(log_path, max_lines);
  if (tail.empty()) return message;
  std::string flat;
  for (char c : tail) {
    if (c == '\n') {
      flat += " | ";
    } else {
      flat += c;
    }
  }
  flat.resize(flat.size() - 3);  // the separator after the last line
  return message + "; output ends: " + flat;
}

}  // namespace pgo::harness

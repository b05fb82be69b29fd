#include "run/run_directory.h"

#include <ctime>
#include <filesystem>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "merge/profile_writer.h"

namespace pgo::harness {
namespace fs = std::filesystem;
namespace {

std::string format_time(std::chrono::system_clock::time_point when, const char* format) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

}  // namespace

std::string portable_file_stem(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.';
    out += keep ? c : '_';
  }
  return out.empty() || out == "." || out == ".." ? "_" + out : out;
}

std::string workload_log(const std::string& log_dir, const std::string& workload,
                         const std::string& label) {
  return log_dir + "/" + portable_file_stem(workload) + "-" + portable_file_stem(label) + ".log";
}

RunDirectory::RunDirectory(const std::string& root)
    : root_(fs::absolute(root).lexically_normal().string()) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  std::error_code ec;
  if (fs::exists(root_, ec) && !fs::is_directory(root_, ec)) {
    throw Error("rundir", root_, "exists and is not a directory", "choose another --out");
  }
  for (const char* sub : {"", "builds", "profiles", "logs", "work"}) {
    fs::create_directories(fs::path(root_) / sub, ec);
    if (ec) {
      throw Error("rundir", (fs::path(root_) / sub).string(),
                  "cannot create the directory: " + ec.message(), "choose another --out");
    }
  }
}

std::string RunDirectory::report_json() const { return root_ + "/report.json"; }

std::string RunDirectory::build_binary(const std::string& label, const std::string& name) const {
  return root_ + "/builds/" + portable_file_stem(label) + "/" + portable_file_stem(name);
}

std::string RunDirectory::tool_binary(const std::string& tool) const {
  return root_ + "/builds/tools/" + portable_file_stem(tool);
}

std::string RunDirectory::profile_dir(int iteration) const {
  return root_ + "/profiles/iter-" + std::to_string(iteration);
}

std::string RunDirectory::merged_profile(int iteration) const {
  return root_ + "/profiles/iter-" + std::to_string(iteration) + ".pgo";
}

std::string RunDirectory::build_log(const std::string& label) const {
  return root_ + "/logs/build-" + portable_file_stem(label) + ".log";
}

std::string RunDirectory::log_dir(int iteration) const {
  return root_ + "/logs/iter-" + std::to_string(iteration);
}

std::string RunDirectory::trial_log_dir() const { return root_ + "/logs/trials"; }

std::string RunDirectory::workdir(const std::string& workload) const {
  return root_ + "/work/" + portable_file_stem(workload);
}

std::string RunDirectory::gocache() const { return root_ + "/gocache"; }

std::string RunDirectory::relative(const std::string& path) const {
  fs::path p = fs::absolute(path).lexically_normal();
  fs::path rel = p.lexically_relative(root_);
  if (rel.empty() || *rel.begin() == "..") return path;
  return rel.string();
}

std::string RunDirectory::absolute(const std::string& path) const {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(root_) / path).lexically_normal().string();
}

void RunDirectory::write_atomically(const std::string& path, std::string_view content) {
  std::vector<std::uint8_t> bytes(content.begin(), content.end());
  pgo::write_file_atomically(path, bytes);
}

std::string default_run_directory(const std::string& scenario_name,
                                  std::chrono::system_clock::time_point when) {
  return "runs/" + portable_file_stem(scenario_name) + "-" + format_time(when, "%Y%m%d-%H%M%S");
}

bool artifact_matches(const RunDirectory& dir, const std::string& path, const std::string& sha256) {
  std::string abs = dir.absolute(path);
  std::error_code ec;
  if (abs.empty() || !fs::is_regular_file(abs, ec)) return false;
  try {
    return sha256_file_hex(abs) == sha256;
  } catch (const Error&) {
    return false;
  }
}

std::string iso8601_utc(std::chrono::system_clock::time_point when) {
  return format_time(when, "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace pgo::harness

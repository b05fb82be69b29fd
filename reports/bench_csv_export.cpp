#include "reports/bench_csv_export.h"

#include <cstdio>
#include <set>

namespace pgo::reports {
namespace {

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string number(const std::optional<double>& v) { return v ? number(*v) : std::string(); }

}  // namespace

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string bench_result_to_csv(const harness::BenchResult& result) {
  // Parameter columns: every name any command has, in first-seen order.
  std::vector<std::string> params;
  std::set<std::string> seen;
  for (const auto& cr : result.commands) {
    for (const auto& [name, value] : cr.command.parameters) {
      if (seen.insert(name).second) params.push_back(name);
    }
  }
  // Rows are built as fields and joined: GCC 12 warns falsely on `"," + string` chains.
  std::string out;
  auto emit = [&out](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out.push_back(',');
      out.append(fields[i]);
    }
    out.push_back('\n');
  };
  std::vector<std::string> header = {"command", "mean",   "stddev", "median",
                                     "user",    "system", "min",    "max"};
  for (const auto& p : params) header.push_back(csv_field("parameter_" + p));
  for (const char* h : {"runs", "median_ci_lower", "median_ci_upper", "failed_runs"}) {
    header.emplace_back(h);
  }
  emit(header);
  for (const auto& cr : result.commands) {
    const auto& s = cr.summary;
    std::vector<std::string> row;
    row.push_back(csv_field(cr.command.name));
    row.push_back(s ? number(s->mean) : std::string());
    row.push_back(s ? number(s->stddev) : std::string());
    row.push_back(s ? number(s->median) : std::string());
    row.push_back(number(cr.mean_user_seconds));
    row.push_back(number(cr.mean_system_seconds));
    row.push_back(s ? number(s->min) : std::string());
    row.push_back(s ? number(s->max) : std::string());
    for (const auto& p : params) {
      std::string value;
      for (const auto& [name, v] : cr.command.parameters) {
        if (name == p) value = v;
      }
      row.push_back(csv_field(value));
    }
    row.push_back(std::to_string(cr.runs.size()));
    row.push_back(cr.median_interval ? number(cr.median_interval->lower) : std::string());
    row.push_back(cr.median_interval ? number(cr.median_interval->upper) : std::string());
    row.push_back(std::to_string(cr.failed_runs));
    emit(row);
  }
  return out;
}

}  // namespace pgo::reports

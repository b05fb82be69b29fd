#include "go/go_bench_format.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>

namespace pgo::harness {
namespace {

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  // std::from_chars for double is in libstdc++ 11+, but strtod also accepts "1e+06" and
  // "NaN" the way Go's strconv.ParseFloat prints them.
  std::string copy(s);
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return !copy.empty() && end == copy.c_str() + copy.size();
}

// The spec: a configuration key begins with a lower-case letter and contains no
// upper-case letters and no white space.
bool parse_config_line(std::string_view line, std::string& key, std::string& value) {
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view k = line.substr(0, colon);
  if (!std::islower(static_cast<unsigned char>(k.front()))) return false;
  for (char c : k) {
    if (std::isspace(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  std::string_view rest = line.substr(colon + 1);
  if (!rest.empty() && !std::isspace(static_cast<unsigned char>(rest.front()))) return false;
  key = std::string(k);
  value = std::string(trim(rest));
  return true;
}

// "Benchmark" followed by end of word or a character that is not a lower-case letter
// ("BenchmarkFoo", "Benchmark/x"; not "Benchmarks" or "Benchmarking").
bool is_benchmark_name(std::string_view name) {
  constexpr std::string_view kPrefix = "Benchmark";
  if (name.substr(0, kPrefix.size()) != kPrefix) return false;
  return name.size() == kPrefix.size() ||
         !std::islower(static_cast<unsigned char>(name[kPrefix.size()]));
}

void split_procs(GoBenchResult& r) {
  r.base_name = r.name;
  std::size_t dash = r.name.rfind('-');
  if (dash == std::string::npos || dash + 1 >= r.name.size()) return;
  std::int64_t procs = 0;
  if (!parse_int(std::string_view(r.name).substr(dash + 1), procs) || procs <= 0) return;
  r.procs = static_cast<int>(procs);
  r.base_name = r.name.substr(0, dash);
}

// "Unit <unit> <key>=<value> ...": the unit's metadata, applying to the whole file.
bool parse_unit_line(std::string_view line, GoBenchOutput& out) {
  std::vector<std::string_view> f = split_fields(line);
  if (f.size() < 2 || f[0] != "Unit") return false;
  auto& metadata = out.unit_metadata[std::string(f[1])];
  for (std::size_t i = 2; i < f.size(); ++i) {
    const std::size_t eq = f[i].find('=');
    if (eq == std::string_view::npos || eq == 0) continue;  // not key=value: ignored
    metadata[std::string(f[i].substr(0, eq))] = std::string(f[i].substr(eq + 1));
  }
  return true;
}

std::string metadata_value(const GoBenchOutput& out, const std::string& unit,
                           const std::string& key) {
  auto u = out.unit_metadata.find(unit);
  if (u == out.unit_metadata.end()) return {};
  auto k = u->second.find(key);
  return k == u->second.end() ? std::string() : k->second;
}

}  // namespace

bool GoBenchOutput::higher_is_better(const std::string& unit) const {
  const std::string better = metadata_value(*this, unit, "better");
  if (!better.empty()) return better == "higher";
  return unit.size() > 2 && unit.ends_with("/s");
}

bool GoBenchOutput::assume_exact(const std::string& unit) const {
  return metadata_value(*this, unit, "assume") == "exact";
}

std::optional<double> GoBenchResult::value(std::string_view unit) const {
  for (const GoBenchMetric& m : metrics) {
    if (m.unit == unit) return m.value;
  }
  return std::nullopt;
}

GoBenchOutput parse_go_bench_output(std::string_view text, int* skipped_lines) {
  GoBenchOutput out;
  int skipped = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    std::string key, value;
    if (parse_config_line(line, key, value)) {
      out.config[key] = value;
      continue;
    }
    if (line.starts_with("Unit ") && parse_unit_line(line, out)) continue;
    std::vector<std::string_view> f = split_fields(line);
    if (f.empty() || !is_benchmark_name(f[0])) continue;

    GoBenchResult r;
    r.name = std::string(f[0]);
    // A name alone on its line is what the testing package prints before a benchmark that
    // logs output; it is not a result.
    if (f.size() == 1) continue;
    bool ok = f.size() >= 4 && (f.size() - 2) % 2 == 0 && parse_int(f[1], r.iterations);
    for (std::size_t i = 2; ok && i + 1 < f.size(); i += 2) {
      GoBenchMetric m;
      ok = parse_double(f[i], m.value);
      m.unit = std::string(f[i + 1]);
      r.metrics.push_back(std::move(m));
    }
    if (!ok) {
      ++skipped;
      continue;
    }
    split_procs(r);
    r.config = out.config;
    out.results.push_back(std::move(r));
  }
  if (skipped_lines != nullptr) *skipped_lines = skipped;
  return out;
}

std::vector<double> go_bench_values(const GoBenchOutput& output, std::string_view unit,
                                    std::string_view base_name) {
  std::vector<double> values;
  for (const GoBenchResult& r : output.results) {
    if (!base_name.empty() && r.base_name != base_name) continue;
    if (std::optional<double> v = r.value(unit)) values.push_back(*v);
  }
  return values;
}

}  // namespace pgo::harness

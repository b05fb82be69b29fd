// Risk guarded against: the stale-profile check passing a profile collected before a
// refactor: after renaming the hottest function of a real program (a copy of
// scenarios/ruleeval), `inspect --binary` must name it and put its weight in the stale
// share, and must report 0% against the build the profile came from. Real `go build`,
// a real CPU profile; label integration.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "merge/pgo_view.h"
#include "merge/profile_reader.h"
#include "process/process.h"
#include "tests/support/test_support.h"

namespace fs = std::filesystem;
using pgo::testing::read_file;
using json = nlohmann::json;
using pgo::harness::ProcessSpec;
using pgo::harness::StreamMode;

namespace {

const std::string kHarness = std::string(PGO_BIN_DIR) + "/pgo-harness";

pgo::harness::ProcessResult run(std::vector<std::string> argv, const fs::path& cwd) {
  ProcessSpec spec;
  spec.argv = std::move(argv);
  spec.working_directory = cwd.string();
  spec.stdout_mode = spec.stderr_mode = StreamMode::kCapture;
  spec.timeout = std::chrono::seconds(300);
  return pgo::harness::run_process(spec);
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Replaces every whole-word `from` in text.
std::string rename_word(const std::string& text, const std::string& from, const std::string& to) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text.compare(i, from.size(), from) == 0 && (i == 0 || !ident_char(text[i - 1])) &&
        (i + from.size() == text.size() || !ident_char(text[i + from.size()]))) {
      out += to;
      i += from.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

// The identifier a rename must change for a profile's function to disappear:
// "main.parse" -> "parse", "main.(*Gt).Eval" -> "Gt" (the type: its methods all go),
// "" for closures and other packages.
std::string identifier_of(const std::string& fn) {
  if (fn.rfind("main.", 0) != 0) return "";
  std::string rest = fn.substr(5);
  if (rest.rfind("(*", 0) == 0) return rest.substr(2, rest.find(')') - 2);
  if (rest.rfind("(", 0) == 0) return rest.substr(1, rest.find(')') - 1);
  if (rest.find('.') != std::string::npos) return "";
  return rest;
}

json staleness(const fs::path& binary, const fs::path& profile, const fs::path& cwd) {
  auto r = run(
      {kHarness, "inspect", "--json", "--top", "20", "--binary", binary.string(), profile.string()},
      cwd);
  INFO(r.captured_stderr);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.captured_stdout)["inputs"][0]["staleness"];
}

}  // namespace

TEST_CASE("inspect --binary names the hottest function a refactor renamed") {
  const fs::path dir = fs::temp_directory_path() / ("pgo_stale_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(fs::path(PGO_TESTS_DIR) / ".." / "scenarios" / "ruleeval", dir / "src",
           fs::copy_options::recursive);
  const fs::path src = dir / "src";
  auto built = run({"go", "build", "-o", (dir / "before").string(), "."}, src);
  INFO(built.captured_stderr);
  REQUIRE(built.succeeded());
  const fs::path profile = dir / "before.pprof";
  REQUIRE(run({(dir / "before").string(), "-rules", "rules.txt", "-q",
               "-cpuprofile=" + profile.string()},
              src)
              .succeeded());

  // The hottest edge whose callee a rename can remove.
  auto view = pgo::merge::PgoView::from_profile(pgo::merge::read_profile_file(profile.string()),
                                                "before.pprof");
  std::string victim, ident;
  for (const auto& e : view.hot_edges()) {
    if (!(ident = identifier_of(e.callee)).empty() && ident != "main") {
      victim = e.callee;
      break;
    }
  }
  REQUIRE_FALSE(victim.empty());
  for (const auto& f : fs::directory_iterator(src)) {
    if (f.path().extension() != ".go") continue;
    const std::string renamed = rename_word(read_file(f.path()), ident, ident + "V2");
    std::ofstream(f.path(), std::ios::trunc) << renamed;
  }
  auto rebuilt = run({"go", "build", "-o", (dir / "after").string(), "."}, src);
  INFO(rebuilt.captured_stderr);
  REQUIRE(rebuilt.succeeded());

  json same = staleness(dir / "before", profile, dir);
  CHECK(same["function_names_from"] == "gopclntab");
  CHECK(same["total_share"] == 0.0);
  CHECK(same["hot_share"] == 0.0);
  CHECK(same["stale"] == false);

  json after = staleness(dir / "after", profile, dir);
  INFO("renamed " << ident << " (hot callee " << victim << ")");
  CHECK(after["hot_share"].get<double>() > 0);
  CHECK(after["total_share"].get<double>() > 0);
  bool named = false;
  for (const json& m : after["hottest_missing"]) named = named || m["name"] == victim;
  CHECK(named);
  // The text form says the same, with the name.
  auto text =
      run({kHarness, "inspect", "--binary", (dir / "after").string(), profile.string()}, dir);
  CHECK_THAT(text.captured_stdout, Catch::Contains(victim));
  fs::remove_all(dir);
}

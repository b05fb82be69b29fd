// `pgo-harness report RUN`: renders report.md and report.html from a run's report.json
// (reports/markdown_report.h, reports/html_report.h).
//
// Exit codes: 0 written, 1 unreadable or invalid report (or a file that cannot be
// written), 2 usage.
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "base/file_io.h"
#include "reports/benchfmt_export.h"
#include "reports/html_report.h"
#include "reports/markdown_report.h"
#include "reports/run_report_json.h"

namespace pgo::cli {
namespace {

constexpr const char* kReportFooter =
    R"(RUN is a run directory (holding report.json) or a report.json file. Writes
report.md, report.html and report.bench.txt (every trial in the Go benchmark format, for
benchstat -col pgo) beside it, or into --out DIR. `pgo-harness run` does this itself
at the end of a run; use `report` to re-render, e.g. after an interrupted run.

Examples:
  pgo-harness report runs/interp-20261124-050000
  pgo-harness report --print runs/interp-20261124-050000 | less
  pgo-harness report --html /tmp/pgo.html runs/interp-20261124-050000/report.json

Exit codes: 0 written, 1 unreadable or invalid report, 2 usage.)";

struct ReportCommandOptions {
  std::string run;
  std::string out_dir;
  std::string markdown_file;
  std::string html_file;
  std::string benchfmt_file;
  bool print = false;
};

int run_report(const ReportCommandOptions& o) {
  namespace fs = std::filesystem;
  const std::string report_path = reports::resolve_report_path(o.run);
  const harness::RunReport report = reports::read_run_report(report_path);
  const fs::path dir =
      o.out_dir.empty() ? fs::path(report_path).parent_path() : fs::path(o.out_dir);
  const std::string markdown_file =
      o.markdown_file.empty() ? (dir / "report.md").string() : o.markdown_file;
  const std::string html_file = o.html_file.empty() ? (dir / "report.html").string() : o.html_file;
  const std::string benchfmt_file =
      o.benchfmt_file.empty() ? (dir / "report.bench.txt").string() : o.benchfmt_file;

  const std::string markdown = reports::render_markdown_report(report);
  pgo::write_file_atomically(markdown_file, markdown);
  pgo::write_file_atomically(html_file, reports::render_html_report(report));
  pgo::write_file_atomically(benchfmt_file, reports::run_report_to_benchfmt(report));
  if (o.print) {
    std::cout << markdown;
  } else {
    std::cout << "wrote " << markdown_file << "\nwrote " << html_file << "\nwrote "
              << benchfmt_file << "\n";
  }
  return kExitOk;
}

}  // namespace

void configure_report_command(CLI::App& app, CommandRunner& runner) {
  auto o = std::make_shared<ReportCommandOptions>();
  app.footer(kReportFooter);
  app.add_option("RUN", o->run, "Run directory or report.json")->required();
  app.add_option("--out", o->out_dir,
                 "Directory for report.md, report.html and report.bench.txt")
      ->check(CLI::ExistingDirectory);
  app.add_option("--markdown", o->markdown_file, "Write the Markdown report to FILE");
  app.add_option("--html", o->html_file, "Write the HTML report to FILE");
  app.add_option("--benchfmt", o->benchfmt_file,
                 "Write every trial in the Go benchmark format to FILE (default "
                 "report.bench.txt; benchstat -col pgo FILE)");
  app.add_flag("--print", o->print, "Print the Markdown report on stdout");
  app.callback([o, &runner] { runner = [o] { return run_report(*o); }; });
}

}  // namespace pgo::cli

// `pgo-harness bench [OPTIONS] COMMAND...`: hyperfine-style repeated trials of commands,
// interleaved by default, with confidence intervals and a significance test against a
// reference command (README.md, "pgo-harness bench").
//
//   CLI::App* bench = app.add_subcommand("bench", "Benchmark commands.");
//   pgo::cli::configure_bench_command(*bench, runner);
//
// Exit codes: 0 all runs succeeded (or --ignore-failure); 1 a command or hook failed, a
// file could not be opened, a stage failed; 2 the command line is wrong.
#pragma once

#include "cli/command.h"

namespace pgo::cli {

void configure_bench_command(CLI::App& app, CommandRunner& runner);

}  // namespace pgo::cli

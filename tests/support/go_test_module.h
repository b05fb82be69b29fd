// Test support for the integration tests that need Go: a copy of testdata/gotool (a tiny
// program with batch, serve and load modes and one benchmark) in a fresh temporary
// directory, and a builder over the machine's shared Go build cache so that repeated test
// runs compile only the tiny program.
//
//   GoTestModule m;                 // copies the sources, locates go
//   std::string bin = m.build_tool();  // -pgo=off, into m.dir
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include "go/go_toolchain.h"

namespace pgo::harness::testing {

class GoTestModule {
 public:
  GoTestModule()
      : dir(std::filesystem::temp_directory_path() /
            ("pgo-go-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++))),
        module(dir / "gotool"),
        go(GoToolchain::locate()),
        builder(go, go.env("GOCACHE"), GoCacheMode::kShared) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::filesystem::copy(std::filesystem::path(PGO_TESTS_DIR) / "support" / "testdata" / "gotool",
                          module, std::filesystem::copy_options::recursive);
  }
  ~GoTestModule() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  GoTestModule(const GoTestModule&) = delete;
  GoTestModule& operator=(const GoTestModule&) = delete;

  GoBuildRequest request(const std::string& name, const std::string& pgo = "off") const {
    GoBuildRequest r;
    r.module_dir = module.string();
    r.pgo = pgo;
    r.output = (dir / "bin" / name).string();
    r.log_path = (dir / "logs" / (name + ".log")).string();
    return r;
  }

  std::string build_tool() const { return builder.build(request("tool")).output; }

  std::string build_test_binary() const {
    GoBuildRequest r = request("tool.test");
    r.kind = GoBuildKind::kTestBinary;
    return builder.build(r).output;
  }

  std::filesystem::path dir;
  std::filesystem::path module;
  GoToolchain go;
  GoBuilder builder;

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
};

}  // namespace pgo::harness::testing

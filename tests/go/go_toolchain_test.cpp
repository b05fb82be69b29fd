// Risk guarded against: mis-reading `go version -m` would let a binary built without the
// profile pass as a PGO build (or fail a correct one); a useless build error message
// sends the user digging through logs.
#include "go/go_toolchain.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"

using namespace pgo::harness;

TEST_CASE("go build info: settings and quoted values and deps", "[go_toolchain]") {
  const char* text =
      "/tmp/bin/server: go1.26.8\n"
      "\tpath\texample.com/server/cmd/server\n"
      "\tmod\texample.com/server\t(devel)\t\n"
      "\tdep\tgolang.org/x/text\tv0.14.0\th1:abc=\n"
      "\tbuild\t-buildmode=exe\n"
      "\tbuild\t-compiler=gc\n"
      "\tbuild\t-ldflags=\"-s -w\"\n"
      "\tbuild\t-pgo=/run/profiles/iter-1.pgo\n"
      "\tbuild\t\"weird=key\"=value\n"
      "\tbuild\tCGO_ENABLED=0\n"
      "\tbuild\tGOARCH=amd64\n";
  GoBuildInfo info = parse_go_build_info(text, "/tmp/bin/server");
  CHECK(info.go_version == "go1.26.8");
  CHECK(info.path == "example.com/server/cmd/server");
  CHECK(info.main_module == "example.com/server");
  CHECK(info.deps == std::vector<std::string>{"golang.org/x/text@v0.14.0"});
  CHECK(info.settings.at("-ldflags") == "-s -w");
  CHECK(info.settings.at("weird=key") == "value");
  CHECK(info.settings.at("CGO_ENABLED") == "0");
  CHECK(info.pgo() == "/run/profiles/iter-1.pgo");
}

TEST_CASE("go build info: no -pgo setting means off", "[go_toolchain]") {
  GoBuildInfo info =
      parse_go_build_info("x: go1.22.0\n\tpath\texample.com/x\n\tbuild\t-compiler=gc\n", "x");
  CHECK(info.pgo() == "off");
}

TEST_CASE("go build info: text without module info is an error", "[go_toolchain]") {
  CHECK_THROWS_AS(parse_go_build_info("x: go1.22.0\n", "x"), pgo::Error);
}

TEST_CASE("go error summary picks the compiler's error lines", "[go_toolchain]") {
  std::string log =
      "$ go build -o x .\n"
      "# example.com/tool\n"
      "./broken.go:3:17: undefined: nothingHere\n"
      "./broken.go:4:2: declared and not used: y\n"
      "note: module requires Go 1.99\n";
  CHECK(go_error_summary(log) ==
        "./broken.go:3:17: undefined: nothingHere; ./broken.go:4:2: declared and not used: y");
  CHECK(go_error_summary("go: cannot find main module\n") == "go: cannot find main module");
  CHECK(go_error_summary("a\nb\nc\n", 2) == "b; c");
  // Not compiler errors: a blank in the file part, no line number, no message separator.
  CHECK(go_error_summary("see x.go:12: here\n./a.go:x: y\n./a.go:3:4:5\n", 1) == "./a.go:3:4:5");
  CHECK(go_error_summary("./a.go:7: bad\n") == "./a.go:7: bad");
  CHECK(go_error_summary("") == "no output");
}

namespace {

// A module directory with a go.mod saying `go VERSION`, and vendor/modules.txt if asked.
struct ModuleDir {
  std::filesystem::path dir;
  ModuleDir(const std::string& version, bool vendored) {
    static int counter = 0;
    dir = std::filesystem::temp_directory_path() /
          ("pgo_mod_mode_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "m");
    std::ofstream(dir / "m" / "go.mod") << "module example.com/m\n\ngo " << version << "\n";
    if (vendored) {
      std::filesystem::create_directories(dir / "m" / "vendor");
      std::ofstream(dir / "m" / "vendor" / "modules.txt") << "# example.com/dep v1.0.0\n";
    }
  }
  ~ModuleDir() { std::filesystem::remove_all(dir); }
  std::string path() const { return (dir / "m").string(); }
};

}  // namespace

TEST_CASE("go module mode: vendor by the go command's own rule", "[go_toolchain]") {
  // The default: vendor/modules.txt and go >= 1.14.
  CHECK(go_module_mode(ModuleDir("1.21.0", true).path(), {}, "", "").vendor);
  CHECK(go_module_mode(ModuleDir("1.14", true).path(), {}, "", "").vendor);
  CHECK_FALSE(go_module_mode(ModuleDir("1.13", true).path(), {}, "", "").vendor);
  CHECK_FALSE(go_module_mode(ModuleDir("1.26", false).path(), {}, "", "").vendor);
  // An explicit -mod decides, the build flags over GOFLAGS, the last one winning.
  ModuleDir vendored("1.22", true), plain("1.22", false);
  CHECK_FALSE(go_module_mode(vendored.path(), {}, "-trimpath -mod=mod", "").vendor);
  CHECK_FALSE(go_module_mode(vendored.path(), {"-mod=readonly"}, "", "").vendor);
  CHECK_FALSE(go_module_mode(vendored.path(), {"-mod", "mod"}, "-mod=vendor", "").vendor);
  CHECK(go_module_mode(plain.path(), {"--mod=vendor"}, "", "").vendor);
  CHECK(go_module_mode(plain.path(), {"-mod=mod", "-mod=vendor"}, "", "").vendor);
  CHECK(go_module_mode(plain.path(), {}, "-mod=vendor", "").vendor);
  CHECK(go_module_mode(vendored.path(), {}, "", "").reason.find("vendor/modules.txt") !=
        std::string::npos);
  // Workspace mode: the workspace's vendor directory decides, not the module's.
  std::ofstream(vendored.dir / "go.work") << "go 1.22\n\nuse ./m\n";
  CHECK_FALSE(go_module_mode(vendored.path(), {}, "", "").vendor);
  CHECK(go_module_mode(vendored.path(), {}, "", "off").vendor);
  std::filesystem::create_directories(vendored.dir / "vendor");
  std::ofstream(vendored.dir / "vendor" / "modules.txt") << "# example.com/dep v1.0.0\n";
  CHECK(go_module_mode(vendored.path(), {}, "", "").vendor);
}

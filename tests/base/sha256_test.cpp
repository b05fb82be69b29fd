// Risk guarded against: build identity rests on these digests; a wrong or truncated digest
// would call two different binaries the same (or the same binary different).
#include "base/sha256.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "base/error.h"

using namespace pgo;

TEST_CASE("sha256: known vectors", "[sha256]") {
  CHECK(sha256_hex(std::string_view("")) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex(std::string_view("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("sha256: a file larger than one read chunk", "[sha256]") {
  auto path = std::filesystem::temp_directory_path() / "pgo-sha256-test.bin";
  std::string data;
  for (int i = 0; i < 200000; ++i) data += static_cast<char>(i * 7);
  {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  CHECK(sha256_file_hex(path.string()) == sha256_hex(std::string_view(data)));
  std::filesystem::remove(path);
  CHECK_THROWS_AS(sha256_file_hex(path.string()), pgo::Error);
}

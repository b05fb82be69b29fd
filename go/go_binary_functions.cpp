#include "go/go_binary_functions.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

#include "base/error.h"
#include "merge/profile_reader.h"

namespace pgo::harness {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Section {
  std::string name;
  std::uint32_t type = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint32_t link = 0;
};

constexpr std::uint32_t kShtSymtab = 2;
constexpr std::uint32_t kShtNobits = 8;
constexpr std::uint8_t kSttFunc = 2;

class ElfReader {
 public:
  ElfReader(const Bytes& bytes, std::string path) : b_(bytes), path_(std::move(path)) {}

  template <typename T>
  T at(std::uint64_t offset) const {
    if (offset > b_.size() || b_.size() - offset < sizeof(T)) fail("truncated ELF file");
    T v;
    std::memcpy(&v, b_.data() + offset, sizeof v);  // little-endian host and file
    return v;
  }

  std::vector<Section> sections() const {
    if (b_.size() < 64 || std::memcmp(b_.data(),
                                      "\x7f"
                                      "ELF",
                                      4) != 0) {
      fail("not an ELF file", "give the Go binary that `go build` wrote");
    }
    if (b_[4] != 2 || b_[5] != 1) fail("not a 64-bit little-endian ELF file");
    const auto shoff = at<std::uint64_t>(0x28);
    const auto shentsize = at<std::uint16_t>(0x3a);
    const auto shnum = at<std::uint16_t>(0x3c);
    const auto shstrndx = at<std::uint16_t>(0x3e);
    if (shentsize < 64 || shstrndx >= shnum) fail("malformed ELF section headers");
    std::vector<Section> out(shnum);
    std::vector<std::uint32_t> name_offsets(shnum);
    for (std::uint16_t i = 0; i < shnum; ++i) {
      const std::uint64_t h = shoff + std::uint64_t{i} * shentsize;
      name_offsets[i] = at<std::uint32_t>(h);
      out[i].type = at<std::uint32_t>(h + 4);
      out[i].offset = at<std::uint64_t>(h + 0x18);
      out[i].size = at<std::uint64_t>(h + 0x20);
      out[i].link = at<std::uint32_t>(h + 0x28);
    }
    const Section& names = out[shstrndx];
    for (std::uint16_t i = 0; i < shnum; ++i) out[i].name = cstring(names, name_offsets[i]);
    return out;
  }

  // Checked view of a section's bytes.
  std::pair<const std::uint8_t*, std::uint64_t> data(const Section& s) const {
    if (s.type == kShtNobits || s.offset > b_.size() || b_.size() - s.offset < s.size) {
      fail("section " + s.name + " lies outside the file");
    }
    return {b_.data() + s.offset, s.size};
  }

  std::string cstring(const Section& table, std::uint64_t offset) const {
    auto [p, n] = data(table);
    if (offset >= n) fail("string offset outside " + table.name);
    const void* end = std::memchr(p + offset, 0, n - offset);
    if (end == nullptr) fail("unterminated string in " + table.name);
    return std::string(reinterpret_cast<const char*>(p + offset),
                       static_cast<const std::uint8_t*>(end) - (p + offset));
  }

  [[noreturn]] void fail(const std::string& problem, const std::string& hint = {}) const {
    throw Error("binary", path_, problem, hint);
  }

 private:
  const Bytes& b_;
  std::string path_;
};

// Names from the function-name table of a Go 1.18+ pclntab (magic 0xfffffff0 / 0xfffffff1):
// header = magic u32, 2 pad bytes, min instruction size u8, pointer size u8, then pointer-
// sized nfunc, nfiles, textStart, funcnameOffset, cuOffset, ... The name table runs from
// funcnameOffset to cuOffset: NUL-terminated names, one per distinct function.
std::optional<std::set<std::string>> pclntab_names(const std::uint8_t* p, std::uint64_t n) {
  if (n < 8) return std::nullopt;
  std::uint32_t magic;
  std::memcpy(&magic, p, 4);
  if (magic != 0xfffffff0u && magic != 0xfffffff1u) return std::nullopt;
  const std::uint8_t ptr = p[7];
  if (ptr != 8) return std::nullopt;
  if (n < 8 + 6 * 8) return std::nullopt;
  std::uint64_t name_off, cu_off;
  std::memcpy(&name_off, p + 8 + 3 * 8, 8);
  std::memcpy(&cu_off, p + 8 + 4 * 8, 8);
  if (name_off > cu_off || cu_off > n) return std::nullopt;
  std::set<std::string> names;
  std::uint64_t start = name_off;
  for (std::uint64_t i = name_off; i < cu_off; ++i) {
    if (p[i] != 0) continue;
    if (i > start) names.emplace(reinterpret_cast<const char*>(p + start), i - start);
    start = i + 1;
  }
  return names;
}

}  // namespace

GoBinaryFunctions read_go_binary_functions(const std::string& path) {
  const Bytes bytes = merge::read_file_bytes(path);
  ElfReader elf(bytes, path);
  const std::vector<Section> sections = elf.sections();
  GoBinaryFunctions out;
  for (const Section& s : sections) {
    if (s.name != ".gopclntab") continue;
    auto [p, n] = elf.data(s);
    if (auto names = pclntab_names(p, n)) {
      out.names = std::move(*names);
      out.source = "gopclntab";
      return out;
    }
  }
  for (const Section& s : sections) {
    if (s.type != kShtSymtab) continue;
    if (s.link >= sections.size()) elf.fail("malformed .symtab");
    const Section& strtab = sections[s.link];
    auto [p, n] = elf.data(s);
    (void)p;
    for (std::uint64_t off = 0; off + 24 <= n; off += 24) {
      const std::uint64_t e = s.offset + off;
      const auto name = elf.at<std::uint32_t>(e);
      const auto info = elf.at<std::uint8_t>(e + 4);
      if ((info & 0xf) != kSttFunc || name == 0) continue;
      out.names.insert(elf.cstring(strtab, name));
    }
    out.source = "symtab";
    return out;
  }
  elf.fail("no Go pclntab and no symbol table: cannot list its functions",
           "build without -ldflags=-s, or give the unstripped binary");
}

}  // namespace pgo::harness

// Risk: report.html that passes the parse-level checks but does not look right in a real
// browser (charts not drawn, blank page, broken layout). Renders it with headless
// Chromium (Debian package `chromium`) when installed and checks the pixels: the page is
// not blank and the charts' series colours are on it. Label "integration".
// PGO_SAVE_SCREENSHOT=PATH keeps a copy of the screenshot (docs/report-screenshot.png).
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "reports/comparison_html.h"
#include "reports/html_report.h"
#include "sample_run_report.h"

namespace {

struct Image {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::vector<std::uint8_t> rgb;  // 3 bytes per pixel
};

std::uint32_t be32(const std::string& s, std::size_t at) {
  return (std::uint32_t(std::uint8_t(s[at])) << 24) |
         (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

int paeth(int a, int b, int c) {
  const int p = a + b - c;
  const int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

// A minimal PNG decoder for what Chromium writes: 8-bit RGB or RGBA, not interlaced.
Image decode_png(const std::string& png) {
  REQUIRE(png.size() > 33);
  REQUIRE(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  Image img;
  std::string idat;
  int color_type = 0;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    const std::uint32_t length = be32(png, at);
    const std::string type = png.substr(at + 4, 4);
    if (type == "IHDR") {
      img.width = be32(png, at + 8);
      img.height = be32(png, at + 12);
      REQUIRE(png[at + 16] == 8);  // bit depth
      color_type = png[at + 17];
      REQUIRE(png[at + 20] == 0);  // not interlaced
    } else if (type == "IDAT") {
      idat += png.substr(at + 8, length);
    }
    at += 12 + length;
  }
  REQUIRE((color_type == 2 || color_type == 6));
  const std::size_t channels = color_type == 6 ? 4 : 3;
  const std::size_t stride = img.width * channels;
  std::vector<std::uint8_t> raw((stride + 1) * img.height);
  uLongf raw_size = raw.size();
  REQUIRE(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                     idat.size()) == Z_OK);
  std::vector<std::uint8_t> previous(stride, 0), current(stride);
  img.rgb.reserve(std::size_t(img.width) * img.height * 3);
  for (std::size_t y = 0; y < img.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t* line = &raw[y * (stride + 1) + 1];
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= channels ? current[i - channels] : 0;
      const int b = previous[i];
      const int c = i >= channels ? previous[i - channels] : 0;
      int predictor = 0;
      switch (filter) {
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) / 2;
          break;
        case 4:
          predictor = paeth(a, b, c);
          break;
        default:
          predictor = 0;
      }
      current[i] = std::uint8_t(line[i] + predictor);
    }
    for (std::size_t x = 0; x < img.width; ++x) {
      for (std::size_t k = 0; k < 3; ++k) img.rgb.push_back(current[x * channels + k]);
    }
    previous.swap(current);
  }
  return img;
}

std::size_t pixels_near(const Image& img, int r, int g, int b, int tolerance) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 2 < img.rgb.size(); i += 3) {
    if (std::abs(img.rgb[i] - r) <= tolerance && std::abs(img.rgb[i + 1] - g) <= tolerance &&
        std::abs(img.rgb[i + 2] - b) <= tolerance) {
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("report.html renders in headless Chromium with its charts",
          "[html_report][integration]") {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    WARN(
        "chromium is not installed (scripts/install-deps.sh installs it): screenshot test skipped");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() / "pgo_reports_screenshot";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string html = (dir / "report.html").string();
  const std::string shot = (dir / "shot.png").string();
  pgo::write_file_atomically(
      html, pgo::reports::render_html_report(pgo::reports::testing::make_sample_report()));

  const std::string command =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--no-first-run --hide-scrollbars --user-data-dir=" +
      (dir / "profile").string() + " --screenshot=" + shot + " --window-size=1280,2000 file://" +
      html + " > " + (dir / "chromium.log").string() + " 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  REQUIRE(std::filesystem::exists(shot));

  std::ifstream in(shot, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const Image img = decode_png(bytes.str());
  CHECK(img.width == 1280);
  CHECK(img.height == 2000);
  const std::size_t total = std::size_t(img.width) * img.height;
  // Not blank: the page background is #f4f5f7 and the cards white; text, charts and
  // tables must cover a real part of it.
  const std::size_t background =
      pixels_near(img, 0xf4, 0xf5, 0xf7, 2) + pixels_near(img, 255, 255, 255, 2);
  CHECK(total - background > total / 50);
  // The charts' series colours (Okabe-Ito blue and orange, the dark geomean line) are drawn.
  CHECK(pixels_near(img, 0x00, 0x72, 0xB2, 12) > 500);
  CHECK(pixels_near(img, 0xE6, 0x9F, 0x00, 12) > 100);
  CHECK(pixels_near(img, 0x22, 0x22, 0x22, 6) > 200);
  // The verdict badge's green.
  CHECK(pixels_near(img, 0xdf, 0xf3, 0xe6, 3) > 500);

  if (const char* keep = std::getenv("PGO_SAVE_SCREENSHOT")) {
    std::filesystem::copy_file(shot, keep, std::filesystem::copy_options::overwrite_existing);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the sign-off page of compare --html renders in headless Chromium",
          "[comparison_html][integration]") {
  // Risk: the page a release is signed off on passes the parse-level checks but shows no
  // charts or no regression colour in a real browser.
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    WARN("chromium is not installed (scripts/install-deps.sh installs it): test skipped");
    return;
  }
  const auto dir = std::filesystem::temp_directory_path() /
                   ("pgo_signoff_screenshot_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string html = (dir / "signoff.html").string();
  const std::string shot = (dir / "shot.png").string();
  pgo::reports::testing::SampleOptions slow;
  slow.time_scale = 1.05;
  slow.noise_rotation = 5;
  pgo::reports::ComparedReports reports{pgo::reports::testing::make_sample_report(),
                                        pgo::reports::testing::make_sample_report(slow)};
  const auto comparison = pgo::reports::compare_run_reports(*reports.base, *reports.candidate, {});
  pgo::write_file_atomically(html,
                                    pgo::reports::render_comparison_html(comparison, reports));
  const std::string command =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--no-first-run --hide-scrollbars --user-data-dir=" +
      (dir / "profile").string() + " --screenshot=" + shot + " --window-size=1280,2000 file://" +
      html + " > " + (dir / "chromium.log").string() + " 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(shot, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const Image img = decode_png(bytes.str());
  const std::size_t total = std::size_t(img.width) * img.height;
  const std::size_t background =
      pixels_near(img, 0xf4, 0xf5, 0xf7, 2) + pixels_near(img, 255, 255, 255, 2);
  CHECK(total - background > total / 50);
  // Base and new series (the palette's first two colours) are drawn.
  CHECK(pixels_near(img, 0x00, 0x72, 0xB2, 12) > 300);
  CHECK(pixels_near(img, 0xE6, 0x9F, 0x00, 12) > 100);
  // The regression badge's red background.
  CHECK(pixels_near(img, 0xfb, 0xe0, 0xde, 3) > 300);
  if (const char* keep = std::getenv("PGO_SAVE_SIGNOFF_SCREENSHOT")) {
    std::filesystem::copy_file(shot, keep, std::filesystem::copy_options::overwrite_existing);
  }
  std::filesystem::remove_all(dir);
}

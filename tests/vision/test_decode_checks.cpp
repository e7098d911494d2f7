// DecodeImage's checks before decoding: truncated JPEG/PNG streams (param strict) and images
// above max_pixels, on real truncations of Debian's opencv-doc images and images made here.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/vision/decode_image.hpp"
#include "vision_support.hpp"

namespace cellflow::vision {
namespace {

using nlohmann::json;

std::string example_bytes(const std::string& relative) {
  std::ifstream file(cellflow::testing::opencv_example(relative), std::ios::binary);
  std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  EXPECT_FALSE(bytes.empty()) << relative;
  return bytes;
}

std::string encoded(const cv::Mat& image, const std::string& extension,
                    const std::vector<int>& flags = {}) {
  std::vector<uchar> buffer;
  EXPECT_TRUE(cv::imencode(extension, image, buffer, flags)) << extension;
  return {buffer.begin(), buffer.end()};
}

/// What DecodeImage(params) made of `bytes`: the image, or the std::invalid_argument message.
struct Outcome {
  cv::Mat image;
  std::string error;
};

Outcome decode(const std::string& bytes, const json& params = json::object()) {
  Pipeline p{"p"};
  auto& cell = p.add<DecodeImage>("decode", params);
  p.expose(cell.bytes, "bytes");
  p.expose(cell.image, "image");
  p.start();
  Outcome outcome;
  try {
    outcome.image = p.submit({{"bytes", Value(bytes)}}).get().get<cv::Mat>("image");
  } catch (const CellFailure& failure) {
    try {
      failure.rethrow_original();
    } catch (const std::invalid_argument& e) {
      outcome.error = e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected std::invalid_argument, got: " << e.what();
    }
  }
  p.stop();
  return outcome;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// --- strict: truncated streams ---

TEST(DecodeImageStrict, TruncatedJpegsFailNamingTheMissingEndMarker) {
  const std::string messi = example_bytes("data/messi5.jpg");
  for (const std::size_t size : {800UL, 2000UL, 20000UL}) {
    const Outcome out = decode(messi.substr(0, size));
    EXPECT_TRUE(out.image.empty()) << size << " bytes decoded to " << out.image.size();
    EXPECT_TRUE(contains(out.error, "truncated JPEG: no end-of-image marker (FFD9)")) << out.error;
    EXPECT_TRUE(contains(out.error, std::to_string(size) + " bytes")) << out.error;
    EXPECT_TRUE(contains(out.error, "strict")) << out.error;  // says how to accept it anyway
  }
}

TEST(DecodeImageStrict, TruncatedPngFailsNamingTheMissingIendChunk) {
  const std::string basketball = example_bytes("data/basketball1.png");
  // Cut in the pixel data, and just before the final 12-byte IEND chunk.
  for (const std::size_t size : {std::size_t{2000}, basketball.size() - 12}) {
    const Outcome out = decode(basketball.substr(0, size));
    EXPECT_TRUE(out.image.empty()) << size << " bytes decoded to " << out.image.size();
    EXPECT_TRUE(contains(out.error, "truncated PNG: no IEND chunk")) << out.error;
  }
}

TEST(DecodeImageStrict, StrictFalseDecodesTruncatedImagesAsOpenCvDoes) {
  const std::string messi = example_bytes("data/messi5.jpg");
  for (const std::size_t size : {800UL, 2000UL, 20000UL}) {
    const Outcome out = decode(messi.substr(0, size), {{"strict", false}});
    EXPECT_EQ(out.error, "");
    EXPECT_EQ(out.image.size(), cv::Size(548, 342)) << size << " bytes";
  }
  // libpng gives up on a PNG cut short: OpenCV decodes nothing, as before.
  const std::string basketball = example_bytes("data/basketball1.png");
  const Outcome png = decode(basketball.substr(0, basketball.size() - 12), {{"strict", false}});
  EXPECT_TRUE(png.image.empty());
  EXPECT_TRUE(contains(png.error, "start like a PNG image but are corrupt or truncated"))
      << png.error;
}

TEST(DecodeImageStrict, CompleteImagesDecodeWithOrWithoutBytesAfterTheEnd) {
  const cv::Mat messi = cv::imread(cellflow::testing::opencv_example("data/messi5.jpg"));
  const std::string jpeg = example_bytes("data/messi5.jpg");
  // Zero padding, or a video appended after FFD9 (Android motion photos).
  for (const std::string& tail : {std::string(), std::string(64, '\0'), std::string("ftypmp4")}) {
    const Outcome out = decode(jpeg + tail);
    EXPECT_EQ(out.error, "");
    ASSERT_EQ(out.image.size(), messi.size());
    EXPECT_EQ(cv::norm(out.image, messi, cv::NORM_INF), 0);
  }
  const Outcome png = decode(example_bytes("data/basketball1.png") + std::string(16, '\0'));
  EXPECT_EQ(png.error, "");
  EXPECT_EQ(png.image.size(), cv::Size(640, 480));
}

TEST(DecodeImageStrict, ProgressiveAndRestartMarkedJpegsAreComplete) {
  const cv::Mat messi = cv::imread(cellflow::testing::opencv_example("data/messi5.jpg"));
  // Several scans with tables between them; restart markers inside the entropy-coded data.
  for (const std::vector<int>& flags : {std::vector<int>{cv::IMWRITE_JPEG_PROGRESSIVE, 1},
                                        std::vector<int>{cv::IMWRITE_JPEG_RST_INTERVAL, 4}}) {
    const std::string jpeg = encoded(messi, ".jpg", flags);
    const Outcome out = decode(jpeg);
    EXPECT_EQ(out.error, "") << flags[0];
    EXPECT_EQ(out.image.size(), messi.size()) << flags[0];
    EXPECT_TRUE(contains(decode(jpeg.substr(0, jpeg.size() / 2)).error, "truncated JPEG"))
        << flags[0];
  }
}

// --- max_pixels ---

TEST(DecodeImageMaxPixels, ImageAboveTheDefaultLimitFailsNamingItsSizeAndTheLimit) {
  // 56 megapixels of one grey: a JPEG of a few hundred kilobytes.
  const std::string big = encoded(cv::Mat(7000, 8000, CV_8UC1, cv::Scalar(90)), ".jpg");
  const Outcome out = decode(big);
  EXPECT_TRUE(out.image.empty());
  EXPECT_EQ(out.error, "image is 8000x7000 (56000000 pixels), above max_pixels 50000000");
  EXPECT_EQ(decode(big, {{"max_pixels", 56000000}}).image.size(), cv::Size(8000, 7000));
}

TEST(DecodeImageMaxPixels, LimitIsCheckedOnTheHeaderBeforeAnyDecoding) {
  const cv::Mat image(200, 300, CV_8UC3, cv::Scalar(20, 140, 220));
  // Each cut to its header: only a header parser can tell the size of these.
  const std::vector<std::pair<std::string, std::string>> headers{
      {"JPEG", example_bytes("data/messi5.jpg").substr(0, 800)},  // 548x342
      {"PNG", encoded(image, ".png").substr(0, 33)},
      {"BMP", encoded(image, ".bmp").substr(0, 54)},
      {"WebP lossy", encoded(image, ".webp", {cv::IMWRITE_WEBP_QUALITY, 80}).substr(0, 30)},
      {"WebP lossless", encoded(image, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101}).substr(0, 30)},
      {"GIF", std::string("GIF89a\x2C\x01\xC8\x00\x80\x00\x00", 13)}};
  for (const auto& [format, header] : headers) {
    const bool messi = format == "JPEG";
    const Outcome out = decode(header, {{"max_pixels", 1000}});
    EXPECT_EQ(out.error, messi ? "image is 548x342 (187416 pixels), above max_pixels 1000"
                               : "image is 300x200 (60000 pixels), above max_pixels 1000")
        << format;
  }
}

TEST(DecodeImageMaxPixels, ImageAtTheLimitDecodesAndOneAboveItFails) {
  const cv::Mat image(200, 300, CV_8UC3, cv::Scalar(20, 140, 220));
  for (const char* extension : {".jpg", ".png", ".bmp", ".webp", ".tiff", ".ppm"}) {
    const std::string bytes = encoded(image, extension);
    const Outcome at = decode(bytes, {{"max_pixels", 60000}});
    EXPECT_EQ(at.error, "") << extension;
    EXPECT_EQ(at.image.size(), image.size()) << extension;
    // TIFF and PNM have no header parser: checked once decoded, with the same message.
    EXPECT_EQ(decode(bytes, {{"max_pixels", 59999}}).error,
              "image is 300x200 (60000 pixels), above max_pixels 59999")
        << extension;
  }
}

TEST(DecodeImageMaxPixels, NonPositiveLimitIsAConfigError) {
  Pipeline p{"p"};
  auto& cell = p.add<DecodeImage>("decode", {{"max_pixels", 0}});
  p.expose(cell.bytes, "bytes");
  p.expose(cell.image, "image");
  try {
    p.validate();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "params.max_pixels: must be >= 1, got 0")) << e.what();
  }
}

}  // namespace
}  // namespace cellflow::vision

// DecodeImage, EncodeImage, Resize and Letterbox on a real photo (Debian's opencv-doc messi5.jpg).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <string>

#include "cellflow/cell_runner.hpp"
#include "cellflow/error.hpp"
#include "cellflow/loader.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/registry.hpp"
#include "cellflow/vision/decode_image.hpp"
#include "cellflow/vision/encode_image.hpp"
#include "cellflow/vision/letterbox.hpp"
#include "cellflow/vision/resize.hpp"
#include "cellflow/vision/vision.hpp"
#include "vision_support.hpp"

namespace cellflow::vision {
namespace {

using nlohmann::json;

std::string file_bytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

std::string messi_path() { return cellflow::testing::opencv_example("data/messi5.jpg"); }

cv::Mat messi() {
  cv::Mat image = cv::imread(messi_path(), cv::IMREAD_COLOR);
  EXPECT_FALSE(image.empty()) << messi_path();
  return image;
}

bool pixel_equal(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

/// A request-mode pipeline around one image cell with ports `in_port` -> `out_port`.
template <class C>
C& single_cell(Pipeline& p, const json& params, const std::string& in_port = "in",
               const std::string& out_port = "out") {
  auto& cell = p.add<C>("cell", params);
  p.expose_input("in", "cell." + in_port);
  p.expose_output("out", "cell." + out_port);
  return cell;
}

/// The message of the item's original exception; fails the test when the item succeeded.
std::string failure_message(std::future<Result> future) {
  try {
    future.get();
  } catch (const CellFailure& failure) {
    EXPECT_EQ(failure.cell(), "cell");
    try {
      failure.rethrow_original();
    } catch (const std::invalid_argument& original) {
      return original.what();
    } catch (const std::exception& other) {
      ADD_FAILURE() << "expected std::invalid_argument, got: " << other.what();
    }
    return {};
  }
  ADD_FAILURE() << "the item did not fail";
  return {};
}

std::string param_error(const json& params, const auto& add) {
  Pipeline p{"p"};
  add(p, params);
  try {
    p.validate();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no cellflow::Error for " << params.dump();
  return {};
}

TEST(DecodeImage, JpegBytesDecodeToTheSamePixelsAsImread) {
  auto decode = CellRunner::of<DecodeImage>();
  const Result r = decode.run({{"bytes", Value(file_bytes(messi_path()))}});
  EXPECT_TRUE(pixel_equal(r.get<cv::Mat>("image"), messi()));
  EXPECT_EQ(r.get<cv::Mat>("image").type(), CV_8UC3);
}

TEST(DecodeImage, GrayscaleModeMatchesImreadGrayscale) {
  auto decode = CellRunner::of<DecodeImage>({{"mode", "grayscale"}});
  const Result r = decode.run({{"bytes", Value(file_bytes(messi_path()))}});
  EXPECT_TRUE(pixel_equal(r.get<cv::Mat>("image"), cv::imread(messi_path(), cv::IMREAD_GRAYSCALE)));
}

TEST(DecodeImage, CorruptBytesFailTheirItemOnlyWithAClearMessage) {
  Pipeline p{"p"};
  single_cell<DecodeImage>(p, json::object(), "bytes", "image");
  p.start();
  const std::string jpeg = file_bytes(messi_path());
  std::string truncated = jpeg.substr(0, 20);  // SOI + APP0 start, then garbage
  for (int i = 0; i < 300; ++i) truncated.push_back(static_cast<char>((i * 37) & 0x7F));

  const std::string truncated_message = failure_message(p.submit({{"in", Value(truncated)}}));
  EXPECT_NE(truncated_message.find("cannot decode image"), std::string::npos) << truncated_message;
  EXPECT_NE(truncated_message.find("320 bytes"), std::string::npos) << truncated_message;
  EXPECT_NE(truncated_message.find("JPEG"), std::string::npos) << truncated_message;
  // The next item through the same pipeline still decodes.
  EXPECT_TRUE(pixel_equal(p.submit({{"in", Value(jpeg)}}).get().get<cv::Mat>("out"), messi()));

  const std::string hello_message =
      failure_message(p.submit({{"in", Value(std::string("hello"))}}));
  EXPECT_NE(hello_message.find("cannot decode image: 5 bytes, not a JPEG/PNG"), std::string::npos)
      << hello_message;
  EXPECT_TRUE(pixel_equal(p.submit({{"in", Value(jpeg)}}).get().get<cv::Mat>("out"), messi()));

  const std::string empty_message = failure_message(p.submit({{"in", Value(std::string())}}));
  EXPECT_NE(empty_message.find("no bytes"), std::string::npos) << empty_message;
  EXPECT_EQ(p.stats().failed, 3u);
  p.stop();
}

TEST(DecodeImage, UnknownModeIsAConfigErrorNamingMode) {
  const std::string what = param_error({{"mode", "colour"}}, [](Pipeline& p, const json& params) {
    single_cell<DecodeImage>(p, params, "bytes", "image");
  });
  EXPECT_NE(what.find("params.mode: must be one of \"color\", \"grayscale\", \"unchanged\", got "
                      "\"colour\""),
            std::string::npos)
      << what;
}

/// Encodes `image` with EncodeImage(params), then decodes it with DecodeImage.
std::pair<std::string, cv::Mat> round_trip(const cv::Mat& image, const json& params) {
  Pipeline p{"p"};
  auto& encode = p.add<EncodeImage>("encode", params);
  auto& decode = p.add<DecodeImage>("decode");
  p.connect(encode.bytes, decode.bytes);
  p.expose(encode.image, "image");
  p.expose(encode.bytes, "bytes");
  p.expose(decode.image, "decoded");
  p.start();
  const Result r = p.submit({{"image", Value(image)}}).get();
  p.stop();
  return {r.get<std::string>("bytes"), r.get<cv::Mat>("decoded")};
}

TEST(EncodeImage, PngRoundTripIsLossless) {
  const cv::Mat image = messi();
  const auto [bytes, decoded] = round_trip(image, {{"format", "png"}, {"compression", 6}});
  EXPECT_EQ(bytes.substr(0, 4), "\x89PNG");
  EXPECT_TRUE(pixel_equal(decoded, image));
}

TEST(EncodeImage, JpegRoundTripIsCloseAndQualityControlsSize) {
  const cv::Mat image = messi();
  const auto [high_bytes, high] = round_trip(image, {{"quality", 95}});
  const auto [low_bytes, low] = round_trip(image, {{"quality", 20}});
  EXPECT_EQ(high_bytes.substr(0, 3), "\xFF\xD8\xFF");
  ASSERT_EQ(high.size(), image.size());
  EXPECT_GT(cv::PSNR(high, image), 30.0);
  EXPECT_GT(cv::PSNR(high, image), cv::PSNR(low, image));
  EXPECT_LT(low_bytes.size(), high_bytes.size());
}

TEST(EncodeImage, BadParamsAreConfigErrorsNamingTheParam) {
  const auto add = [](Pipeline& p, const json& params) {
    single_cell<EncodeImage>(p, params, "image", "bytes");
  };
  EXPECT_NE(param_error({{"quality", 0}}, add).find("params.quality: must be in [1, 100], got 0"),
            std::string::npos);
  EXPECT_NE(param_error({{"quality", 101}}, add).find("params.quality: must be in"),
            std::string::npos);
  EXPECT_NE(param_error({{"compression", 10}}, add).find("params.compression: must be in"),
            std::string::npos);
  EXPECT_NE(param_error({{"format", "gif"}}, add).find("params.format: must be one of"),
            std::string::npos);
}

TEST(EncodeImage, EmptyImageFailsTheItem) {
  Pipeline p{"p"};
  single_cell<EncodeImage>(p, json::object(), "image", "bytes");
  p.start();
  EXPECT_NE(failure_message(p.submit({{"in", Value(cv::Mat())}})).find("empty"), std::string::npos);
  p.stop();
}

cv::Mat run_image_cell(auto add, const cv::Mat& image) {
  Pipeline p{"p"};
  add(p);
  p.start();
  cv::Mat out = p.submit({{"in", Value(image)}}).get().get<cv::Mat>("out");
  p.stop();
  return out;
}

TEST(Resize, FixedSizeMatchesCvResize) {
  const cv::Mat image = messi();
  const cv::Mat out = run_image_cell(
      [](Pipeline& p) {
        single_cell<Resize>(p, {{"width", 200}, {"height", 100}, {"interpolation", "area"}});
      },
      image);
  cv::Mat expected;
  cv::resize(image, expected, cv::Size(200, 100), 0, 0, cv::INTER_AREA);
  EXPECT_TRUE(pixel_equal(out, expected));
}

TEST(Resize, ZeroSideFollowsTheAspectRatio) {
  const cv::Mat image = messi();
  const cv::Mat by_width = run_image_cell(
      [](Pipeline& p) {
        single_cell<Resize>(p, {{"width", 274}});
      },
      image);
  EXPECT_EQ(by_width.cols, 274);
  EXPECT_EQ(by_width.rows, static_cast<int>(std::lround(274.0 * image.rows / image.cols)));
  const cv::Mat by_height = run_image_cell(
      [](Pipeline& p) {
        single_cell<Resize>(p, {{"height", 100}});
      },
      image);
  EXPECT_EQ(by_height.rows, 100);
  EXPECT_EQ(by_height.cols, static_cast<int>(std::lround(100.0 * image.cols / image.rows)));
}

TEST(Resize, BadParamsAreConfigErrorsNamingTheParam) {
  const auto add = [](Pipeline& p, const json& params) { single_cell<Resize>(p, params); };
  EXPECT_NE(param_error(json::object(), add).find("'width'"), std::string::npos);
  EXPECT_NE(param_error({{"width", -5}}, add).find("params.width: must be >= 0, got -5"),
            std::string::npos);
  EXPECT_NE(
      param_error({{"width", 10}, {"interpolation", "bilinear"}}, add).find("'interpolation'"),
      std::string::npos);
}

TEST(Letterbox, WideImageIsCenteredBetweenPaddingBands) {
  const cv::Mat image = messi();  // wider than tall
  ASSERT_GT(image.cols, image.rows);
  const cv::Mat out = run_image_cell(
      [](Pipeline& p) {
        single_cell<Letterbox>(p, {{"width", 320}, {"height", 320}, {"color", {10, 20, 250}}});
      },
      image);
  ASSERT_EQ(out.size(), cv::Size(320, 320));
  ASSERT_EQ(out.type(), image.type());
  const int content_rows = static_cast<int>(std::lround(image.rows * 320.0 / image.cols));
  const int top = (320 - content_rows) / 2;
  const int bottom = 320 - content_rows - top;
  const cv::Vec3b pad(10, 20, 250);
  EXPECT_EQ(out.at<cv::Vec3b>(0, 0), pad);
  EXPECT_EQ(out.at<cv::Vec3b>(top - 1, 160), pad);
  EXPECT_EQ(out.at<cv::Vec3b>(319, 319), pad);
  EXPECT_EQ(out.at<cv::Vec3b>(320 - bottom, 0), pad);
  EXPECT_LE(std::abs(top - bottom), 1);
  cv::Mat expected;
  cv::resize(image, expected, cv::Size(320, content_rows), 0, 0, cv::INTER_LINEAR);
  EXPECT_TRUE(pixel_equal(out(cv::Rect(0, top, 320, content_rows)), expected));
}

TEST(Letterbox, TallTargetPadsTopAndBottomWithTheDefaultGray) {
  const cv::Mat image = messi();
  const cv::Mat out = run_image_cell(
      [](Pipeline& p) {
        single_cell<Letterbox>(p, {{"width", 300}, {"height", 400}});
      },
      image);
  ASSERT_EQ(out.size(), cv::Size(300, 400));
  // messi5 scaled to 300 wide is shorter than 400: bands on top and bottom, none on the sides.
  const int content_rows = static_cast<int>(std::lround(image.rows * 300.0 / image.cols));
  const int top = (400 - content_rows) / 2;
  EXPECT_EQ(out.at<cv::Vec3b>(top - 1, 0), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(top + content_rows, 299), cv::Vec3b(114, 114, 114));
  cv::Mat expected;
  cv::resize(image, expected, cv::Size(300, content_rows));
  EXPECT_TRUE(pixel_equal(out(cv::Rect(0, top, 300, content_rows)), expected));
}

TEST(Letterbox, TallImageGetsSideBands) {
  const cv::Mat image = messi().t();  // now taller than wide
  const cv::Mat out = run_image_cell(
      [](Pipeline& p) {
        single_cell<Letterbox>(p, {{"width", 256}, {"height", 256}});
      },
      image);
  const int content_cols = static_cast<int>(std::lround(image.cols * 256.0 / image.rows));
  const int left = (256 - content_cols) / 2;
  EXPECT_EQ(out.at<cv::Vec3b>(128, left - 1), cv::Vec3b(114, 114, 114));
  EXPECT_EQ(out.at<cv::Vec3b>(128, left + content_cols), cv::Vec3b(114, 114, 114));
  cv::Mat expected;
  cv::resize(image, expected, cv::Size(content_cols, 256));
  EXPECT_TRUE(pixel_equal(out(cv::Rect(left, 0, content_cols, 256)), expected));
}

TEST(Letterbox, BadParamsAreConfigErrorsNamingTheParam) {
  const auto add = [](Pipeline& p, const json& params) { single_cell<Letterbox>(p, params); };
  EXPECT_NE(param_error({{"width", 0}}, add).find("params.width: must be > 0, got 0"),
            std::string::npos);
  EXPECT_NE(param_error({{"color", json::array()}}, add).find("'color'"), std::string::npos);
}

TEST(ImageCells, RegisteredTypesBuildAJsonPipeline) {
  Registry registry;
  register_vision(registry);
  for (const char* type : {"DecodeImage", "EncodeImage", "Resize", "Letterbox", "PeopleDetector",
                           "VideoSource", "VideoWriter"})
    EXPECT_TRUE(registry.contains(type)) << type;
  const auto p = load_pipeline(json::parse(R"({
    "name": "thumbnail",
    "cells": [
      {"name": "decode", "type": "DecodeImage"},
      {"name": "resize", "type": "Resize", "params": {"width": 100, "interpolation": "area"}},
      {"name": "encode", "type": "EncodeImage", "params": {"format": "png"}}],
    "connections": [["decode.image", "resize.in"], ["resize.out", "encode.image"]],
    "inputs": {"jpeg": "decode.bytes"},
    "outputs": {"png": "encode.bytes"}})"),
                               registry);
  p->start();
  const Result r = p->submit({{"jpeg", Value(file_bytes(messi_path()))}}).get();
  p->stop();
  const std::string& png = r.get<std::string>("png");
  const cv::Mat thumbnail =
      cv::imdecode(cv::Mat(1, static_cast<int>(png.size()), CV_8UC1, const_cast<char*>(png.data())),
                   cv::IMREAD_COLOR);
  cv::Mat expected;
  const cv::Mat image = messi();
  cv::resize(image, expected,
             cv::Size(100, static_cast<int>(std::lround(100.0 * image.rows / image.cols))), 0, 0,
             cv::INTER_AREA);
  EXPECT_TRUE(pixel_equal(thumbnail, expected));
}

}  // namespace
}  // namespace cellflow::vision

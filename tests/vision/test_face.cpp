// FaceDetector on real images (opencv-doc) with the real BlazeFace model and the Haar cascade.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <future>
#include <nlohmann/json.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "cellflow/cellflow.hpp"
#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/face_detector.hpp"
#include "cellflow/vision/models.hpp"
#include "cellflow/vision/vision.hpp"
#include "vision_support.hpp"

namespace cellflow::vision {
namespace {

using cellflow::testing::kBlazeFace;
using cellflow::testing::opencv_example;

cv::Mat read_example(const std::string& relative) {
  cv::Mat image = cv::imread(opencv_example(relative), cv::IMREAD_COLOR);
  if (image.empty()) ADD_FAILURE() << "cannot read " << opencv_example(relative);
  return image;
}

float iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  const float inter = (a & b).area();
  const float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0F;
}

/// A pipeline "image" -> FaceDetector "faces" -> "faces".
struct DetectorPipeline {
  Pipeline p{"faces"};
  explicit DetectorPipeline(const nlohmann::json& params = nlohmann::json::object(),
                            std::optional<ScaleUp> scale = std::nullopt) {
    auto& detector = p.add<FaceDetector>("detector", params, scale);
    p.expose(detector.image, "image");
    p.expose(detector.faces, "faces");
  }
  Detections detect(const cv::Mat& image) {
    return p.submit({{"image", Value(image)}}).get().get<Detections>("faces");
  }
};

Detections detect_once(const cv::Mat& image, const nlohmann::json& params = {}) {
  DetectorPipeline d(params.is_null() ? nlohmann::json::object() : params);
  d.p.start();
  Detections found = d.detect(image);
  d.p.stop();
  return found;
}

// --- Reference: the model called directly, decoded the MediaPipe way (SsdAnchorsCalculator) ---

/// Anchor centers of the 256x256 back model in MediaPipe's order: layers with strides
/// 16, 32, 32, 32; consecutive layers of equal stride share a grid, 2 anchors per layer.
std::vector<cv::Point2f> mediapipe_anchor_centers() {
  const std::array<int, 4> strides{16, 32, 32, 32};
  std::vector<cv::Point2f> centers;
  for (std::size_t layer = 0; layer < strides.size();) {
    std::size_t last = layer;
    while (last < strides.size() && strides[last] == strides[layer]) ++last;
    const int grid = 256 / strides[layer];
    const int per_cell = 2 * static_cast<int>(last - layer);
    for (int y = 0; y < grid; ++y)
      for (int x = 0; x < grid; ++x)
        for (int a = 0; a < per_cell; ++a)
          centers.emplace_back((x + 0.5F) / grid, (y + 0.5F) / grid);
    layer = last;
  }
  return centers;
}

/// The best-scoring anchor's box in `image` pixels, from a direct cv::dnn call: the image is
/// letterboxed with resize + copyMakeBorder, fed as NHWC RGB in [0, 1], the 4 outputs are
/// concatenated.
cv::Rect2f reference_best_face(const cv::Mat& image, float* best_score) {
  cv::dnn::Net net =
      cv::dnn::readNetFromONNX(model_path("blazeface/face_detection_back_256x256_barracuda.onnx"));
  const double s = 256.0 / std::max(image.cols, image.rows);
  cv::Mat small;
  cv::resize(image, small, cv::Size(), s, s, cv::INTER_AREA);
  const int left = (256 - small.cols) / 2, top = (256 - small.rows) / 2;
  cv::Mat boxed;
  cv::copyMakeBorder(small, boxed, top, 256 - small.rows - top, left, 256 - small.cols - left,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  cv::cvtColor(boxed, boxed, cv::COLOR_BGR2RGB);
  cv::Mat pixels;
  boxed.convertTo(pixels, CV_32FC3, 1.0 / 255);
  const int shape[] = {1, 256, 256, 3};
  net.setInput(cv::Mat(4, shape, CV_32F, pixels.data));
  std::vector<cv::Mat> out;
  net.forward(
      out, std::vector<std::string>{"Identity:0", "Identity_1:0", "Identity_2:0", "Identity_3:0"});
  std::vector<float> scores(out[0].begin<float>(), out[0].end<float>());
  scores.insert(scores.end(), out[1].begin<float>(), out[1].end<float>());
  std::vector<float> raw(out[2].begin<float>(), out[2].end<float>());
  raw.insert(raw.end(), out[3].begin<float>(), out[3].end<float>());
  const auto anchors = mediapipe_anchor_centers();
  EXPECT_EQ(anchors.size(), scores.size());
  const auto best =
      static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
  *best_score = 1.0F / (1.0F + std::exp(-scores[best]));
  const float* r = &raw[best * 16];
  const float cx = anchors[best].x * 256 + r[0], cy = anchors[best].y * 256 + r[1];
  // Back to image pixels: undo the letterbox's translation and scale.
  const double sx = static_cast<double>(small.cols) / image.cols;
  const double sy = static_cast<double>(small.rows) / image.rows;
  return {static_cast<float>((cx - r[2] / 2 - left) / sx),
          static_cast<float>((cy - r[3] / 2 - top) / sy), static_cast<float>(r[2] / sx),
          static_cast<float>(r[3] / sy)};
}

TEST(FaceDetector, BlazeFaceFindsMessisFaceWhereTheDirectModelCallPutsIt) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  const cv::Mat messi = read_example("data/messi5.jpg");
  const Detections found = detect_once(messi);
  ASSERT_EQ(found.items.size(), 1u);
  const Detection& face = found.items[0];
  EXPECT_EQ(face.label, "face");
  EXPECT_EQ(found.image_size, messi.size());

  float reference_score = 0;
  const cv::Rect2f reference = reference_best_face(messi, &reference_score);
  EXPECT_GE(iou(face.box, reference), 0.9F) << face.box << " vs " << reference;
  EXPECT_NEAR(face.score, reference_score, 0.05F);
  EXPECT_GT(face.score, 0.5F);

  // Messi's head (checked by eye on a drawing): left of the image center, in the upper third,
  // about 40 pixels wide.
  const cv::Point2f center = (face.box.tl() + face.box.br()) / 2;
  EXPECT_GT(center.x, 200);
  EXPECT_LT(center.x, 280);
  EXPECT_GT(center.y, 80);
  EXPECT_LT(center.y, 140);
  EXPECT_GT(face.box.width, 20);
  EXPECT_LT(face.box.width, 70);
}

TEST(FaceDetector, PortraitCropMapsTheBoxBackThroughTheSidePadding) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  // A portrait crop is letterboxed with padding left and right (the landscape original only
  // gets it above and below): the face must come back where it is in the crop.
  const cv::Mat messi = read_example("data/messi5.jpg");
  const cv::Rect crop(150, 0, 200, messi.rows);
  const Detections whole = detect_once(messi);
  const Detections cropped = detect_once(messi(crop).clone());
  ASSERT_EQ(whole.items.size(), 1u);
  ASSERT_EQ(cropped.items.size(), 1u);
  // The model sees the face at another scale, so the size differs by a few pixels; the center
  // must not move (a padding mistake would shift it by tens of pixels).
  const cv::Rect2f expected = whole.items[0].box - cv::Point2f(150, 0);
  const cv::Rect2f& box = cropped.items[0].box;
  EXPECT_LT(cv::norm((box.tl() + box.br()) / 2 - (expected.tl() + expected.br()) / 2), 5.0)
      << box << " vs " << expected;
  EXPECT_GE(iou(box, expected), 0.7F) << box << " vs " << expected;
}

TEST(FaceDetector, BlazeFaceFindsNoFaceInAPageOfText) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  const Detections found = detect_once(read_example("data/imageTextN.png"));
  EXPECT_TRUE(found.items.empty()) << found.items.size() << " faces";
  EXPECT_EQ(found.image_size, read_example("data/imageTextN.png").size());
}

TEST(FaceDetector, HaarBackendFindsTheFaceBlazeFaceFinds) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  const cv::Mat messi = read_example("data/messi5.jpg");
  const Detections blaze = detect_once(messi);
  const Detections haar = detect_once(messi, {{"backend", "haar"}});
  ASSERT_EQ(blaze.items.size(), 1u);
  ASSERT_FALSE(haar.items.empty());
  float best = 0;
  for (const auto& face : haar.items) {
    EXPECT_EQ(face.label, "face");
    EXPECT_FLOAT_EQ(face.score, 1.0F);
    best = std::max(best, iou(face.box, blaze.items[0].box));
  }
  EXPECT_GE(best, 0.5F) << "blazeface " << blaze.items[0].box << ", haar " << haar.items[0].box;
}

TEST(FaceDetector, UnknownBackendIsAConfigErrorListingTheChoices) {
  DetectorPipeline d(nlohmann::json{{"backend", "dlib"}});
  try {
    d.p.validate();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    for (const char* part : {"detector", "backend", "dlib", "blazeface", "haar"})
      EXPECT_NE(what.find(part), std::string::npos) << part << " not in: " << what;
  }
}

TEST(FaceDetector, BadThresholdsAreConfigErrorsNamingEachParam) {
  DetectorPipeline d(nlohmann::json{{"score_threshold", 1.5}, {"nms_threshold", -0.1}});
  try {
    d.p.validate();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("score_threshold"), std::string::npos) << what;
    EXPECT_NE(what.find("nms_threshold"), std::string::npos) << what;
  }
}

TEST(FaceDetector, MissingModelFailsStartNamingTheFetchScript) {
  DetectorPipeline d(nlohmann::json{{"model", "no-such-dir/blazeface.onnx"}});
  try {
    d.p.start();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    for (const char* part : {"detector", "no-such-dir/blazeface.onnx", "scripts/fetch-models.sh"})
      EXPECT_NE(what.find(part), std::string::npos) << part << " not in: " << what;
  }
}

TEST(FaceDetector, ClonedDetectorKeepsOrderOfConcurrentItems) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  const cv::Mat messi = read_example("data/messi5.jpg");
  const cv::Mat text = read_example("data/imageTextN.png");
  DetectorPipeline d(nlohmann::json::object(), ScaleUp{2});
  d.p.start({.max_in_flight = 32});
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 20; ++i)
    futures.push_back(d.p.submit({{"image", Value(i % 2 == 0 ? messi : text)}}));
  for (int i = 0; i < 20; ++i) {
    const Detections found = futures[i].get().get<Detections>("faces");
    EXPECT_EQ(found.items.size(), i % 2 == 0 ? 1u : 0u) << "item " << i;
    EXPECT_EQ(found.image_size, (i % 2 == 0 ? messi : text).size()) << "item " << i;
  }
  d.p.stop();
}

void expect_same_faces(const Detections& batched, const Detections& alone, const char* what) {
  EXPECT_EQ(batched.image_size, alone.image_size) << what;
  ASSERT_EQ(batched.items.size(), alone.items.size()) << what;
  for (std::size_t f = 0; f < alone.items.size(); ++f) {
    const cv::Rect2f &a = batched.items[f].box, &b = alone.items[f].box;
    EXPECT_LT(cv::norm(a.tl() - b.tl()) + cv::norm(a.br() - b.br()), 0.01)
        << what << ": " << a << " vs " << b;
    EXPECT_NEAR(batched.items[f].score, alone.items[f].score, 1e-4) << what;
  }
}

// Six images of different sizes, submitted together, run as one batch of 6 (one forward pass
// over a 6-image blob): each gets the faces it gets alone; the empty one fails on its own.
TEST(FaceDetector, ABatchFindsTheSameFacesAsOneImageAtATimeAndFailsOnlyTheBadImage) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  const cv::Mat messi = read_example("data/messi5.jpg");
  cv::Mat mirrored, gray;
  cv::flip(messi, mirrored, 1);
  cv::cvtColor(messi, gray, cv::COLOR_BGR2GRAY);
  const std::vector<std::pair<const char*, cv::Mat>> images{
      {"messi", messi},       {"text", read_example("data/imageTextN.png")},
      {"empty", cv::Mat()},   {"portrait crop", messi(cv::Rect(150, 0, 200, messi.rows)).clone()},
      {"mirrored", mirrored}, {"grayscale", gray}};
  DetectorPipeline batched;
  batched.p.set_batch("detector", Batch::up_to(8, 10000, {images.size()}));
  auto sizes = std::make_shared<cellflow::testing::BatchSizes>();
  batched.p.start({.max_in_flight = 16, .observer = sizes});
  std::vector<std::future<Result>> futures;
  for (const auto& [what, image] : images)
    futures.push_back(batched.p.submit({{"image", Value(image)}}));
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& [what, image] = images[i];
    if (image.empty()) {
      EXPECT_THROW(futures[i].get(), CellFailure) << "the empty image fails its item only";
      continue;
    }
    expect_same_faces(futures[i].get().get<Detections>("faces"), detect_once(image), what);
  }
  batched.p.stop();
  EXPECT_EQ(sizes->sizes, std::vector<std::size_t>{images.size()}) << "one batch of all six";
}

TEST(FaceDetector, EmptyImageFailsTheItemNamingTheCell) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  DetectorPipeline d;
  d.p.start();
  try {
    d.p.submit({{"image", Value(cv::Mat())}}).get();
    FAIL() << "expected CellFailure";
  } catch (const CellFailure& e) {
    EXPECT_EQ(e.cell(), "detector");
    EXPECT_NE(std::string(e.what()).find("empty image"), std::string::npos) << e.what();
  }
  // The detector keeps serving.
  EXPECT_EQ(d.detect(read_example("data/messi5.jpg")).items.size(), 1u);
  d.p.stop();
}

TEST(FaceDetector, GrayscaleInputIsDetectedAsItsBgrConversion) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  cv::Mat gray, bgr;
  cv::cvtColor(read_example("data/messi5.jpg"), gray, cv::COLOR_BGR2GRAY);
  cv::cvtColor(gray, bgr, cv::COLOR_GRAY2BGR);
  for (const char* backend : {"blazeface", "haar"}) {
    const nlohmann::json params{{"backend", backend}, {"score_threshold", 0.2}};
    const Detections from_gray = detect_once(gray, params);
    const Detections from_bgr = detect_once(bgr, params);
    EXPECT_EQ(from_gray.image_size, gray.size());
    ASSERT_FALSE(from_gray.items.empty()) << backend;
    ASSERT_EQ(from_gray.items.size(), from_bgr.items.size()) << backend;
    for (std::size_t i = 0; i < from_gray.items.size(); ++i)
      EXPECT_EQ(from_gray.items[i].box, from_bgr.items[i].box) << backend << " face " << i;
  }
}

TEST(FaceDetector, RegisteredCellsRunFromAJsonConfig) {
  CELLFLOW_REQUIRE_MODELS(kBlazeFace);
  Registry registry;
  register_vision(registry);
  for (const char* type : {"FaceDetector", "DrawDetections", "DetectionsToJson"})
    EXPECT_TRUE(registry.contains(type)) << type;
  auto p = load_pipeline(nlohmann::json::parse(R"({
    "name": "faces",
    "cells": [{"name": "detect", "type": "FaceDetector", "params": {"score_threshold": 0.6}},
              {"name": "json", "type": "DetectionsToJson"}],
    "connections": [["detect.faces", "json.in"]],
    "inputs": {"image": "detect.image"},
    "outputs": {"result": "json.out"}})"),
                         registry);
  p->start();
  const cv::Mat messi = read_example("data/messi5.jpg");
  const auto j = p->submit({{"image", Value(messi)}}).get().get<nlohmann::json>("result");
  p->stop();
  EXPECT_EQ(j["count"], 1);
  EXPECT_EQ(j["width"], messi.cols);
  EXPECT_EQ(j["detections"][0]["label"], "face");
}

}  // namespace
}  // namespace cellflow::vision

// DrawDetections and DetectionsToJson.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cellflow.hpp"
#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/detections_to_json.hpp"
#include "cellflow/vision/draw_detections.hpp"

namespace cellflow::vision {
namespace {

const cv::Vec3b kGray(128, 128, 128);

/// A pipeline (image, detections) -> DrawDetections -> out.
struct DrawPipeline {
  Pipeline p{"draw"};
  explicit DrawPipeline(const nlohmann::json& params = nlohmann::json::object()) {
    auto& draw = p.add<DrawDetections>("draw", params);
    p.expose(draw.image, "image");
    p.expose(draw.detections, "detections");
    p.expose(draw.out, "out");
  }
  cv::Mat run(Value image, const Detections& detections) {
    // Built by moves: an initializer list would keep a second reference to the image's box.
    InputValues inputs;
    inputs.emplace("image", std::move(image));
    inputs.emplace("detections", Value(detections));
    p.start();
    Result r = p.submit(std::move(inputs)).get();
    p.stop();
    return r.take<cv::Mat>("out");
  }
};

Detections one_face(cv::Rect2f box, cv::Size image_size = {200, 200}) {
  return {{{box, 0.87F, "face"}}, image_size};
}

TEST(DrawDetections, DrawsTheBoxBorderAndCaptionAndLeavesTheRestAlone) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
  const cv::Mat drawn = DrawPipeline().run(Value(image), one_face({50, 60, 80, 70}));
  ASSERT_EQ(drawn.size(), image.size());
  ASSERT_EQ(drawn.type(), CV_8UC3);
  const cv::Vec3b green(0, 255, 0);
  EXPECT_EQ(drawn.at<cv::Vec3b>(95, 50), green);    // left edge
  EXPECT_EQ(drawn.at<cv::Vec3b>(95, 130), green);   // right edge
  EXPECT_EQ(drawn.at<cv::Vec3b>(130, 90), green);   // bottom edge
  EXPECT_EQ(drawn.at<cv::Vec3b>(95, 46), kGray);    // just outside the left edge
  EXPECT_EQ(drawn.at<cv::Vec3b>(95, 90), kGray);    // inside the box
  EXPECT_EQ(drawn.at<cv::Vec3b>(190, 190), kGray);  // far away
  // The caption band sits above the top edge, starting at the box's left.
  EXPECT_EQ(drawn.at<cv::Vec3b>(56, 51), green);
  EXPECT_EQ(drawn.at<cv::Vec3b>(56, 45), kGray);
}

TEST(DrawDetections, ColorAndThicknessParams) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
  const cv::Mat thin =
      DrawPipeline(nlohmann::json{{"thickness", 1}}).run(Value(image), one_face({50, 60, 80, 70}));
  const cv::Mat thick = DrawPipeline(nlohmann::json{{"thickness", 7}, {"color", {255, 0, 0}}})
                            .run(Value(image), one_face({50, 60, 80, 70}));
  EXPECT_EQ(thin.at<cv::Vec3b>(95, 53), kGray);
  EXPECT_EQ(thick.at<cv::Vec3b>(95, 53), cv::Vec3b(255, 0, 0));
  EXPECT_EQ(thick.at<cv::Vec3b>(95, 90), kGray);
}

TEST(DrawDetections, BoxesOfAnotherImageSizeAreScaledToTheImage) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
  // Detected on a 100x100 copy: (10, 20, 30, 40) there is (20, 40, 60, 80) here.
  const cv::Mat drawn = DrawPipeline(nlohmann::json{{"thickness", 1}})
                            .run(Value(image), one_face({10, 20, 30, 40}, {100, 100}));
  EXPECT_EQ(drawn.at<cv::Vec3b>(80, 20), cv::Vec3b(0, 255, 0));
  EXPECT_EQ(drawn.at<cv::Vec3b>(80, 10), kGray);
  EXPECT_EQ(drawn.at<cv::Vec3b>(110, 50), kGray);
}

TEST(DrawDetections, DoesNotAlterAnImageTheCallerStillHolds) {
  const cv::Mat image(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
  const cv::Mat before = image.clone();
  const cv::Mat drawn = DrawPipeline().run(Value(image), one_face({50, 60, 80, 70}));
  EXPECT_EQ(cv::norm(image, before, cv::NORM_INF), 0.0) << "the caller's image was drawn on";
  EXPECT_GT(cv::norm(drawn, before, cv::NORM_INF), 0.0);
  EXPECT_NE(drawn.data, image.data);
}

TEST(DrawDetections, DrawsInPlaceWhenNobodyElseHoldsTheImage) {
  cv::Mat image(200, 200, CV_8UC3, cv::Scalar(128, 128, 128));
  const uchar* pixels = image.data;
  const cv::Mat drawn = DrawPipeline().run(Value(std::move(image)), one_face({50, 60, 80, 70}));
  EXPECT_EQ(drawn.data, pixels) << "the image was copied although nobody shared it";
  EXPECT_EQ(drawn.at<cv::Vec3b>(95, 50), cv::Vec3b(0, 255, 0));
}

TEST(DrawDetections, GrayscaleImageComesBackInColor) {
  const cv::Mat image(100, 100, CV_8UC1, cv::Scalar(128));
  const cv::Mat drawn = DrawPipeline().run(Value(image), one_face({20, 30, 40, 40}, {100, 100}));
  ASSERT_EQ(drawn.type(), CV_8UC3);
  EXPECT_EQ(drawn.at<cv::Vec3b>(50, 20), cv::Vec3b(0, 255, 0));
  EXPECT_EQ(drawn.at<cv::Vec3b>(50, 40), kGray);
}

TEST(DrawDetections, BadParamsAreConfigErrors) {
  DrawPipeline d(nlohmann::json{{"color", {1, 2}}, {"thickness", 0}});
  try {
    d.p.validate();
    FAIL() << "expected cellflow::Error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("color"), std::string::npos) << what;
    EXPECT_NE(what.find("thickness"), std::string::npos) << what;
  }
}

TEST(DrawDetections, EmptyImageFailsTheItemNamingTheCell) {
  DrawPipeline d;
  d.p.start();
  try {
    d.p.submit({{"image", Value(cv::Mat())}, {"detections", Value(Detections{})}}).get();
    FAIL() << "expected CellFailure";
  } catch (const CellFailure& e) {
    EXPECT_EQ(e.cell(), "draw");
    EXPECT_NE(std::string(e.what()).find("empty image"), std::string::npos) << e.what();
  }
  d.p.stop();
}

nlohmann::json to_json_cell(const Detections& detections) {
  Pipeline p{"json"};
  auto& cell = p.add<DetectionsToJson>("to_json");
  p.expose(cell.in, "detections");
  p.expose(cell.out, "json");
  p.start();
  nlohmann::json j =
      p.submit({{"detections", Value(detections)}}).get().get<nlohmann::json>("json");
  p.stop();
  return j;
}

TEST(DetectionsToJson, EmitsSizeCountAndEveryBox) {
  const Detections found{{{cv::Rect2f(10.5F, 20, 30, 40), 0.75F, "face"},
                          {cv::Rect2f(100, 120, 50, 60.25F), 0.5F, "face"}},
                         cv::Size(640, 480)};
  const nlohmann::json expected = nlohmann::json::parse(R"({
    "width": 640, "height": 480, "count": 2,
    "detections": [
      {"label": "face", "score": 0.75, "x": 10.5, "y": 20, "width": 30, "height": 40},
      {"label": "face", "score": 0.5, "x": 100, "y": 120, "width": 50, "height": 60.25}]})");
  EXPECT_EQ(to_json_cell(found), expected);
}

TEST(DetectionsToJson, NoDetectionsGiveAnEmptyList) {
  const nlohmann::json expected =
      nlohmann::json::parse(R"({"width": 32, "height": 16, "count": 0, "detections": []})");
  EXPECT_EQ(to_json_cell(Detections{{}, cv::Size(32, 16)}), expected);
}

}  // namespace
}  // namespace cellflow::vision

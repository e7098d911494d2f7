// Model lookup errors and the JSON forms of the vision result types.
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cellflow/error.hpp"
#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/models.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::vision {
namespace {

TEST(Models, MissingModelNamesTheFileAndTheFetchScript) {
  try {
    model_path("no-such-model/model.onnx");
    FAIL() << "expected cellflow::Error";
  } catch (const cellflow::Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no-such-model/model.onnx"), std::string::npos) << what;
    EXPECT_NE(what.find("scripts/fetch-models.sh"), std::string::npos) << what;
  }
}

TEST(Models, EnvironmentVariableChoosesTheDirectory) {
  const char* before = std::getenv("CELLFLOW_MODELS");
  const std::string saved = before ? before : "";
  setenv("CELLFLOW_MODELS", "/tmp/cellflow-models-test", 1);
  EXPECT_EQ(models_dir(), "/tmp/cellflow-models-test");
  if (before)
    setenv("CELLFLOW_MODELS", saved.c_str(), 1);
  else
    unsetenv("CELLFLOW_MODELS");
}

TEST(Models, MissingOpenCvDataNamesThePackage) {
  try {
    opencv_data_path("haarcascades/no_such_cascade.xml");
    FAIL() << "expected cellflow::Error";
  } catch (const cellflow::Error& e) {
    EXPECT_NE(std::string(e.what()).find("opencv-data"), std::string::npos) << e.what();
  }
}

TEST(VisionJson, DetectionsCarryImageSizeCountAndBoxes) {
  Detections d{{{cv::Rect2f(10, 20, 30, 40), 0.5F, "face"}}, cv::Size(640, 480)};
  const nlohmann::json j = d;
  EXPECT_EQ(j["width"], 640);
  EXPECT_EQ(j["height"], 480);
  EXPECT_EQ(j["count"], 1);
  EXPECT_EQ(j["detections"][0]["label"], "face");
  EXPECT_DOUBLE_EQ(j["detections"][0]["score"].get<double>(), 0.5);
  EXPECT_EQ(j["detections"][0]["x"], 10);
  EXPECT_EQ(j["detections"][0]["height"], 40);
}

TEST(VisionJson, WordCarriesTextScoreAndBox) {
  const nlohmann::json j = Word{"NOTICE", 0.75F, cv::Rect(1, 2, 3, 4)};
  EXPECT_EQ(j, nlohmann::json::parse(
                   R"({"text":"NOTICE","score":0.75,"x":1,"y":2,"width":3,"height":4})"));
}

}  // namespace
}  // namespace cellflow::vision

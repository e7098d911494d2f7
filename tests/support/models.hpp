// Tests that run a real model (scripts/fetch-models.sh) skip at once, all with the same message,
// when its files are not in the models directory ($CELLFLOW_MODELS or the source tree's models/):
//   TEST(Faces, Something) {
//     CELLFLOW_REQUIRE_MODELS(cellflow::testing::kBlazeFace);
//     ...
// Needs cellflow::vision (cellflow::vision::models_dir).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include "cellflow/vision/models.hpp"

namespace cellflow::testing {

inline constexpr std::string_view kBlazeFace =
    "blazeface/face_detection_back_256x256_barracuda.onnx";
inline constexpr std::string_view kTextDetector = "ppocr/det.onnx";
inline constexpr std::string_view kTextRecognizer = "ppocr/rec.onnx";
inline constexpr std::string_view kTextKeys = "ppocr/keys.txt";

/// "" when every file is in the models directory, else the reason to skip.
inline std::string missing_models(std::initializer_list<std::string_view> files) {
  const std::filesystem::path dir = cellflow::vision::models_dir();
  for (const std::string_view file : files)
    if (!std::filesystem::is_regular_file(dir / file))
      return "model file '" + (dir / file).string() +
             "' is missing: run scripts/fetch-models.sh (or set CELLFLOW_MODELS to the directory "
             "it filled)";
  return {};
}

}  // namespace cellflow::testing

/// GTEST_SKIP()s the test (in a test body or SetUp()) when one of the model files is missing.
#define CELLFLOW_REQUIRE_MODELS(...)                          \
  if (const std::string cellflow_missing_models =             \
          ::cellflow::testing::missing_models({__VA_ARGS__}); \
      !cellflow_missing_models.empty())                       \
  GTEST_SKIP() << cellflow_missing_models

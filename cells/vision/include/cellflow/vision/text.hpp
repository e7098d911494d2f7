// Text reading types: TextDetector emits one TextRegion per region found in an image (0..N per
// item); TextRecognizer turns each into a Word; JoinWords gathers an image's words in reading
// order.
#pragma once

#include <array>
#include <nlohmann/json_fwd.hpp>
#include <opencv2/core/mat.hpp>
#include <opencv2/core/types.hpp>
#include <string>
#include <vector>

namespace cellflow::vision {

struct TextRegion {
  cv::Mat crop;                     ///< the region, rectified to an upright BGR crop
  std::array<cv::Point2f, 4> quad;  ///< corners in original-image pixels (clockwise from top-left)
  cv::Rect box;                     ///< bounding box of quad, clipped to the image
  float score = 0;                  ///< detector confidence
};

struct Word {
  std::string text;  ///< UTF-8
  float score = 0;   ///< mean recognizer confidence of the characters
  cv::Rect box;      ///< in original-image pixels
};

using Words = std::vector<Word>;

/// {"text":..,"score":..,"x":..,"y":..,"width":..,"height":..}
void to_json(nlohmann::json& j, const Word& word);
/// The inverse of to_json.
void from_json(const nlohmann::json& j, Word& word);

}  // namespace cellflow::vision

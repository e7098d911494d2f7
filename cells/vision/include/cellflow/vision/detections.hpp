// Detections: what a detector found in one image. Boxes are in the original image's pixels.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core/types.hpp>
#include <string>
#include <vector>

namespace cellflow::vision {

struct Detection {
  cv::Rect2f box;     ///< x, y, width, height in original-image pixels
  float score = 0;    ///< confidence in [0, 1]
  std::string label;  ///< "face", "person", ...
};

struct Detections {
  std::vector<Detection> items;
  cv::Size image_size;  ///< size of the image the boxes refer to
};

/// Puts detections in the order every detector emits them: best score first, then top to bottom
/// (box y), then left to right (box x), then smaller boxes first: the same list for the same
/// detections, whatever order they were found in.
void sort_best_first(std::vector<Detection>& items);

/// {"width":W,"height":H,"count":N,"detections":[{"label":..,"score":..,"x":..,"y":..,
///  "width":..,"height":..}]}
void to_json(nlohmann::json& j, const Detections& detections);
void to_json(nlohmann::json& j, const Detection& detection);
/// The inverse of to_json (values cross a remote clone's hop as this JSON): exact for boxes and
/// scores.
void from_json(const nlohmann::json& j, Detections& detections);
void from_json(const nlohmann::json& j, Detection& detection);

}  // namespace cellflow::vision

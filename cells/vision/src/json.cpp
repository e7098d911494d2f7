// JSON forms of the vision result types (used by DetectionsToJson, the CLI and the HTTP codecs).
#include <nlohmann/json.hpp>

#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::vision {

void to_json(nlohmann::json& j, const Detection& detection) {
  j = {{"label", detection.label}, {"score", detection.score},   {"x", detection.box.x},
       {"y", detection.box.y},     {"width", detection.box.width}, {"height", detection.box.height}};
}

void to_json(nlohmann::json& j, const Detections& detections) {
  j = {{"width", detections.image_size.width},
       {"height", detections.image_size.height},
       {"count", detections.items.size()},
       {"detections", detections.items}};
}

void to_json(nlohmann::json& j, const Word& word) {
  j = {{"text", word.text}, {"score", word.score},        {"x", word.box.x},
       {"y", word.box.y},   {"width", word.box.width}, {"height", word.box.height}};
}

}  // namespace cellflow::vision

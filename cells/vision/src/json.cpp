// JSON forms of the vision result types (used by DetectionsToJson, the CLI and the HTTP codecs).
#include <nlohmann/json.hpp>

#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::vision {

void to_json(nlohmann::json& j, const Detection& detection) {
  j = {{"label", detection.label},     {"score", detection.score},
       {"x", detection.box.x},         {"y", detection.box.y},
       {"width", detection.box.width}, {"height", detection.box.height}};
}

void to_json(nlohmann::json& j, const Detections& detections) {
  j = {{"width", detections.image_size.width},
       {"height", detections.image_size.height},
       {"count", detections.items.size()},
       {"detections", detections.items}};
}

void from_json(const nlohmann::json& j, Detection& detection) {
  detection.label = j.at("label").get<std::string>();
  detection.score = j.at("score").get<float>();
  detection.box = {j.at("x").get<float>(), j.at("y").get<float>(), j.at("width").get<float>(),
                   j.at("height").get<float>()};
}

void from_json(const nlohmann::json& j, Detections& detections) {
  detections.image_size = {j.at("width").get<int>(), j.at("height").get<int>()};
  detections.items = j.at("detections").get<std::vector<Detection>>();
}

void to_json(nlohmann::json& j, const Word& word) {
  j = {{"text", word.text}, {"score", word.score},     {"x", word.box.x},
       {"y", word.box.y},   {"width", word.box.width}, {"height", word.box.height}};
}

void from_json(const nlohmann::json& j, Word& word) {
  word.text = j.at("text").get<std::string>();
  word.score = j.at("score").get<float>();
  word.box = {j.at("x").get<int>(), j.at("y").get<int>(), j.at("width").get<int>(),
              j.at("height").get<int>()};
}

}  // namespace cellflow::vision

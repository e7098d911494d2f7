#include "cellflow/server/json_converter.hpp"

#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::server {
namespace {

// Registers T and std::vector<T>, both converted by nlohmann::json's own constructors.
template <class T>
void add_with_vector(JsonConverter& converter) {
  converter.add<T>([](const T& v) { return nlohmann::json(v); });
  converter.add<std::vector<T>>([](const std::vector<T>& v) { return nlohmann::json(v); });
}

// Vision types: their JSON forms; an image prints its size, not its pixels.
void add_vision(JsonConverter& converter) {
  converter.add<vision::Detections>([](const vision::Detections& d) { return nlohmann::json(d); });
  converter.add<vision::Word>([](const vision::Word& w) { return nlohmann::json(w); });
  converter.add<vision::Words>([](const vision::Words& w) { return nlohmann::json(w); });
  converter.add<cv::Mat>([](const cv::Mat& m) {
    return nlohmann::json{{"width", m.cols}, {"height", m.rows}, {"channels", m.channels()}};
  });
}

}  // namespace

JsonConverter JsonConverter::with_defaults() {
  JsonConverter converter;
  add_with_vector<nlohmann::json>(converter);
  add_with_vector<bool>(converter);
  add_with_vector<signed char>(converter);
  add_with_vector<unsigned char>(converter);
  add_with_vector<short>(converter);
  add_with_vector<unsigned short>(converter);
  add_with_vector<int>(converter);
  add_with_vector<unsigned int>(converter);
  add_with_vector<long>(converter);
  add_with_vector<unsigned long>(converter);
  add_with_vector<long long>(converter);
  add_with_vector<unsigned long long>(converter);
  add_with_vector<float>(converter);
  add_with_vector<double>(converter);
  add_with_vector<long double>(converter);
  add_with_vector<std::string>(converter);
  // A plain char is a character, not a number: "a" rather than 97.
  converter.add<char>([](char c) { return nlohmann::json(std::string(1, c)); });
  converter.add<std::vector<char>>([](const std::vector<char>& v) {
    nlohmann::json out = nlohmann::json::array();
    for (char c : v) out.push_back(std::string(1, c));
    return out;
  });
  add_vision(converter);
  return converter;
}

JsonConverter& JsonConverter::add(std::type_index type, Function convert) {
  converters_.insert_or_assign(type, std::move(convert));
  return *this;
}

nlohmann::json JsonConverter::to_json(const Value& value) const {
  if (!value.has_value()) return nullptr;
  const auto found = converters_.find(std::type_index(value.type()));
  if (found == converters_.end()) return "<" + type_name(value.type()) + ">";
  return found->second(value);
}

}  // namespace cellflow::server

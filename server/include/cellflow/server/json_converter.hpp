// JsonConverter: turns type-erased output values into JSON for printing, dispatching on the
// payload's type through a map from std::type_index to converter functions. Register your own
// types with add<T>(); types without a converter print as the string "<TypeName>".
//
//   auto converter = cellflow::server::JsonConverter::with_defaults();
//   converter.add<cv::Rect>([](const cv::Rect& r) {
//     return nlohmann::json{r.x, r.y, r.width, r.height};
//   });
//   nlohmann::json j = converter.to_json(cellflow::Value(cv::Rect{1, 2, 3, 4}));  // [1,2,3,4]
//
// Thread-safety: add() must not race with anything; to_json() may be called concurrently.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <typeindex>
#include <unordered_map>
#include <utility>

#include "cellflow/value.hpp"

namespace cellflow::server {

class JsonConverter {
 public:
  using Function = std::function<nlohmann::json(const Value&)>;

  /// An empty converter: every value prints as "<TypeName>".
  JsonConverter() = default;
  /// Converters for nlohmann::json, bool, every integer type (plain char prints as a
  /// one-character string), float, double, long double, std::string, and std::vector of each;
  /// cellflow::vision::Detections, Word and Words (their JSON forms) and cv::Mat
  /// ({"width","height","channels"}).
  static JsonConverter with_defaults();

  /// Registers (or replaces) the converter of T.
  template <class T, class F>
  JsonConverter& add(F&& convert) {
    return add(typeid(T), [f = std::forward<F>(convert)](const Value& value) -> nlohmann::json {
      return f(value.get<T>());
    });
  }
  JsonConverter& add(std::type_index type, Function convert);

  bool contains(std::type_index type) const { return converters_.count(type) != 0; }
  /// JSON of `value`: its registered converter's result, "<TypeName>" for an unknown type, null
  /// for an empty Value. Exceptions thrown by a converter propagate.
  nlohmann::json to_json(const Value& value) const;

 private:
  std::unordered_map<std::type_index, Function> converters_;
};

}  // namespace cellflow::server

// The JSON form of tensor elements: JSON "data" <-> the one-form Tensor.
#include "cellflow/codecs/tensor_json.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

namespace cellflow {
namespace {

using nlohmann::json;

[[noreturn]] void bad_element(std::size_t index, const json& element, std::string_view wanted) {
  std::string shown = element.dump();
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  throw std::invalid_argument("element " + std::to_string(index) + " is " + shown + ", not " +
                              std::string(wanted));
}

// Element `index` as T; throws for a wrong JSON type or a value out of T's range.
template <class T>
T json_number(const json& element, std::size_t index) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!element.is_boolean()) bad_element(index, element, "a boolean");
    return element.get<bool>();
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!element.is_number()) bad_element(index, element, "a number");
    return static_cast<T>(element.get<double>());
  } else {
    if (!element.is_number_integer()) bad_element(index, element, "an integer");
    const bool fits = element.is_number_unsigned() ? std::in_range<T>(element.get<std::uint64_t>())
                                                   : std::in_range<T>(element.get<std::int64_t>());
    if (!fits)
      throw std::invalid_argument("element " + std::to_string(index) + " (" + element.dump() +
                                  ") is out of range for " + std::string(datatype_of<T>()));
    return element.get<T>();
  }
}

void flatten_into(json&& data, std::vector<json>& out) {
  for (auto& element : data) {
    if (element.is_array())
      flatten_into(std::move(element), out);
    else
      out.push_back(std::move(element));
  }
}

Tensor strings_from_json(std::vector<std::int64_t> shape, const std::vector<json>& flat) {
  std::vector<std::string> elements;
  elements.reserve(flat.size());
  for (std::size_t i = 0; i < flat.size(); ++i) {
    if (!flat[i].is_string()) bad_element(i, flat[i], "a string");
    elements.push_back(flat[i].get<std::string>());
  }
  return Tensor::strings(std::move(shape), std::move(elements));
}

}  // namespace

Tensor tensor_from_json(std::string datatype, std::vector<std::int64_t> shape, json data) {
  if (!data.is_array())
    throw std::invalid_argument("\"data\" must be an array, got " + std::string(data.type_name()));
  std::vector<json> flat;
  flat.reserve(data.size());
  flatten_into(std::move(data), flat);
  if (datatype == "BYTES") return strings_from_json(std::move(shape), flat);
  const std::size_t wanted = element_count(shape);
  if (flat.size() != wanted)
    throw std::invalid_argument("shape " + shape_string(shape) + " needs " +
                                std::to_string(wanted) + " element(s), data has " +
                                std::to_string(flat.size()));
  if (datatype == "FP16") throw std::invalid_argument("FP16 has no JSON form: send it in binary");
  return visit_number_type(datatype, [&](auto zero) {
    using T = decltype(zero);
    std::vector<T> values;
    values.reserve(flat.size());
    for (std::size_t i = 0; i < flat.size(); ++i) values.push_back(json_number<T>(flat[i], i));
    return Tensor::numbers<T>(std::move(shape), values);
  });
}

json tensor_to_json(const Tensor& tensor) {
  json data = json::array();
  if (tensor.is_bytes()) {
    for (const auto element : tensor.strings())
      data.push_back(is_valid_utf8(element) ? std::string(element) : base64_encode(element));
    return data;
  }
  if (tensor.datatype == "FP16") throw std::invalid_argument("FP16 has no JSON form");
  visit_number_type(tensor.datatype, [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t i = 0; i < tensor.size(); ++i) data.push_back(tensor.number<T>(i));
  });
  return data;
}

}  // namespace cellflow

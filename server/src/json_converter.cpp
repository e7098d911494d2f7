#include "cellflow/server/json_converter.hpp"

#include <string>
#include <vector>

namespace cellflow::server {
namespace {

// Registers T and std::vector<T>, both converted by nlohmann::json's own constructors.
template <class T>
void add_with_vector(JsonConverter& converter) {
  converter.add<T>([](const T& v) { return nlohmann::json(v); });
  converter.add<std::vector<T>>([](const std::vector<T>& v) { return nlohmann::json(v); });
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

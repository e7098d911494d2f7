#include "codecs/tensor_form.hpp"

#include <cstdint>
#include <stdexcept>

#include "codecs/datatype.hpp"
#include "codecs/tensor_bytes.hpp"
#include "codecs/tensor_read.hpp"
#include "codecs/text_encoding.hpp"

namespace cellflow::server::codecs {
namespace {

template <class T>
struct Tag {
  using type = T;
};

// Calls f(Tag<T>{}) with the C++ type of a numeric datatype.
template <class F>
void visit_number_type(const std::string& datatype, F&& f) {
  if (datatype == "BOOL") return f(Tag<bool>{});
  if (datatype == "UINT8") return f(Tag<std::uint8_t>{});
  if (datatype == "UINT16") return f(Tag<std::uint16_t>{});
  if (datatype == "UINT32") return f(Tag<std::uint32_t>{});
  if (datatype == "UINT64") return f(Tag<std::uint64_t>{});
  if (datatype == "INT8") return f(Tag<std::int8_t>{});
  if (datatype == "INT16") return f(Tag<std::int16_t>{});
  if (datatype == "INT32") return f(Tag<std::int32_t>{});
  if (datatype == "INT64") return f(Tag<std::int64_t>{});
  if (datatype == "FP32") return f(Tag<float>{});
  if (datatype == "FP64") return f(Tag<double>{});
  throw std::invalid_argument("datatype " + datatype + " has no JSON form");
}

std::string json_safe(std::string_view bytes) {
  return is_valid_utf8(bytes) ? std::string(bytes) : base64_encode(bytes);
}

}  // namespace

void throw_bad_element(std::size_t index, const nlohmann::json& element, std::string_view wanted) {
  std::string shown = element.dump();
  if (shown.size() > 40) shown = shown.substr(0, 37) + "...";
  throw std::invalid_argument("element " + std::to_string(index) + " is " + shown + ", not " +
                              std::string(wanted));
}

void to_binary_form(Tensor& tensor) {
  if (tensor.is_binary) return;
  std::string binary;
  if (tensor.datatype == "BYTES") {
    for (const auto element : bytes_elements(tensor)) append_bytes_element(binary, element);
  } else {
    visit_number_type(tensor.datatype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      binary.reserve(tensor.data.size() * sizeof(T));
      for (std::size_t i = 0; i < tensor.data.size(); ++i) {
        const T value = json_number<T>(tensor.data[i], i);
        binary.append(reinterpret_cast<const char*>(&value), sizeof(T));
      }
    });
  }
  tensor.binary = std::move(binary);
  tensor.data = nlohmann::json::array();
  tensor.is_binary = true;
}

void to_json_form(Tensor& tensor) {
  if (!tensor.is_binary) return;
  nlohmann::json data = nlohmann::json::array();
  if (tensor.datatype == "BYTES") {
    for (const auto element : split_bytes(tensor.binary)) data.push_back(json_safe(element));
  } else {
    visit_number_type(tensor.datatype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const std::size_t count = held_elements(tensor);
      for (std::size_t i = 0; i < count; ++i) data.push_back(binary_number<T>(tensor.binary, i));
    });
  }
  tensor.data = std::move(data);
  tensor.binary.clear();
  tensor.binary.shrink_to_fit();
  tensor.is_binary = false;
}

void make_json_safe(Tensor& tensor) {
  if (tensor.is_binary || tensor.datatype != "BYTES") return;
  for (auto& element : tensor.data) {
    if (!element.is_string()) continue;
    const auto& text = element.get_ref<const std::string&>();
    if (!is_valid_utf8(text)) element = base64_encode(text);
  }
}

void expect_valid_elements(const Tensor& tensor) {
  if (tensor.datatype == "BYTES") {
    (void)bytes_elements(tensor);
  } else if (!tensor.is_binary) {
    visit_number_type(tensor.datatype, [&](auto tag) {
      using T = typename decltype(tag)::type;
      for (std::size_t i = 0; i < tensor.data.size(); ++i) (void)json_number<T>(tensor.data[i], i);
    });
  }
}

std::vector<std::string_view> bytes_elements(const Tensor& tensor) {
  if (tensor.is_binary) return split_bytes(tensor.binary);
  std::vector<std::string_view> out;
  out.reserve(tensor.data.size());
  for (std::size_t i = 0; i < tensor.data.size(); ++i) {
    if (!tensor.data[i].is_string()) throw_bad_element(i, tensor.data[i], "a string");
    out.push_back(tensor.data[i].get_ref<const std::string&>());
  }
  return out;
}

}  // namespace cellflow::server::codecs

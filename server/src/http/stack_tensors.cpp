#include "http/stack_tensors.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "codecs/datatype.hpp"
#include "codecs/tensor_form.hpp"

namespace cellflow::server {
namespace {

Tensor empty_stack(const Codec& codec) {
  Tensor tensor;
  tensor.datatype = codec.datatype();
  tensor.shape = {0};
  for (const std::int64_t dim : codec.shape()) tensor.shape.push_back(dim < 0 ? 0 : dim);
  return tensor;
}

// Index of the first tensor that differs from parts[0] in datatype or shape, or 0.
std::size_t first_mismatch(const std::vector<Tensor>& parts) {
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (parts[i].datatype != parts[0].datatype || parts[i].shape != parts[0].shape) return i;
  return 0;
}

std::vector<Tensor> json_texts(const std::vector<Value>& values) {
  std::vector<Tensor> parts;
  for (const auto& value : values) {
    Tensor part;
    part.datatype = "BYTES";
    part.shape = {1};
    part.data.push_back(value.get<nlohmann::json>().dump());
    parts.push_back(std::move(part));
  }
  return parts;
}

Tensor concatenate(std::vector<Tensor>& parts) {
  Tensor out;
  out.datatype = parts[0].datatype;
  out.shape = parts[0].shape;
  out.shape.insert(out.shape.begin(), static_cast<std::int64_t>(parts.size()));
  out.is_binary =
      std::any_of(parts.begin(), parts.end(), [](const Tensor& t) { return t.is_binary; });
  for (auto& part : parts) {
    if (out.is_binary) {
      codecs::to_binary_form(part);
      out.binary += part.binary;
    } else {
      for (auto& element : part.data) out.data.push_back(std::move(element));
    }
  }
  return out;
}

}  // namespace

Tensor stack_values(const Codec& codec, const std::vector<Value>& values) {
  if (values.size() == 1) return codec.encode(values.front());
  if (values.empty()) return empty_stack(codec);
  std::vector<Tensor> parts;
  parts.reserve(values.size());
  for (const auto& value : values) parts.push_back(codec.encode(value));
  if (first_mismatch(parts) != 0 && values.front().holds<nlohmann::json>())
    parts = json_texts(values);
  return stack_tensors(parts);
}

Tensor stack_tensors(std::vector<Tensor>& parts) {
  if (const std::size_t bad = first_mismatch(parts); bad != 0)
    throw std::invalid_argument("cannot stack " + std::to_string(parts.size()) +
                                " values: value 0 is " + parts[0].datatype + " " +
                                codecs::shape_string(parts[0].shape) + ", value " +
                                std::to_string(bad) + " is " + parts[bad].datatype + " " +
                                codecs::shape_string(parts[bad].shape));
  return concatenate(parts);
}

}  // namespace cellflow::server

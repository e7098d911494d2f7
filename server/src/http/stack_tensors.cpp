#include "http/stack_tensors.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "cellflow/codecs/raw_form.hpp"

namespace cellflow::server {
namespace {

Tensor empty_stack(const Codec& codec) {
  std::vector<std::int64_t> shape{0};
  for (const std::int64_t dim : codec.shape()) shape.push_back(dim < 0 ? 0 : dim);
  if (codec.datatype() == "BYTES") return Tensor::strings(std::move(shape), {});
  return Tensor::from_bytes(codec.datatype(), std::move(shape), "");
}

// Index of the first tensor that differs from parts[0] in datatype or shape, or 0.
std::size_t first_mismatch(const std::vector<Tensor>& parts) {
  for (std::size_t i = 1; i < parts.size(); ++i)
    if (parts[i].datatype != parts[0].datatype || parts[i].shape != parts[0].shape) return i;
  return 0;
}

std::vector<Tensor> json_texts(const std::vector<Value>& values) {
  std::vector<Tensor> parts;
  for (const auto& value : values)
    parts.push_back(Tensor::strings({1}, {value.get<nlohmann::json>().dump()}));
  return parts;
}

// The parts' elements, one after another, under shape [N, S...].
Tensor concatenate(const std::vector<Tensor>& parts) {
  std::vector<std::int64_t> shape = parts[0].shape;
  shape.insert(shape.begin(), static_cast<std::int64_t>(parts.size()));
  if (parts[0].is_bytes()) {
    std::vector<std::string_view> elements;
    auto owners = std::make_shared<std::vector<std::shared_ptr<const void>>>();
    for (const auto& part : parts) {
      elements.insert(elements.end(), part.strings().begin(), part.strings().end());
      owners->push_back(part.owner());
    }
    return Tensor::view_strings(std::move(shape), std::move(elements), std::move(owners));
  }
  std::string bytes;
  bytes.reserve(parts.size() * parts[0].raw().size());
  for (const auto& part : parts) bytes += part.raw();
  return Tensor::from_bytes(parts[0].datatype, std::move(shape), std::move(bytes));
}

}  // namespace

Tensor stack_values(const Codec& codec, const std::vector<Value>& values, bool batch_item) {
  if (values.size() == 1 && (batch_item || !codec.batchable())) return codec.encode(values.front());
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
    throw std::invalid_argument(
        "cannot stack " + std::to_string(parts.size()) + " values: value 0 is " +
        parts[0].datatype + " " + shape_string(parts[0].shape) + ", value " + std::to_string(bad) +
        " is " + parts[bad].datatype + " " + shape_string(parts[bad].shape));
  return concatenate(parts);
}

}  // namespace cellflow::server

#include "grpc/grpc_tensors.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "cellflow/codecs/raw_form.hpp"
#include "http/http_error.hpp"

namespace cellflow::server::grpc_edge {
namespace {

using Input = inference::ModelInferRequest::InferInputTensor;

[[noreturn]] void bad_input(const std::string& name, const std::string& message) {
  throw HttpError(400, "input '" + name + "': " + message);
}

// Appends `values` as little-endian T, each checked to fit T.
template <class T, class Values>
void append_as(std::string& binary, const Values& values, const std::string& name) {
  binary.reserve(binary.size() + static_cast<std::size_t>(values.size()) * sizeof(T));
  for (int i = 0; i < values.size(); ++i) {
    const auto value = values.Get(i);
    if constexpr (!std::is_same_v<T, bool> && !std::is_floating_point_v<T>) {
      if (!std::in_range<T>(value))
        bad_input(name, "element " + std::to_string(i) + " (" + std::to_string(value) +
                            ") is out of range for " + std::string(datatype_of<T>()));
    }
    const T element = static_cast<T>(value);
    binary.append(reinterpret_cast<const char*>(&element), sizeof(T));
  }
}

// Typed numeric contents -> their raw form; the contents field must be the datatype's.
std::string typed_numbers(const Input& input) {
  const auto& c = input.contents();
  const std::string& type = input.datatype();
  std::string raw;
  if (type == "BOOL") {
    append_as<bool>(raw, c.bool_contents(), input.name());
  } else if (type == "INT8") {
    append_as<std::int8_t>(raw, c.int_contents(), input.name());
  } else if (type == "INT16") {
    append_as<std::int16_t>(raw, c.int_contents(), input.name());
  } else if (type == "INT32") {
    append_as<std::int32_t>(raw, c.int_contents(), input.name());
  } else if (type == "INT64") {
    append_as<std::int64_t>(raw, c.int64_contents(), input.name());
  } else if (type == "UINT8") {
    append_as<std::uint8_t>(raw, c.uint_contents(), input.name());
  } else if (type == "UINT16") {
    append_as<std::uint16_t>(raw, c.uint_contents(), input.name());
  } else if (type == "UINT32") {
    append_as<std::uint32_t>(raw, c.uint_contents(), input.name());
  } else if (type == "UINT64") {
    append_as<std::uint64_t>(raw, c.uint64_contents(), input.name());
  } else if (type == "FP32") {
    append_as<float>(raw, c.fp32_contents(), input.name());
  } else if (type == "FP64") {
    append_as<double>(raw, c.fp64_contents(), input.name());
  } else {
    bad_input(input.name(), type + " has no typed contents: send it in raw_input_contents");
  }
  return raw;
}

// Typed contents -> a tensor; BYTES elements are viewed in the request (kept alive by `owner`).
Tensor typed_tensor(const Input& input, std::vector<std::int64_t> shape,
                    const std::shared_ptr<const void>& owner) {
  if (input.datatype() != "BYTES")
    return Tensor::from_bytes(input.datatype(), std::move(shape), typed_numbers(input));
  const auto& elements = input.contents().bytes_contents();
  return Tensor::view_strings(std::move(shape), {elements.begin(), elements.end()}, owner);
}

Tensor to_tensor(const Input& input, const std::string* raw,
                 const std::shared_ptr<const void>& owner) {
  if (!element_size(input.datatype()))
    bad_input(input.name(), "unknown datatype '" + input.datatype() +
                                "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES)");
  std::vector<std::int64_t> shape;
  for (const auto dim : input.shape()) {
    if (dim < 0) bad_input(input.name(), "shape dimensions must be non-negative");
    shape.push_back(dim);
  }
  try {
    Tensor tensor = raw != nullptr
                        ? tensor_from_raw(input.datatype(), std::move(shape), *raw, owner)
                        : typed_tensor(input, std::move(shape), owner);
    tensor.name = input.name();
    return tensor;
  } catch (const std::invalid_argument& e) {
    bad_input(input.name(), e.what());
  }
}

}  // namespace

InferRequest to_infer_request(std::shared_ptr<const inference::ModelInferRequest> request_ptr) {
  const inference::ModelInferRequest& request = *request_ptr;
  const bool raw = request.raw_input_contents_size() > 0;
  if (raw && request.raw_input_contents_size() != request.inputs_size())
    throw HttpError(400, "raw_input_contents has " +
                             std::to_string(request.raw_input_contents_size()) + " entries for " +
                             std::to_string(request.inputs_size()) +
                             " inputs: when used, it holds every input's data, in order");
  InferRequest converted;
  converted.id = request.id();
  for (int i = 0; i < request.inputs_size(); ++i) {
    const Input& input = request.inputs(i);
    if (raw && input.has_contents())
      bad_input(input.name(), "has contents, but the request uses raw_input_contents");
    for (const auto& seen : converted.inputs)
      if (seen.name == input.name())
        throw HttpError(400, "input '" + input.name() + "' appears twice");
    converted.inputs.push_back(
        to_tensor(input, raw ? &request.raw_input_contents(i) : nullptr, request_ptr));
  }
  for (const auto& output : request.outputs()) converted.outputs.push_back(output.name());
  return converted;
}

void to_infer_response(const std::string& model, const InferRequest& request,
                       std::vector<Tensor>&& outputs, inference::ModelInferResponse& response) {
  response.set_model_name(model);
  response.set_id(request.id);
  for (const Tensor& tensor : outputs) {
    auto* output = response.add_outputs();
    output->set_name(tensor.name);
    output->set_datatype(tensor.datatype);
    for (const auto dim : tensor.shape) output->add_shape(dim);
    std::string* raw = response.add_raw_output_contents();
    raw->reserve(raw_size(tensor));
    append_raw(*raw, tensor);
  }
}

}  // namespace cellflow::server::grpc_edge

#include "grpc/grpc_tensors.hpp"

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "codecs/datatype.hpp"
#include "codecs/tensor_bytes.hpp"
#include "codecs/tensor_form.hpp"
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
                            ") is out of range for " + std::string(codecs::datatype_of<T>()));
    }
    const T element = static_cast<T>(value);
    binary.append(reinterpret_cast<const char*>(&element), sizeof(T));
  }
}

// Typed contents -> the binary form; the contents field must be the datatype's.
std::string typed_contents(const Input& input) {
  const auto& c = input.contents();
  const std::string& type = input.datatype();
  std::string binary;
  if (type == "BYTES") {
    for (const auto& element : c.bytes_contents()) codecs::append_bytes_element(binary, element);
  } else if (type == "BOOL") {
    append_as<bool>(binary, c.bool_contents(), input.name());
  } else if (type == "INT8") {
    append_as<std::int8_t>(binary, c.int_contents(), input.name());
  } else if (type == "INT16") {
    append_as<std::int16_t>(binary, c.int_contents(), input.name());
  } else if (type == "INT32") {
    append_as<std::int32_t>(binary, c.int_contents(), input.name());
  } else if (type == "INT64") {
    append_as<std::int64_t>(binary, c.int64_contents(), input.name());
  } else if (type == "UINT8") {
    append_as<std::uint8_t>(binary, c.uint_contents(), input.name());
  } else if (type == "UINT16") {
    append_as<std::uint16_t>(binary, c.uint_contents(), input.name());
  } else if (type == "UINT32") {
    append_as<std::uint32_t>(binary, c.uint_contents(), input.name());
  } else if (type == "UINT64") {
    append_as<std::uint64_t>(binary, c.uint64_contents(), input.name());
  } else if (type == "FP32") {
    append_as<float>(binary, c.fp32_contents(), input.name());
  } else if (type == "FP64") {
    append_as<double>(binary, c.fp64_contents(), input.name());
  } else {
    bad_input(input.name(), type + " has no typed contents: send it in raw_input_contents");
  }
  return binary;
}

Tensor to_tensor(const Input& input, const std::string* raw) {
  Tensor tensor;
  tensor.name = input.name();
  tensor.datatype = input.datatype();
  if (!codecs::element_size(tensor.datatype))
    bad_input(tensor.name, "unknown datatype '" + tensor.datatype +
                               "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES)");
  for (const auto dim : input.shape()) {
    if (dim < 0) bad_input(tensor.name, "shape dimensions must be non-negative");
    tensor.shape.push_back(dim);
  }
  tensor.binary = raw != nullptr ? *raw : typed_contents(input);
  tensor.is_binary = true;
  try {
    codecs::expect_consistent(tensor);
    codecs::expect_valid_elements(tensor);
  } catch (const std::invalid_argument& e) {
    bad_input(tensor.name, e.what());
  }
  return tensor;
}

}  // namespace

InferRequest to_infer_request(const inference::ModelInferRequest& request) {
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
    converted.inputs.push_back(to_tensor(input, raw ? &request.raw_input_contents(i) : nullptr));
  }
  for (const auto& output : request.outputs()) converted.outputs.push_back(output.name());
  return converted;
}

void to_infer_response(const std::string& model, const InferRequest& request,
                       std::vector<Tensor>&& outputs, inference::ModelInferResponse& response) {
  response.set_model_name(model);
  response.set_id(request.id);
  for (Tensor& tensor : outputs) {
    codecs::to_binary_form(tensor);
    auto* output = response.add_outputs();
    output->set_name(tensor.name);
    output->set_datatype(tensor.datatype);
    for (const auto dim : tensor.shape) output->add_shape(dim);
    response.add_raw_output_contents(std::move(tensor.binary));
  }
}

}  // namespace cellflow::server::grpc_edge

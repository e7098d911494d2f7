#include "http/batch_request.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "http/http_error.hpp"
#include "http/stack_tensors.hpp"

namespace cellflow::server {
namespace {

const PortBase* input_port(const Pipeline& pipeline, const std::string& name) {
  for (const PortBase* port : pipeline.inputs())
    if (port->name() == name) return port;
  return nullptr;
}

// Slice `item` of `tensor`, which holds `batch` equal slices along its first dimension; a
// tensor without that dimension (an input the model does not have) stays whole.
Tensor slice(const Tensor& tensor, std::size_t batch, std::size_t item) {
  if (tensor.shape.empty() || tensor.shape[0] != static_cast<std::int64_t>(batch)) return tensor;
  std::vector<std::int64_t> shape(tensor.shape.begin() + 1, tensor.shape.end());
  if (shape.empty()) shape = {1};
  const std::size_t n = element_count(shape);
  Tensor part;
  if (tensor.is_bytes()) {
    const auto first = tensor.strings().begin() + static_cast<std::ptrdiff_t>(item * n);
    part = Tensor::view_strings(std::move(shape), {first, first + static_cast<std::ptrdiff_t>(n)},
                                tensor.owner());
  } else {
    const std::size_t bytes = n * *element_size(tensor.datatype);
    part = Tensor::view_bytes(tensor.datatype, std::move(shape),
                              tensor.raw().substr(item * bytes, bytes), tensor.owner());
  }
  part.name = tensor.name;
  return part;
}

}  // namespace

std::size_t batch_size_of(const Pipeline& pipeline, const CodecRegistry& codecs,
                          const InferRequest& request) {
  std::size_t batch = 0;
  std::string first;
  for (const Tensor& tensor : request.inputs) {
    const PortBase* port = input_port(pipeline, tensor.name);
    const Codec* codec = port ? codecs.find(port->type()) : nullptr;
    if (codec == nullptr) continue;  // decoding reports unknown inputs
    const std::size_t size = codec->batch_size(tensor);
    if (first.empty()) {
      batch = size;
      first = tensor.name;
    } else if (size != batch) {
      const auto describe = [](const std::string& name, std::size_t n) {
        return "input '" + name + "' " +
               (n == 0 ? std::string("is one value") : "is a batch of " + std::to_string(n));
      };
      throw HttpError(400, describe(first, batch) + " but " + describe(tensor.name, size) +
                               ": every input of a batched request needs the same leading "
                               "batch dimension");
    }
  }
  return batch;
}

InferRequest batch_item(const InferRequest& request, std::size_t batch, std::size_t item) {
  InferRequest part;
  part.id = request.id;
  part.outputs = request.outputs;
  for (const Tensor& tensor : request.inputs) part.inputs.push_back(slice(tensor, batch, item));
  return part;
}

std::vector<Tensor> stack_items(std::vector<std::vector<Tensor>>&& items) {
  std::vector<Tensor> stacked;
  for (std::size_t output = 0; output < items.front().size(); ++output) {
    std::vector<Tensor> parts;
    for (auto& item : items) parts.push_back(std::move(item[output]));
    try {
      Tensor tensor = stack_tensors(parts);
      tensor.name = parts.front().name;
      stacked.push_back(std::move(tensor));
    } catch (const std::invalid_argument& e) {
      throw HttpError(500, "output '" + parts.front().name + "' of the batch: " + e.what());
    }
  }
  return stacked;
}

}  // namespace cellflow::server

// decode_inputs, encode_outputs, model_metadata and missing_codecs: the glue between a
// pipeline's exposed ports, their codecs and the request/response tensors.
#include "http/kserve_protocol.hpp"

#include <exception>
#include <string>

#include "http/http_error.hpp"
#include "http/stack_tensors.hpp"

namespace cellflow::server {
namespace {

std::string kind_of(const PortBase& port) {
  return port.kind() == PortKind::kInput ? "input" : "output";
}

std::string names_of(const std::vector<PortBase*>& ports) {
  std::string out;
  for (const auto* port : ports) out += (out.empty() ? "" : ", ") + port->name();
  return out.empty() ? "none" : out;
}

const Codec& codec_for(const PortBase& port, const CodecRegistry& codecs) {
  const Codec* codec = codecs.find(port.type());
  if (codec == nullptr)
    throw HttpError(
        500, kind_of(port) + " '" + port.name() + "': no codec for type " + type_name(port.type()));
  return *codec;
}

const Tensor* find_tensor(const InferRequest& request, const std::string& name) {
  for (const auto& tensor : request.inputs)
    if (tensor.name == name) return &tensor;
  return nullptr;
}

void check_unknown_inputs(const Pipeline& pipeline, const InferRequest& request) {
  for (const auto& tensor : request.inputs) {
    const auto& ports = pipeline.inputs();
    const bool known = std::any_of(ports.begin(), ports.end(),
                                   [&](const PortBase* p) { return p->name() == tensor.name; });
    if (!known)
      throw HttpError(400, "unknown input '" + tensor.name + "' (model '" + pipeline.name() +
                               "' has inputs: " + names_of(ports) + ")");
  }
}

Value decode_input(const PortBase& port, const CodecRegistry& codecs, const Tensor& tensor) {
  const Codec& codec = codec_for(port, codecs);
  Value value;
  try {
    value = codec.decode(tensor);
  } catch (const std::exception& e) {
    throw HttpError(400, "input '" + port.name() + "': " + e.what());
  }
  if (value.type() != port.type())
    throw HttpError(500, "input '" + port.name() + "': the codec for " + type_name(port.type()) +
                             " returned a " + type_name(value.type()));
  return value;
}

std::vector<const PortBase*> selected_outputs(const Pipeline& pipeline,
                                              const InferRequest& request) {
  const auto& ports = pipeline.outputs();
  if (request.outputs.empty()) return {ports.begin(), ports.end()};
  std::vector<const PortBase*> selected;
  for (const auto& name : request.outputs) {
    const auto found = std::find_if(ports.begin(), ports.end(),
                                    [&](const PortBase* p) { return p->name() == name; });
    if (found == ports.end())
      throw HttpError(400, "unknown output '" + name + "' (model '" + pipeline.name() +
                               "' has outputs: " + names_of(ports) + ")");
    selected.push_back(*found);
  }
  return selected;
}

Tensor encode_output(const PortBase& port, const Codec& codec, const Result& result,
                     bool batch_item) {
  try {
    Tensor tensor = stack_values(codec, result.values(port.name()), batch_item);
    tensor.name = port.name();
    return tensor;
  } catch (const std::exception& e) {
    throw HttpError(500, "output '" + port.name() + "': " + e.what());
  }
}

// Triton's convention for models that take batches: -1 for the leading batch dimension, which
// every response carries (encode_outputs), also for one value.
nlohmann::json port_metadata(const PortBase& port, const CodecRegistry& codecs) {
  const Codec& codec = codec_for(port, codecs);
  std::vector<std::int64_t> shape = codec.shape();
  if (codec.batchable()) shape.insert(shape.begin(), -1);
  return {{"name", port.name()}, {"datatype", codec.datatype()}, {"shape", shape}};
}

}  // namespace

InputValues decode_inputs(const Pipeline& pipeline, const CodecRegistry& codecs,
                          const InferRequest& request) {
  check_unknown_inputs(pipeline, request);
  InputValues inputs;
  for (const PortBase* port : pipeline.inputs()) {
    const Tensor* tensor = find_tensor(request, port->name());
    if (tensor == nullptr) {
      const Codec& codec = codec_for(*port, codecs);
      throw HttpError(400, "missing input '" + port->name() + "' (" + codec.datatype() + " " +
                               shape_string(codec.shape()) + ")");
    }
    inputs.emplace(port->name(), decode_input(*port, codecs, *tensor));
  }
  return inputs;
}

std::vector<Tensor> encode_outputs(const Pipeline& pipeline, const CodecRegistry& codecs,
                                   Result& result, const InferRequest& request, bool batch_item) {
  std::vector<Tensor> tensors;
  for (const PortBase* port : selected_outputs(pipeline, request))
    tensors.push_back(encode_output(*port, codec_for(*port, codecs), result, batch_item));
  return tensors;
}

nlohmann::json model_metadata(const Pipeline& pipeline, const CodecRegistry& codecs) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const PortBase* port : pipeline.inputs()) inputs.push_back(port_metadata(*port, codecs));
  nlohmann::json outputs = nlohmann::json::array();
  for (const PortBase* port : pipeline.outputs()) outputs.push_back(port_metadata(*port, codecs));
  return {{"name", pipeline.name()},
          {"versions", {"1"}},
          {"platform", "cellflow"},
          {"inputs", std::move(inputs)},
          {"outputs", std::move(outputs)}};
}

std::vector<std::pair<std::string, std::string>> missing_codecs(const Pipeline& pipeline,
                                                                const CodecRegistry& codecs) {
  std::vector<std::pair<std::string, std::string>> missing;
  for (const auto* ports : {&pipeline.inputs(), &pipeline.outputs()})
    for (const PortBase* port : *ports)
      if (codecs.find(port->type()) == nullptr)
        missing.emplace_back(kind_of(*port) + " '" + port->name() + "'", type_name(port->type()));
  return missing;
}

}  // namespace cellflow::server

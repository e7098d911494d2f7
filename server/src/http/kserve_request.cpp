// parse_infer_request: the JSON header (and binary blobs) of a KServe v2 infer request.
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "cellflow/codecs/raw_form.hpp"
#include "cellflow/codecs/tensor_json.hpp"
#include "http/http_error.hpp"
#include "http/kserve_protocol.hpp"

namespace cellflow::server {
namespace {

using nlohmann::json;

[[noreturn]] void bad_request(const std::string& message) { throw HttpError(400, message); }

// The binary part of the body, consumed input by input in request order; tensors view it.
struct BinaryCursor {
  std::string_view bytes;
  std::shared_ptr<const void> body;  // keeps `bytes` alive
  bool present = false;              // the request had Inference-Header-Content-Length
  std::size_t offset = 0;
};

// The tensor's header as parsed, before its elements.
struct TensorHeader {
  std::string name;
  std::string datatype;
  std::vector<std::int64_t> shape;
  std::string where;  // "input 'x'"
};

// What a body that is not JSON was expected to be, for a client that sent raw bytes.
[[noreturn]] void not_json(std::string_view text, bool binary_extension) {
  const auto first = text.find_first_not_of(" \t\r\n");
  std::string start = "the body is empty";
  if (first != std::string_view::npos) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[first]));
    start = std::string("it starts with byte ") + hex;
  }
  if (binary_extension)
    bad_request(
        "invalid JSON: the JSON header (the first bytes of the body, as many as "
        "Inference-Header-Content-Length says) is not JSON: " +
        start);
  bad_request("invalid JSON: the body is not a KServe v2 JSON request (" + start +
              "). Send a JSON request, or use the binary tensor extension: a JSON header followed "
              "by the raw tensor bytes, with the header's length in the "
              "Inference-Header-Content-Length header");
}

json parse_header(std::string_view text, bool binary_extension) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (text[first] != '{' && text[first] != '['))
    not_json(text, binary_extension);
  json parsed;
  try {
    parsed = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {  // a syntax error, or a number out of range (1e999)
    bad_request(std::string("invalid JSON: ") + e.what());
  }
  if (!parsed.is_object())
    bad_request("the request must be a JSON object, got " + std::string(parsed.type_name()));
  return parsed;
}

std::vector<std::int64_t> parse_shape(const json& input, const std::string& name) {
  const auto found = input.find("shape");
  if (found == input.end() || !found->is_array())
    bad_request("input '" + name + "': \"shape\" must be an array of non-negative integers");
  std::vector<std::int64_t> shape;
  for (const auto& dim : *found) {
    if (!dim.is_number_integer() || dim.get<std::int64_t>() < 0)
      bad_request("input '" + name +
                  "': \"shape\" must be an array of non-negative integers, got " + found->dump());
    shape.push_back(dim.get<std::int64_t>());
  }
  return shape;
}

std::string required_string(const json& object, const char* key, const std::string& where) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string())
    bad_request(where + " needs a \"" + key + "\" string");
  return found->get<std::string>();
}

// parameters.<key> of `object`, or nullptr.
const json* parameter(const json& object, const char* key, const std::string& where) {
  const auto params = object.find("parameters");
  if (params == object.end()) return nullptr;
  if (!params->is_object()) bad_request(where + ": \"parameters\" must be an object");
  const auto found = params->find(key);
  return found == params->end() ? nullptr : &*found;
}

bool bool_parameter(const json& object, const char* key, const std::string& where) {
  const json* value = parameter(object, key, where);
  if (value == nullptr) return false;
  if (!value->is_boolean())
    bad_request(where + ": parameters." + key + " must be a boolean, got " + value->dump());
  return value->get<bool>();
}

// The tensor is built, and checked, once: element count against shape, each element against
// the datatype, whatever C++ type the port behind it has.
template <class Build>
Tensor built(const TensorHeader& header, Build&& build) {
  try {
    Tensor tensor = build();
    tensor.name = header.name;
    return tensor;
  } catch (const std::invalid_argument& e) {
    bad_request(header.where + ": " + e.what());
  }
}

// parameters.content_type "base64" (MLServer's convention): the JSON strings of a BYTES input are
// base64 of raw bytes (an image file, say). They are decoded here, so every codec sees the raw
// bytes, as in the binary form.
bool is_base64(const json& input, const TensorHeader& header) {
  const json* type = parameter(input, "content_type", header.where);
  if (type == nullptr || *type == "str") return false;
  if (*type != "base64")
    bad_request(header.where + ": parameters.content_type must be \"base64\" or \"str\", got " +
                type->dump());
  if (header.datatype != "BYTES")
    bad_request(header.where +
                ": content_type \"base64\" applies to BYTES inputs in JSON form only");
  return true;
}

Tensor base64_tensor(const TensorHeader& header, const json& data) {
  std::vector<std::string> elements;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (!data[i].is_string())
      bad_request(header.where + ": data[" + std::to_string(i) + "] is not a string");
    try {
      elements.push_back(base64_decode(data[i].get<std::string>()));
    } catch (const std::invalid_argument& e) {
      bad_request(header.where + ": data[" + std::to_string(i) + "] is not base64: " + e.what());
    }
  }
  return built(header, [&] { return Tensor::strings(header.shape, std::move(elements)); });
}

Tensor json_tensor(json& input, const TensorHeader& header) {
  const auto found = input.find("data");
  if (found == input.end())
    bad_request(header.where + " has neither \"data\" nor parameters.binary_data_size");
  if (!found->is_array())
    bad_request(header.where + ": \"data\" must be an array, got " +
                std::string(found->type_name()));
  if (is_base64(input, header)) return base64_tensor(header, *found);
  return built(header,
               [&] { return tensor_from_json(header.datatype, header.shape, std::move(*found)); });
}

Tensor binary_tensor(const json& size_param, BinaryCursor& cursor, const TensorHeader& header) {
  if (!cursor.present)
    bad_request(header.where +
                " has parameters.binary_data_size but the request has no "
                "Inference-Header-Content-Length header");
  if (!size_param.is_number_integer() || size_param.get<std::int64_t>() < 0)
    bad_request(header.where +
                ": parameters.binary_data_size must be a non-negative integer, got " +
                size_param.dump());
  const auto size = size_param.get<std::uint64_t>();
  const std::size_t left = cursor.bytes.size() - cursor.offset;
  if (size > left)
    bad_request(header.where + ": binary_data_size " + std::to_string(size) + " exceeds the " +
                std::to_string(left) + " bytes of binary data left after the JSON header");
  const std::string_view raw = cursor.bytes.substr(cursor.offset, size);
  cursor.offset += size;
  return built(header,
               [&] { return tensor_from_raw(header.datatype, header.shape, raw, cursor.body); });
}

Tensor parse_input(json& input, std::size_t index, BinaryCursor& cursor) {
  const std::string at = "inputs[" + std::to_string(index) + "]";
  if (!input.is_object()) bad_request(at + " must be an object");
  TensorHeader header;
  header.name = required_string(input, "name", at);
  header.where = "input '" + header.name + "'";
  header.datatype = required_string(input, "datatype", header.where);
  if (!element_size(header.datatype))
    bad_request(header.where + ": unknown datatype '" + header.datatype +
                "' (BOOL, UINT8..UINT64, INT8..INT64, FP16, FP32, FP64 or BYTES)");
  header.shape = parse_shape(input, header.name);
  if (const json* size = parameter(input, "binary_data_size", header.where)) {
    if (input.contains("data"))
      bad_request(header.where + " has both \"data\" and binary_data_size");
    if (is_base64(input, header))
      bad_request(header.where +
                  ": content_type \"base64\" applies to BYTES inputs in JSON form only");
    return binary_tensor(*size, cursor, header);
  }
  return json_tensor(input, header);
}

void parse_inputs(json& request_json, BinaryCursor& cursor, InferRequest& request) {
  const auto inputs = request_json.find("inputs");
  if (inputs == request_json.end() || !inputs->is_array())
    bad_request("the request needs an \"inputs\" array");
  for (std::size_t i = 0; i < inputs->size(); ++i) {
    Tensor tensor = parse_input((*inputs)[i], i, cursor);
    for (const auto& seen : request.inputs)
      if (seen.name == tensor.name) bad_request("input '" + tensor.name + "' appears twice");
    request.inputs.push_back(std::move(tensor));
  }
  if (cursor.offset != cursor.bytes.size())
    bad_request("the body has " + std::to_string(cursor.bytes.size()) +
                " bytes of binary data after the JSON header, but the inputs' binary_data_size "
                "add up to " +
                std::to_string(cursor.offset));
}

void parse_outputs(const json& request_json, InferRequest& request) {
  const auto outputs = request_json.find("outputs");
  if (outputs == request_json.end()) return;
  if (!outputs->is_array()) bad_request("\"outputs\" must be an array");
  for (std::size_t i = 0; i < outputs->size(); ++i) {
    const json& output = (*outputs)[i];
    const std::string at = "outputs[" + std::to_string(i) + "]";
    if (!output.is_object()) bad_request(at + " must be an object");
    std::string name = required_string(output, "name", at);
    if (parameter(output, "binary_data", "output '" + name + "'") != nullptr)
      request.binary_outputs[name] = bool_parameter(output, "binary_data", "output '" + name + "'");
    request.outputs.push_back(std::move(name));
  }
}

}  // namespace

InferRequest parse_infer_request(std::shared_ptr<std::string> owned_body,
                                 std::optional<std::size_t> header_length) {
  const std::string_view body = *owned_body;
  BinaryCursor cursor;
  std::string_view header = body;
  if (header_length) {
    if (*header_length > body.size())
      bad_request("Inference-Header-Content-Length " + std::to_string(*header_length) +
                  " exceeds the body size " + std::to_string(body.size()));
    header = body.substr(0, *header_length);
    cursor = {body.substr(*header_length), std::move(owned_body), true, 0};
  }
  json request_json = parse_header(header, header_length.has_value());
  InferRequest request;
  if (const auto id = request_json.find("id"); id != request_json.end()) {
    if (!id->is_string()) bad_request("\"id\" must be a string, got " + id->dump());
    request.id = id->get<std::string>();
  }
  request.all_binary = bool_parameter(request_json, "binary_data_output", "the request");
  parse_inputs(request_json, cursor, request);
  parse_outputs(request_json, request);
  return request;
}

}  // namespace cellflow::server

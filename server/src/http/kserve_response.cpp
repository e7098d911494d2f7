// make_infer_response: the JSON response, with Triton's binary tensor extension for outputs the
// client asked for in binary form.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellflow/codecs/raw_form.hpp"
#include "cellflow/codecs/tensor_json.hpp"
#include "http/http_error.hpp"
#include "http/kserve_protocol.hpp"

namespace cellflow::server {
namespace {

bool wants_binary(const InferRequest& request, const std::string& output) {
  const auto found = request.binary_outputs.find(output);
  return found != request.binary_outputs.end() ? found->second : request.all_binary;
}

nlohmann::json tensor_header(const Tensor& tensor) {
  return {{"name", tensor.name}, {"datatype", tensor.datatype}, {"shape", tensor.shape}};
}

// Outputs in binary form, appended after the JSON header in output order.
struct Blobs {
  std::vector<const Tensor*> tensors;
  std::size_t total = 0;
};

nlohmann::json binary_output(const Tensor& tensor, Blobs& blobs) {
  nlohmann::json out = tensor_header(tensor);
  const std::size_t size = raw_size(tensor);
  blobs.tensors.push_back(&tensor);
  blobs.total += size;
  out["parameters"] = {{"binary_data_size", size}};
  return out;
}

nlohmann::json json_output(const Tensor& tensor) {
  nlohmann::json out = tensor_header(tensor);
  out["data"] = tensor_to_json(tensor);
  return out;
}

nlohmann::json output_json(const Tensor& tensor, bool binary, Blobs& blobs) {
  try {
    return binary ? binary_output(tensor, blobs) : json_output(tensor);
  } catch (const std::exception& e) {
    throw HttpError(500, "output '" + tensor.name + "': " + e.what());
  }
}

}  // namespace

HttpBody make_infer_response(const std::string& model, const std::string& id,
                             const std::vector<Tensor>& outputs, const InferRequest& request) {
  nlohmann::json header = {{"model_name", model}};
  if (!id.empty()) header["id"] = id;
  nlohmann::json& list = header["outputs"] = nlohmann::json::array();
  Blobs blobs;
  bool any_binary = false;
  for (const Tensor& tensor : outputs) {
    const bool binary = wants_binary(request, tensor.name);
    any_binary = any_binary || binary;
    list.push_back(output_json(tensor, binary, blobs));
  }
  HttpBody body;
  body.content = header.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!any_binary) {
    body.content_type = "application/json";
    return body;
  }
  body.header_length = body.content.size();
  body.content.reserve(body.content.size() + blobs.total);
  for (const Tensor* tensor : blobs.tensors) append_raw(body.content, *tensor);
  body.content_type = "application/octet-stream";
  return body;
}

}  // namespace cellflow::server

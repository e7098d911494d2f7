// KServe v2 / Open Inference Protocol: request parsing, response building and model metadata,
// including Triton's binary tensor extension. Pure functions: no sockets, no threads.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/pipeline.hpp"

namespace cellflow::server {

struct InferRequest {
  std::string id;  // echoed; may be empty
  std::vector<Tensor> inputs;
  /// Names from "outputs": [{"name": ...}]; empty: all outputs.
  std::vector<std::string> outputs;
  /// Outputs to return in binary form ("parameters": {"binary_data": true} per output, or the
  /// request-level "parameters": {"binary_data_output": true}).
  std::map<std::string, bool> binary_outputs;
  bool all_binary = false;
  /// The W3C `traceparent` the transport received (HTTP header, gRPC metadata), if any: traces
  /// carry it into the request's spans.
  std::string traceparent;
};

/// Parses an infer request body. `header_length` is the Inference-Header-Content-Length header
/// (binary extension), nullopt for a pure JSON body. Binary tensors view the body, which they
/// keep alive (no copy). Throws HttpError(400) naming the problem: bad JSON, missing "inputs", a
/// tensor without name/datatype/shape, an element that does not fit the datatype, data length vs
/// shape, binary sizes that do not add up.
InferRequest parse_infer_request(std::shared_ptr<std::string> body,
                                 std::optional<std::size_t> header_length);

/// The pipeline's inputs from the request's tensors, decoded by codec. Throws HttpError(400)
/// naming the input: missing, unknown, wrong datatype, bad shape, undecodable (e.g. an image).
InputValues decode_inputs(const Pipeline& pipeline, const CodecRegistry& codecs,
                          const InferRequest& request);

/// Response tensors for the requested outputs of one result, with the shapes model_metadata
/// declares: an output's N values stacked along a first dimension, [N, S...] (see stack_values;
/// `batch_item`: the result is one item of a batched request, which stacks the items instead).
/// Throws HttpError(400) for an unknown requested output.
std::vector<Tensor> encode_outputs(const Pipeline& pipeline, const CodecRegistry& codecs,
                                   Result& result, const InferRequest& request,
                                   bool batch_item = false);

struct HttpBody {
  std::string content;
  std::string content_type;                  // application/json or application/octet-stream
  std::optional<std::size_t> header_length;  // set Inference-Header-Content-Length when binary
};

/// {"model_name", "id", "outputs": [...]}; tensors marked binary go after the JSON header.
HttpBody make_infer_response(const std::string& model, const std::string& id,
                             const std::vector<Tensor>& outputs, const InferRequest& request);

/// GET /v2/models/{name}: {"name", "versions", "platform": "cellflow", "inputs", "outputs"} with
/// each port's name, datatype and shape from its codec.
nlohmann::json model_metadata(const Pipeline& pipeline, const CodecRegistry& codecs);

/// Ports of `pipeline` whose type has no codec: {"input 'x'", its type's name}.
std::vector<std::pair<std::string, std::string>> missing_codecs(const Pipeline& pipeline,
                                                                const CodecRegistry& codecs);

}  // namespace cellflow::server

// KServe v2 gRPC messages <-> the wire layer's requests and tensors. Pure functions: protobuf
// exists only at this edge. Typed contents (int64_contents, bytes_contents...) and
// raw_input_contents are both accepted; outputs are always returned in raw_output_contents
// (what Triton's clients read).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grpc_predict_v2.pb.h"
#include "http/kserve_protocol.hpp"

namespace cellflow::server::grpc_edge {

/// Throws HttpError(400) naming the input: unknown datatype, FP16 without raw contents, raw and
/// typed contents mixed, a raw_input_contents count that differs from the inputs', contents of
/// the wrong type for the datatype, a value out of range, element count vs shape.
/// Tensors view the request's raw contents and BYTES contents (no copy) and share `request`.
InferRequest to_infer_request(std::shared_ptr<const inference::ModelInferRequest> request);

/// Fills `response` (model name, id, outputs with name, datatype and shape, raw contents).
void to_infer_response(const std::string& model, const InferRequest& request,
                       std::vector<Tensor>&& outputs, inference::ModelInferResponse& response);

}  // namespace cellflow::server::grpc_edge

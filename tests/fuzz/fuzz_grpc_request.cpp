// libFuzzer target: the gRPC request conversion (a ModelInferRequest as protobuf bytes, typed or
// raw contents), then batching and decoding for a model with every codec family. Every rejection
// must be an HttpError; anything else is a finding.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "fuzz_target_model.hpp"
#include "grpc/grpc_tensors.hpp"
#include "http/http_error.hpp"

// protobuf logs every string field that is not UTF-8; the fuzzer makes many.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellflow;
  auto message = std::make_shared<inference::ModelInferRequest>();
  if (!message->ParseFromArray(data, static_cast<int>(size))) return 0;
  try {
    fuzz::decode_all(server::grpc_edge::to_infer_request(message));
  } catch (const server::HttpError&) {
  }
  return 0;
}

// grpc_client: the same served pipeline over KServe v2 gRPC. A typed C++ cell (int64 -> int64)
// is served with ServerOptions::grpc_port (0: any free port) beside REST; the example then calls
// it with the standard inference.GRPCInferenceService client (the stub generated from
// server/proto/grpc_predict_v2.proto, as Triton's and KServe's clients use): ServerMetadata, then
// ModelInfer with typed contents and with raw_input_contents, and stops the server gracefully.
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <cstring>
#include <iostream>

#include "cellflow/cellflow.hpp"
#include "cellflow/server/http_server.hpp"
#include "grpc_predict_v2.grpc.pb.h"

class Square final : public cellflow::Cell {
 public:
  cellflow::Input<std::int64_t> in{*this, "in"};
  cellflow::Output<std::int64_t> out{*this, "out"};
  void process(cellflow::Context& ctx) override { ctx.emit(out, ctx.get(in) * ctx.get(in)); }
};

std::int64_t first_value(const inference::ModelInferResponse& response) {
  std::int64_t value = 0;
  std::memcpy(&value, response.raw_output_contents(0).data(), sizeof value);
  return value;
}

int main() {
  auto pipeline = std::make_unique<cellflow::Pipeline>("square");
  auto& cell = pipeline->add<Square>("square", {}, cellflow::ScaleUp{2});
  pipeline->expose(cell.in, "x");
  pipeline->expose(cell.out, "y");
  cellflow::server::HttpServer server({.port = 0, .grpc_port = 0});
  server.add(std::move(pipeline));
  server.start();
  while (!server.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  auto stub = inference::GRPCInferenceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.grpc_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext metadata_context;
  inference::ServerMetadataResponse metadata;
  stub->ServerMetadata(&metadata_context, {}, &metadata);
  std::cout << "ServerMetadata: " << metadata.name() << " " << metadata.version() << "\n";

  inference::ModelInferRequest request;
  request.set_model_name("square");
  auto* input = request.add_inputs();
  input->set_name("x");
  input->set_datatype("INT64");
  input->add_shape(1);
  input->mutable_contents()->add_int64_contents(7);  // typed contents
  grpc::ClientContext typed_context;
  inference::ModelInferResponse typed;
  const grpc::Status typed_status = stub->ModelInfer(&typed_context, request, &typed);
  std::cout << "ModelInfer x=7 (typed): " << typed_status.error_code()
            << " y=" << (typed_status.ok() ? first_value(typed) : -1) << "\n";

  input->clear_contents();  // the same request with raw contents: little-endian int64
  const std::int64_t nine = 9;
  request.add_raw_input_contents(std::string(reinterpret_cast<const char*>(&nine), sizeof nine));
  grpc::ClientContext raw_context;
  inference::ModelInferResponse raw;
  const grpc::Status raw_status = stub->ModelInfer(&raw_context, request, &raw);
  std::cout << "ModelInfer x=9 (raw): " << raw_status.error_code()
            << " y=" << (raw_status.ok() ? first_value(raw) : -1) << "\n";
  server.stop();
  return typed_status.ok() && raw_status.ok() && first_value(typed) == 49 && first_value(raw) == 81
             ? 0
             : 1;
}

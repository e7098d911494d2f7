// Batched requests: inputs with a leading batch dimension are split into items that run through
// the pipeline like separate requests (on its clones in parallel) and come back stacked, in
// order, over REST (JSON and the binary extension) and gRPC.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "grpc_predict_v2.grpc.pb.h"
#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

// y = x + 1 after a jittered sleep (so clones finish out of order); throws on 13.
class AddOneSlowly final : public Cell {
 public:
  Input<std::int64_t> x{*this, "x"};
  Output<std::int64_t> y{*this, "y"};
  void process(Context& ctx) override {
    const std::int64_t value = ctx.get(x);
    if (value == 13) throw std::runtime_error("thirteen");
    std::this_thread::sleep_for(std::chrono::milliseconds((value * 7) % 5));
    ctx.emit(y, value + 1);
  }
};

json int64_input(const std::string& name, const json& shape, const json& data) {
  return {{"name", name}, {"datatype", "INT64"}, {"shape", shape}, {"data", data}};
}

class HttpBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options = test_options();
    options.grpc_port = 0;
    server_ = std::make_unique<HttpServer>(options);
    auto model = std::make_unique<Pipeline>("add");
    auto& add = model->add<AddOneSlowly>("add", {}, ScaleUp{4});
    model->expose(add.x, "x");
    model->expose(add.y, "y");
    server_->add(std::move(model));
    http_ = client(server_->start());
    ASSERT_TRUE(eventually([&] { return server_->ready(); }));
  }
  httplib::Result infer(const json& inputs) {
    return http_->Post("/v2/models/add/infer", json{{"inputs", json::array({inputs})}}.dump(),
                       "application/json");
  }
  // ModelInfer of "add" over gRPC with INT64 x of shape [values.size()] (typed contents).
  grpc::Status grpc_infer(const std::vector<std::int64_t>& values,
                          inference::ModelInferResponse& response) {
    inference::ModelInferRequest request;
    request.set_model_name("add");
    auto* input = request.add_inputs();
    input->set_name("x");
    input->set_datatype("INT64");
    input->add_shape(static_cast<std::int64_t>(values.size()));
    for (const std::int64_t value : values) input->mutable_contents()->add_int64_contents(value);
    grpc::ClientContext context;
    return grpc_stub()->ModelInfer(&context, request, &response);
  }
  std::unique_ptr<inference::GRPCInferenceService::Stub> grpc_stub() {
    return inference::GRPCInferenceService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(server_->grpc_port()), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpBatch, ABatchOfScalarsComesBackStackedInOrder) {
  const auto result = infer(int64_input("x", {8}, {0, 1, 2, 3, 4, 5, 6, 7}));
  ASSERT_EQ(result->status, 200) << result->body;
  const json output = body_json(result)["outputs"][0];
  EXPECT_EQ(output["shape"], json::array({8, 1}));
  EXPECT_EQ(output["data"], json::array({1, 2, 3, 4, 5, 6, 7, 8}));
  const auto explicit_dim = infer(int64_input("x", {3, 1}, {10, 20, 30}));
  EXPECT_EQ(body_json(explicit_dim)["outputs"][0]["data"], json::array({11, 21, 31}));
  const auto single = infer(int64_input("x", {1}, {41}));
  EXPECT_EQ(body_json(single)["outputs"][0]["shape"], json::array({1, 1})) << "metadata [-1, 1]";
  const json stats = body_json(http_->Get("/v2/models/add/stats"))["model_stats"][0];
  EXPECT_EQ(stats["inference_count"], 12) << "items";
  EXPECT_EQ(stats["execution_count"], 3) << "requests";
  EXPECT_EQ(body_json(http_->Get("/v2/models/add"))["inputs"][0]["shape"], json::array({-1, 1}));
}

// A shape the metadata declares (-1: any size) and one a response carries agree.
bool agrees(const json& declared, const json& shape) {
  if (declared.size() != shape.size()) return false;
  for (std::size_t i = 0; i < declared.size(); ++i)
    if (declared[i] != -1 && declared[i] != shape[i]) return false;
  return true;
}

// Batched or not, over REST or gRPC, a response has the shape the metadata declares ([-1, 1] for
// a scalar: one value comes back as [1, 1], as from Triton for a model that batches).
TEST_F(HttpBatch, ResponsesHaveTheShapesTheMetadataDeclares) {
  const json metadata = body_json(http_->Get("/v2/models/add"));
  const json declared = metadata["outputs"][0]["shape"];
  EXPECT_EQ(declared, json::array({-1, 1}));
  EXPECT_EQ(metadata["inputs"][0]["shape"], declared);
  for (const json& shape : {json{1}, json{1, 1}, json{3}, json{3, 1}}) {
    const json data = shape[0] == 1 ? json{5} : json{5, 6, 7};
    const auto result = infer(int64_input("x", shape, data));
    ASSERT_EQ(result->status, 200) << result->body;
    const json output = body_json(result)["outputs"][0];
    EXPECT_TRUE(agrees(declared, output["shape"])) << shape << " -> " << output["shape"];
    EXPECT_EQ(output["shape"][0], shape[0]);
  }
  inference::ModelMetadataRequest asked;
  asked.set_name("add");
  inference::ModelMetadataResponse described;
  grpc::ClientContext context;
  ASSERT_TRUE(grpc_stub()->ModelMetadata(&context, asked, &described).ok());
  ASSERT_EQ(described.outputs(0).shape_size(), 2);
  EXPECT_EQ(described.outputs(0).shape(0), -1);
  inference::ModelInferResponse response;
  ASSERT_TRUE(grpc_infer({41}, response).ok());
  ASSERT_EQ(response.outputs(0).shape_size(), 2);
  EXPECT_EQ(response.outputs(0).shape(0), 1);
  EXPECT_EQ(response.outputs(0).shape(1), 1);
}

TEST_F(HttpBatch, AFailingItemFailsTheRequestNamingIt) {
  const auto result = infer(int64_input("x", {4}, {1, 2, 13, 4}));
  EXPECT_EQ(result->status, 500);
  EXPECT_EQ(error_of(result), "batch item 2: cell 'add' failed: thirteen");
  const auto wrong = infer(int64_input("x", {2}, {1, "a"}));
  EXPECT_EQ(wrong->status, 400);
  EXPECT_EQ(error_of(wrong), "input 'x': element 1 is \"a\", not an integer");
  EXPECT_EQ(infer(int64_input("x", {2}, {5, 6}))->status, 200) << "the model goes on";
}

TEST_F(HttpBatch, WithTheBinaryExtension) {
  const std::vector<std::int64_t> values = {7, 8, 9, 10};
  const std::string header =
      json{{"inputs",
            {{{"name", "x"},
              {"datatype", "INT64"},
              {"shape", {4}},
              {"parameters", {{"binary_data_size", values.size() * 8}}}}}},
           {"outputs", {{{"name", "y"}, {"parameters", {{"binary_data", true}}}}}}}
          .dump();
  std::string body = header;
  body.append(reinterpret_cast<const char*>(values.data()), values.size() * 8);
  const auto result = http_->Post(
      "/v2/models/add/infer", {{"Inference-Header-Content-Length", std::to_string(header.size())}},
      body, "application/octet-stream");
  ASSERT_EQ(result->status, 200) << result->body;
  const std::size_t length =
      std::stoul(result->get_header_value("Inference-Header-Content-Length"));
  const json reply = json::parse(result->body.substr(0, length));
  EXPECT_EQ(reply["outputs"][0]["shape"], json::array({4, 1}));
  std::vector<std::int64_t> out(4);
  ASSERT_EQ(result->body.size() - length, 32u);
  std::memcpy(out.data(), result->body.data() + length, 32);
  EXPECT_EQ(out, (std::vector<std::int64_t>{8, 9, 10, 11}));
}

TEST_F(HttpBatch, OverGrpc) {
  inference::ModelInferResponse response;
  ASSERT_TRUE(grpc_infer({100, 101, 102, 103, 104}, response).ok());
  ASSERT_EQ(response.outputs(0).shape_size(), 2);
  EXPECT_EQ(response.outputs(0).shape(0), 5);
  std::vector<std::int64_t> out(5);
  ASSERT_EQ(response.raw_output_contents(0).size(), 40u);
  std::memcpy(out.data(), response.raw_output_contents(0).data(), 40);
  EXPECT_EQ(out, (std::vector<std::int64_t>{101, 102, 103, 104, 105}));
}

}  // namespace
}  // namespace cellflow::server::testing

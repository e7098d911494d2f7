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
  EXPECT_EQ(body_json(single)["outputs"][0]["shape"], json::array({1})) << "one value: no batch";
  const json stats = body_json(http_->Get("/v2/models/add/stats"))["model_stats"][0];
  EXPECT_EQ(stats["inference_count"], 12) << "items";
  EXPECT_EQ(stats["execution_count"], 3) << "requests";
  EXPECT_EQ(body_json(http_->Get("/v2/models/add"))["inputs"][0]["shape"], json::array({-1, 1}));
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
  auto stub = inference::GRPCInferenceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server_->grpc_port()), grpc::InsecureChannelCredentials()));
  inference::ModelInferRequest request;
  request.set_model_name("add");
  auto* input = request.add_inputs();
  input->set_name("x");
  input->set_datatype("INT64");
  input->add_shape(5);
  for (int i = 0; i < 5; ++i) input->mutable_contents()->add_int64_contents(100 + i);
  inference::ModelInferResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->ModelInfer(&context, request, &response).ok());
  ASSERT_EQ(response.outputs(0).shape_size(), 2);
  EXPECT_EQ(response.outputs(0).shape(0), 5);
  std::vector<std::int64_t> out(5);
  ASSERT_EQ(response.raw_output_contents(0).size(), 40u);
  std::memcpy(out.data(), response.raw_output_contents(0).data(), 40);
  EXPECT_EQ(out, (std::vector<std::int64_t>{101, 102, 103, 104, 105}));
}

}  // namespace
}  // namespace cellflow::server::testing

// KServe v2 gRPC beside REST, through a real gRPC client (the stub generated from the project's
// proto): health, metadata, inference with typed and raw contents, every status code, the API
// key, 1,000 concurrent requests and a graceful stop with requests in flight.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "grpc_predict_v2.grpc.pb.h"
#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

using inference::GRPCInferenceService;
using inference::ModelInferRequest;
using inference::ModelInferResponse;

// Throws in open(): a model that never becomes ready.
class BrokenOpen final : public Cell {
 public:
  Input<nlohmann::json> in{*this, "in"};
  Output<nlohmann::json> out{*this, "out"};
  void open() override { throw std::runtime_error("the device is missing"); }
  void process(Context& ctx) override { ctx.emit(out, ctx.take(in)); }
};

ModelInferRequest int64_request(const std::string& model, const std::string& id,
                                const std::vector<std::int64_t>& values) {
  ModelInferRequest request;
  request.set_model_name(model);
  request.set_id(id);
  auto* input = request.add_inputs();
  input->set_name("x");
  input->set_datatype("INT64");
  input->add_shape(static_cast<std::int64_t>(values.size()));
  for (const auto v : values) input->mutable_contents()->add_int64_contents(v);
  return request;
}

std::vector<std::int64_t> int64_output(const ModelInferResponse& response) {
  std::vector<std::int64_t> values;
  if (response.raw_output_contents_size() == 0) return values;
  const std::string& raw = response.raw_output_contents(0);
  values.resize(raw.size() / sizeof(std::int64_t));
  std::memcpy(values.data(), raw.data(), values.size() * sizeof(std::int64_t));
  return values;
}

class Grpc : public ::testing::Test {
 protected:
  void start(ServerOptions options = test_options(), ModelOptions slow_options = {}) {
    options.grpc_port = 0;
    server_ = std::make_unique<HttpServer>(options);
    server_->add(load(delay_config("echo", 0, 4)), {.max_pending = 2048});
    server_->add(load(fail_config("failing", json::array({13}), "thirteen")));
    server_->add(load(delay_config("slow", 600, 4)), slow_options);
    auto broken = std::make_unique<Pipeline>("broken");
    auto& cell = broken->add<BrokenOpen>("device");
    broken->expose(cell.in, "x");
    broken->expose(cell.out, "y");
    server_->add(std::move(broken));
    server_->start();
    ASSERT_GT(server_->grpc_port(), 0);
    ASSERT_TRUE(eventually([&] { return server_->models_opened(); }));
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->grpc_port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = GRPCInferenceService::NewStub(channel_);
  }
  grpc::Status infer(const ModelInferRequest& request, ModelInferResponse& response,
                     const std::string& key = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    if (!key.empty()) context.AddMetadata("authorization", "Bearer " + key);
    return stub_->ModelInfer(&context, request, &response);
  }

  std::unique_ptr<HttpServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<GRPCInferenceService::Stub> stub_;
};

TEST_F(Grpc, HealthAndMetadata) {
  start();
  grpc::ClientContext live_context, ready_context, server_context, model_context, is_ready_context;
  inference::ServerLiveResponse live;
  ASSERT_TRUE(stub_->ServerLive(&live_context, {}, &live).ok());
  EXPECT_TRUE(live.live());
  inference::ServerReadyResponse ready;
  ASSERT_TRUE(stub_->ServerReady(&ready_context, {}, &ready).ok());
  EXPECT_FALSE(ready.ready()) << "the broken model never becomes ready";
  inference::ServerMetadataResponse server;
  ASSERT_TRUE(stub_->ServerMetadata(&server_context, {}, &server).ok());
  EXPECT_EQ(server.name(), "cellflow");
  ASSERT_EQ(server.extensions_size(), 2);
  EXPECT_EQ(server.extensions(1), "statistics");
  inference::ModelMetadataRequest which;
  which.set_name("echo");
  inference::ModelMetadataResponse model;
  ASSERT_TRUE(stub_->ModelMetadata(&model_context, which, &model).ok());
  EXPECT_EQ(model.name(), "echo");
  EXPECT_EQ(model.platform(), "cellflow");
  ASSERT_EQ(model.inputs_size(), 1);
  EXPECT_EQ(model.inputs(0).name(), "x");
  EXPECT_EQ(model.inputs(0).datatype(), "BYTES");
  inference::ModelReadyRequest echo;
  echo.set_name("echo");
  inference::ModelReadyResponse echo_ready;
  ASSERT_TRUE(stub_->ModelReady(&is_ready_context, echo, &echo_ready).ok());
  EXPECT_TRUE(echo_ready.ready());
}

TEST_F(Grpc, TypedAndRawContentsComeBackRaw) {
  start();
  ModelInferResponse typed;
  ASSERT_TRUE(infer(int64_request("echo", "t1", {1, 2, 3}), typed).ok());
  EXPECT_EQ(typed.model_name(), "echo");
  EXPECT_EQ(typed.id(), "t1");
  ASSERT_EQ(typed.outputs_size(), 1);
  EXPECT_EQ(typed.outputs(0).name(), "y");
  EXPECT_EQ(typed.outputs(0).datatype(), "INT64");
  EXPECT_EQ(typed.outputs(0).shape_size(), 1);
  EXPECT_EQ(int64_output(typed), (std::vector<std::int64_t>{1, 2, 3}));

  ModelInferRequest raw = int64_request("echo", "r1", {});
  raw.mutable_inputs(0)->clear_contents();
  raw.mutable_inputs(0)->set_shape(0, 2);
  const std::int64_t values[] = {40, -2};
  raw.add_raw_input_contents(std::string(reinterpret_cast<const char*>(values), sizeof values));
  ModelInferResponse answer;
  ASSERT_TRUE(infer(raw, answer).ok());
  EXPECT_EQ(int64_output(answer), (std::vector<std::int64_t>{40, -2}));
}

TEST_F(Grpc, EveryStatusCodeNamesTheProblem) {
  ServerOptions options = test_options();
  start(options, {.max_pending = 1, .timeout = std::chrono::milliseconds(300)});
  ModelInferResponse response;
  auto unknown = infer(int64_request("nope", "", {1}), response);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message(), "unknown model 'nope' (models: broken, echo, failing, slow)");
  ModelInferRequest short_data = int64_request("echo", "", {1, 2});
  short_data.mutable_inputs(0)->set_shape(0, 3);
  auto invalid = infer(short_data, response);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(invalid.error_message(), "input 'x': shape [3] needs 3 element(s), the data holds 2");
  ModelInferRequest wrong_field = int64_request("echo", "", {});
  wrong_field.mutable_inputs(0)->mutable_contents()->add_bytes_contents("a");
  wrong_field.mutable_inputs(0)->set_shape(0, 1);
  EXPECT_EQ(infer(wrong_field, response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto failed = infer(int64_request("failing", "", {13}), response);
  EXPECT_EQ(failed.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(failed.error_message(), "cell 'check' failed: thirteen");
  auto broken = infer(int64_request("broken", "", {1}), response);
  EXPECT_EQ(broken.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(broken.error_message().find("the device is missing"), std::string::npos)
      << broken.error_message();
  // The slow model (600 ms per item): one request pending at most, a 300 ms timeout.
  auto first = std::async(std::launch::async, [&] {
    ModelInferResponse r;
    return infer(int64_request("slow", "", {1}), r).error_code();
  });
  auto second = std::async(std::launch::async, [&] {
    ModelInferResponse r;
    return infer(int64_request("slow", "", {2}), r).error_code();
  });
  std::vector<grpc::StatusCode> codes = {first.get(), second.get()};
  std::sort(codes.begin(), codes.end());
  EXPECT_EQ(codes, (std::vector<grpc::StatusCode>{grpc::StatusCode::DEADLINE_EXCEEDED,
                                                  grpc::StatusCode::RESOURCE_EXHAUSTED}));
}

TEST_F(Grpc, ModelStatisticsCountTheCalls) {
  start();
  ModelInferResponse response;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(infer(int64_request("echo", "", {i}), response).ok());
  ASSERT_FALSE(infer(int64_request("failing", "", {13}), response).ok());
  grpc::ClientContext context;
  inference::ModelStatisticsRequest all;
  inference::ModelStatisticsResponse stats;
  ASSERT_TRUE(stub_->ModelStatistics(&context, all, &stats).ok());
  ASSERT_EQ(stats.model_stats_size(), 4);
  const auto& echo = stats.model_stats(1);
  EXPECT_EQ(echo.name(), "echo");
  EXPECT_EQ(echo.inference_count(), 5u);
  EXPECT_EQ(echo.inference_stats().success().count(), 5u);
  EXPECT_GT(echo.inference_stats().compute_infer().ns(), 0u);
  const auto& failing = stats.model_stats(2);
  EXPECT_EQ(failing.name(), "failing");
  EXPECT_EQ(failing.inference_stats().fail().count(), 1u);
  grpc::ClientContext unknown_context;
  inference::ModelStatisticsRequest unknown;
  unknown.set_name("nope");
  EXPECT_EQ(stub_->ModelStatistics(&unknown_context, unknown, &stats).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(Grpc, TheApiKeyTravelsAsMetadata) {
  ServerOptions options = test_options();
  options.api_key = "k3y";
  start(options);
  ModelInferResponse response;
  const auto missing = infer(int64_request("echo", "", {1}), response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(missing.error_message(), "missing API key (Authorization: Bearer)");
  EXPECT_EQ(infer(int64_request("echo", "", {1}), response, "wrong").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(infer(int64_request("echo", "", {1}), response, "k3y").ok());
}

TEST_F(Grpc, AThousandConcurrentRequestsEachGetTheirOwnValue) {
  start();
  constexpr int kRequests = 1000;
  grpc::CompletionQueue queue;
  struct Call {
    grpc::ClientContext context;
    ModelInferResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<ModelInferResponse>> reader;
  };
  std::vector<std::unique_ptr<Call>> calls;
  for (int i = 0; i < kRequests; ++i) {
    auto call = std::make_unique<Call>();
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
    call->reader = stub_->AsyncModelInfer(&call->context,
                                          int64_request("echo", std::to_string(i), {i}), &queue);
    call->reader->Finish(&call->response, &call->status, reinterpret_cast<void*>(std::intptr_t(i)));
    calls.push_back(std::move(call));
  }
  for (int done = 0; done < kRequests; ++done) {
    void* tag = nullptr;
    bool ok = false;
    ASSERT_TRUE(queue.Next(&tag, &ok));
    const auto i = static_cast<int>(reinterpret_cast<std::intptr_t>(tag));
    const Call& call = *calls[i];
    ASSERT_TRUE(call.status.ok()) << i << ": " << call.status.error_message();
    EXPECT_EQ(call.response.id(), std::to_string(i));
    EXPECT_EQ(int64_output(call.response), (std::vector<std::int64_t>{i}));
  }
}

TEST_F(Grpc, GracefulStopCompletesTheRequestsInFlight) {
  start();
  constexpr int kInFlight = 8;
  std::vector<std::future<grpc::Status>> calls;
  for (int i = 0; i < kInFlight; ++i)
    calls.push_back(std::async(std::launch::async, [this, i] {
      ModelInferResponse response;
      const grpc::Status status = infer(int64_request("slow", "", {i}), response);
      if (status.ok() && int64_output(response) != std::vector<std::int64_t>{i})
        return grpc::Status(grpc::StatusCode::DATA_LOSS, "wrong value");
      return status;
    }));
  auto http = client(server_->port());
  const std::string pending = "cellflow_pipeline_pending_requests{pipeline=\"slow\"} 8";
  ASSERT_TRUE(
      eventually([&] { return http->Get("/metrics")->body.find(pending) != std::string::npos; }));
  std::thread stopper([&] { server_->stop(); });
  for (auto& call : calls) {
    const grpc::Status status = call.get();
    EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  }
  stopper.join();
  ModelInferResponse after;
  EXPECT_EQ(infer(int64_request("echo", "", {1}), after).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

// Echoes INT64 scalars, 20 ms per batch (any size): a model that batches.
class BatchedEcho final : public Cell {
 public:
  Input<std::int64_t> in{*this, "in"};
  Output<std::int64_t> out{*this, "out"};
  bool batches() const override { return true; }
  void process(Context& ctx) override { ctx.emit(out, ctx.get(in)); }
  void process_batch(BatchContext& batch) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Cell::process_batch(batch);
  }
};

// Dynamic batching behind gRPC: a KServe batch request's 8 items (INT64 [8] for a scalar input)
// and 6 concurrent single calls share the batched cell's batches; each call gets its own values,
// and the statistics (over gRPC) count 14 inferences in fewer executions.
TEST(GrpcBatching, RequestsItemsShareBatchesAndEachCallGetsItsOwnValues) {
  ServerOptions options = test_options();
  options.grpc_port = 0;
  HttpServer server(options);
  auto pipeline = std::make_unique<Pipeline>("batched");
  auto& echo = pipeline->add<BatchedEcho>("echo");
  pipeline->expose(echo.in, "x");
  pipeline->expose(echo.out, "y");
  pipeline->set_batch("echo", Batch::up_to(8, 10));
  server.add(std::move(pipeline));
  server.start();
  ASSERT_TRUE(eventually([&] { return server.models_opened(); }));
  auto stub = GRPCInferenceService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(server.grpc_port()), grpc::InsecureChannelCredentials()));
  const auto call = [&](const std::vector<std::int64_t>& values) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    ModelInferResponse response;
    const auto status = stub->ModelInfer(&context, int64_request("batched", "", values), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return int64_output(response);
  };
  std::vector<std::future<std::vector<std::int64_t>>> calls;
  const std::vector<std::int64_t> eight{10, 11, 12, 13, 14, 15, 16, 17};
  calls.push_back(std::async(std::launch::async, call, eight));
  for (std::int64_t v = 0; v < 6; ++v)
    calls.push_back(std::async(std::launch::async, call, std::vector<std::int64_t>{v}));
  EXPECT_EQ(calls[0].get(), eight) << "the batch request's items, in order";
  for (std::int64_t v = 0; v < 6; ++v)
    EXPECT_EQ(calls[static_cast<std::size_t>(v) + 1].get(), std::vector<std::int64_t>{v});
  grpc::ClientContext context;
  inference::ModelStatisticsRequest request;
  request.set_name("batched");
  inference::ModelStatisticsResponse stats;
  ASSERT_TRUE(stub->ModelStatistics(&context, request, &stats).ok());
  EXPECT_EQ(stats.model_stats(0).inference_count(), 14u) << "each item is an inference";
  EXPECT_LT(stats.model_stats(0).execution_count(), 14u) << "items ran in shared batches";
  EXPECT_GE(stats.model_stats(0).execution_count(), 2u) << "at most 8 items per batch";
  server.stop();
}

}  // namespace
}  // namespace cellflow::server::testing

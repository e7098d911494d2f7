// HttpServer endpoints and error codes through httplib's real client on an ephemeral port: every
// route, every error status with its JSON message, the API key, and /metrics counters.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

// Models "echo" (Delay 0 ms) and "failing" (Fail on [13]), ready before each test body runs.
class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override { serve(test_options()); }

  void serve(ServerOptions options) {
    server_ = std::make_unique<HttpServer>(options);
    server_->add(load(delay_config("echo", 0)));
    server_->add(load(fail_config("failing", json::array({13}), "thirteen")));
    port_ = server_->start();
    ASSERT_TRUE(eventually([&] { return server_->ready(); }));
    http_ = client(port_);
  }

  httplib::Result infer(const std::string& model, const std::string& body) {
    return http_->Post("/v2/models/" + model + "/infer", body, "application/json");
  }

  // Asserts that `result` is `status` with {"error": message}.
  static void expect_error(const httplib::Result& result, int status, const std::string& message) {
    ASSERT_TRUE(result) << httplib::to_string(result.error());
    EXPECT_EQ(result->status, status) << result->body;
    EXPECT_EQ(result->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(error_of(result), message) << result->body;
  }

  // Asserts a 200 answer echoing `id` with y == `values`: the server still works.
  void expect_echo(const std::string& id, const json& values) {
    auto result = infer("echo", infer_body(id, values));
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200) << result->body;
    const json body = body_json(result);
    EXPECT_EQ(body["id"], id);
    EXPECT_EQ(body["model_name"], "echo");
    ASSERT_EQ(body["outputs"].size(), 1u);
    EXPECT_EQ(body["outputs"][0]["name"], "y");
    EXPECT_EQ(body["outputs"][0]["data"], values);
  }

  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpServerTest, ServerMetadataNamesCellflowVersionAndExtensions) {
  auto result = http_->Get("/v2");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(body_json(result), json({{"name", "cellflow"},
                                     {"version", CELLFLOW_TEST_VERSION},
                                     {"extensions", {"binary_tensor_data", "statistics"}}}));
}

TEST_F(HttpServerTest, HealthLiveAndReadyAre200WithJsonBody) {
  auto live = http_->Get("/v2/health/live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
  EXPECT_EQ(body_json(live), json({{"live", true}}));
  auto ready = http_->Get("/v2/health/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(body_json(ready), json({{"ready", true}}));
}

TEST_F(HttpServerTest, ModelMetadataListsExposedPortsWithDatatypeAndShape) {
  auto result = http_->Get("/v2/models/echo");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  const json body = body_json(result);
  EXPECT_EQ(body["name"], "echo");
  ASSERT_EQ(body["inputs"].size(), 1u);
  EXPECT_EQ(body["inputs"][0]["name"], "x");
  EXPECT_TRUE(body["inputs"][0]["datatype"].is_string());
  EXPECT_TRUE(body["inputs"][0]["shape"].is_array());
  ASSERT_EQ(body["outputs"].size(), 1u);
  EXPECT_EQ(body["outputs"][0]["name"], "y");
}

TEST_F(HttpServerTest, ModelReadyIs200WithNameAndReady) {
  auto result = http_->Get("/v2/models/failing/ready");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(body_json(result), json({{"name", "failing"}, {"ready", true}}));
}

TEST_F(HttpServerTest, InferEchoesIdModelNameAndValues) {
  expect_echo("request-1", json::array({1, 2, 3}));
  expect_echo("request-2", json::array({-7}));
}

TEST_F(HttpServerTest, InferSelectsRequestedOutputs) {
  json request = json::parse(infer_body("sel", json::array({4})));
  request["outputs"] = {{{"name", "y"}}};
  auto result = infer("echo", request.dump());
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(body_json(result)["outputs"][0]["data"], json::array({4}));
  request["outputs"] = {{{"name", "z"}}};
  expect_error(infer("echo", request.dump()), 400,
               "unknown output 'z' (model 'echo' has outputs: y)");
}

TEST_F(HttpServerTest, BadJsonIs400) {
  auto result = infer("echo", "{\"inputs\": [");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(error_of(result).rfind("invalid JSON: ", 0), 0u) << result->body;
  expect_echo("after", json::array({1}));
}

TEST_F(HttpServerTest, MissingInputsArrayIs400) {
  expect_error(infer("echo", "{\"id\": \"a\"}"), 400, "the request needs an \"inputs\" array");
}

TEST_F(HttpServerTest, UnknownInputIs400NamingIt) {
  const json request = {
      {"inputs", {{{"name", "nope"}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {1}}}}}};
  auto result = infer("echo", request.dump());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(error_of(result).rfind("unknown input 'nope'", 0), 0u) << result->body;
}

TEST_F(HttpServerTest, ShapeDataMismatchIs400NamingTheInput) {
  const json request = {
      {"inputs", {{{"name", "x"}, {"datatype", "INT64"}, {"shape", {3}}, {"data", {1}}}}}};
  auto result = infer("echo", request.dump());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(error_of(result).rfind("input 'x'", 0), 0u) << result->body;
}

TEST_F(HttpServerTest, BadInferenceHeaderLengthIs400) {
  httplib::Headers headers = {{"Inference-Header-Content-Length", "many"}};
  auto result = http_->Post("/v2/models/echo/infer", headers, infer_body("h", json::array({1})),
                            "application/octet-stream");
  expect_error(result, 400,
               "Inference-Header-Content-Length: expected a non-negative integer, got 'many'");
}

TEST_F(HttpServerTest, UnknownModelIs404ListingModels) {
  const std::string message = "unknown model 'nope' (models: echo, failing)";
  expect_error(infer("nope", infer_body("", json::array({1}))), 404, message);
  expect_error(http_->Get("/v2/models/nope"), 404, message);
  expect_error(http_->Get("/v2/models/nope/ready"), 404, message);
}

TEST_F(HttpServerTest, UnknownRouteIs404) {
  expect_error(http_->Get("/v3"), 404, "no route for GET /v3");
  expect_error(http_->Get("/v2/models/echo/versions/1"), 404,
               "no route for GET /v2/models/echo/versions/1");
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllowHeader) {
  auto get_infer = http_->Get("/v2/models/echo/infer");
  expect_error(get_infer, 405, "method GET not allowed on /v2/models/echo/infer (allowed: POST)");
  EXPECT_EQ(get_infer->get_header_value("Allow"), "POST");
  expect_error(http_->Post("/v2", "{}", "application/json"), 405,
               "method POST not allowed on /v2 (allowed: GET)");
  expect_error(http_->Delete("/v2/models/echo"), 405,
               "method DELETE not allowed on /v2/models/echo (allowed: GET)");
  expect_echo("after", json::array({2}));
}

TEST_F(HttpServerTest, CellFailureIs500NamingCellAndMessage) {
  expect_error(infer("failing", infer_body("f", json::array({13}))), 500,
               "cell 'check' failed: thirteen");
  auto ok = infer("failing", infer_body("g", json::array({12})));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(body_json(ok)["outputs"][0]["data"], json::array({12}));
}

TEST_F(HttpServerTest, ServerStaysCorrectAfterEveryError) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(infer("echo", "not json")->status, 400);
    EXPECT_EQ(infer("nope", "{}")->status, 404);
    EXPECT_EQ(http_->Get("/v2/models/echo/infer")->status, 405);
    EXPECT_EQ(infer("failing", infer_body("", json::array({13})))->status, 500);
    expect_echo("round-" + std::to_string(round), json::array({round}));
  }
}

TEST(HttpServerLimits, BodyOverLimitIs413WithJsonError) {
  ServerOptions options = test_options();
  options.max_body_bytes = 1024;
  HttpServer server(options);
  server.add(load(delay_config("echo", 0)));
  auto http = client(server.start());
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  const std::string big = infer_body("big", json(std::vector<int>(2000, 7)));
  ASSERT_GT(big.size(), 1024u);
  auto result = http->Post("/v2/models/echo/infer", big, "application/json");
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(error_of(result), "request body exceeds the limit of 1024 bytes");
  auto small = client(server.port())
                   ->Post("/v2/models/echo/infer", infer_body("small", json::array({1})),
                          "application/json");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 200) << small->body;
}

class HttpServerApiKeyTest : public HttpServerTest {
 protected:
  void SetUp() override {
    ServerOptions options = test_options();
    options.api_key = "s3cret-key";
    serve(options);
  }
};

TEST_F(HttpServerApiKeyTest, ModelRoutesNeedBearerKey) {
  auto missing = infer("echo", infer_body("a", json::array({1})));
  expect_error(missing, 401, "missing API key (Authorization: Bearer)");
  EXPECT_EQ(missing->get_header_value("WWW-Authenticate"), "Bearer");
  http_->set_bearer_token_auth("wrong-key");
  expect_error(infer("echo", infer_body("a", json::array({1}))), 401, "invalid API key");
  expect_error(http_->Get("/v2/models/echo"), 401, "invalid API key");
  http_->set_bearer_token_auth("s3cret-key-and-more");
  expect_error(http_->Get("/v2/models/echo/ready"), 401, "invalid API key");
  // An unknown model is not revealed without the key.
  expect_error(http_->Get("/v2/models/nope"), 401, "invalid API key");
  http_->set_bearer_token_auth("s3cret-key");
  expect_echo("b", json::array({2}));
  EXPECT_EQ(http_->Get("/v2/models/echo")->status, 200);
}

TEST_F(HttpServerApiKeyTest, HealthAndMetricsNeedNoKey) {
  EXPECT_EQ(http_->Get("/v2")->status, 200);
  EXPECT_EQ(http_->Get("/v2/health/live")->status, 200);
  EXPECT_EQ(http_->Get("/v2/health/ready")->status, 200);
  EXPECT_EQ(http_->Get("/metrics")->status, 200);
}

// The value of the first sample of `name` whose labels contain every one of `labels`; -1 if none.
double sample(const std::string& metrics, const std::string& name,
              const std::vector<std::string>& labels) {
  std::istringstream lines(metrics);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "{", 0) != 0) continue;
    const std::string label_text = line.substr(0, line.rfind('}') + 1);
    bool all = true;
    for (const auto& label : labels) all = all && label_text.find(label) != std::string::npos;
    if (all) return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return -1;
}

TEST_F(HttpServerTest, MetricsCountersMoveWithRequests) {
  auto scrape = [&] {
    auto result = http_->Get("/metrics");
    EXPECT_TRUE(result && result->status == 200);
    EXPECT_EQ(result->get_header_value("Content-Type"), "text/plain; version=0.0.4");
    return result ? result->body : std::string();
  };
  const std::vector<std::string> ok = {"route=\"/v2/models/{name}/infer\"", "code=\"200\""};
  const std::vector<std::string> failed = {"route=\"/v2/models/{name}/infer\"", "code=\"500\""};
  const std::vector<std::string> echo_cell = {"pipeline=\"echo\"", "cell=\"delay\""};
  const double ok_before = std::max(0.0, sample(scrape(), "cellflow_http_requests_total", ok));
  const double items_before =
      std::max(0.0, sample(scrape(), "cellflow_cell_items_total", echo_cell));
  for (int i = 0; i < 5; ++i) expect_echo("m" + std::to_string(i), json::array({i}));
  EXPECT_EQ(infer("failing", infer_body("", json::array({13})))->status, 500);
  // The access log (and the counter) runs just after the response is sent: poll.
  EXPECT_TRUE(eventually([&] {
    return sample(scrape(), "cellflow_http_requests_total", ok) == ok_before + 5 &&
           sample(scrape(), "cellflow_http_requests_total", failed) == 1;
  }));
  const std::string text = scrape();
  EXPECT_EQ(sample(text, "cellflow_cell_items_total", echo_cell), items_before + 5) << text;
  EXPECT_GE(sample(text, "cellflow_http_request_duration_seconds_count",
                   {"route=\"/v2/models/{name}/infer\""}),
            6);
  EXPECT_NE(text.find("cellflow_pipeline_pending_requests"), std::string::npos);
  EXPECT_GE(sample(text, "cellflow_http_requests_total", {"route=\"/metrics\"", "code=\"200\""}),
            1);
}

}  // namespace
}  // namespace cellflow::server::testing

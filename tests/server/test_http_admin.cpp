// cellflow's admin extension: read a model's pipeline, rescale a clone group, set live params
// and start and stop a trace of a running server over HTTP; every refusal has its exact status and
// a message naming the cell or param.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>

#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

class HttpAdmin : public ::testing::Test {
 protected:
  void start(const std::string& api_key = "") {
    ServerOptions options = test_options();
    options.api_key = api_key;
    server_ = std::make_unique<HttpServer>(options);
    server_->add(load(delay_config("echo", 1, 2)));  // delay: 2 clones, sleep_ms live
    server_->add(load(fail_config("failing", json::array({13}), "thirteen")));  // check: plain
    http_ = client(server_->start());
    if (!api_key.empty()) http_->set_bearer_token_auth(api_key.c_str());
    ASSERT_TRUE(eventually([&] { return server_->ready(); }));
  }
  httplib::Result post(const std::string& path, const std::string& body) {
    return http_->Post(path.c_str(), body, "application/json");
  }
  json pipeline(const std::string& model) {
    const auto result = http_->Get(("/v2/models/" + model + "/pipeline").c_str());
    EXPECT_TRUE(result && result->status == 200) << (result ? result->body : "no answer");
    return body_json(result);
  }
  int infer(int value) {
    const auto result = post("/v2/models/echo/infer", infer_body("", json::array({value})));
    return result ? result->status : 0;
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpAdmin, ThePipelineAsDataWithClonesAndParams) {
  start();
  const json echo = pipeline("echo");
  EXPECT_EQ(echo["model"], "echo");
  EXPECT_EQ(echo["ready"], true);
  ASSERT_EQ(echo["cells"].size(), 1u) << echo;
  const json& delay = echo["cells"][0];
  EXPECT_EQ(delay["path"], "delay");
  EXPECT_EQ(delay["clones"], 2);
  EXPECT_EQ(delay["params"]["sleep_ms"], 1.0);
  EXPECT_EQ(delay["live_params"], json::array({"sleep_ms", "per_item_ms"}));
  EXPECT_EQ(echo["inputs"][0]["name"], "x");
  EXPECT_FALSE(pipeline("failing")["cells"][0].contains("clones")) << "a plain cell";
}

TEST_F(HttpAdmin, RescaleWhileServingChangesTheStatisticsCloneCount) {
  start();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(infer(i), 200);
  const auto scaled = post("/v2/models/echo/cells/delay/clones", R"({"clones": 4})");
  ASSERT_EQ(scaled->status, 200) << scaled->body;
  EXPECT_EQ(body_json(scaled), json({{"cell", "delay"}, {"clones", 4}}));
  EXPECT_EQ(pipeline("echo")["cells"][0]["clones"], 4);
  const json stats = body_json(http_->Get("/v2/models/echo/stats"));
  EXPECT_EQ(stats["model_stats"][0]["cellflow"]["cells"][0]["clones"], 4) << stats;
  for (int i = 0; i < 10; ++i) ASSERT_EQ(infer(i), 200) << "serving goes on";
  ASSERT_EQ(post("/v2/models/echo/cells/delay/clones", R"({"clones": 1})")->status, 200);
  EXPECT_EQ(pipeline("echo")["cells"][0]["clones"], 1);
}

TEST_F(HttpAdmin, ALiveParamSetWhileServingAppliesToTheNextRequests) {
  start();
  const auto set = post("/v2/models/echo/cells/delay/params", R"({"sleep_ms": 60})");
  ASSERT_EQ(set->status, 200) << set->body;
  EXPECT_EQ(body_json(set), json({{"cell", "delay"}, {"params", {{"sleep_ms", 60.0}}}}));
  EXPECT_EQ(pipeline("echo")["cells"][0]["params"]["sleep_ms"], 60.0);
  const auto begin = std::chrono::steady_clock::now();
  ASSERT_EQ(infer(1), 200);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(60))
      << "the request slept the new time";
}

TEST_F(HttpAdmin, RefusalsHaveExactStatusesAndSayWhatToDo) {
  start();
  const auto expect = [&](const std::string& path, const std::string& body, int status,
                          std::initializer_list<std::string> message) {
    const auto result = post(path, body);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, status) << path << " " << body << ": " << result->body;
    for (const std::string& part : message)
      EXPECT_NE(error_of(result).find(part), std::string::npos) << error_of(result);
  };
  expect("/v2/models/nope/cells/delay/clones", R"({"clones": 2})", 404, {"unknown model 'nope'"});
  expect("/v2/models/echo/cells/nope/clones", R"({"clones": 2})", 404,
         {"model 'echo' has no cell 'nope' (cells: delay)"});
  expect("/v2/models/failing/cells/check/clones", R"({"clones": 2})", 409,
         {"cell 'check' is not a clone group: to rescale it while running, add it with a "
          "cellflow::ScaleUp in C++ (p.add<T>(name, params, cellflow::ScaleUp{1})) or give it "
          "\"clones\" in the model's config"});
  expect("/v2/models/echo/cells/delay/clones", R"({"clones": 0})", 400,
         {"clones: expected an integer from 1 to", "got 0"});
  expect("/v2/models/echo/cells/delay/clones", R"({"clones": "many"})", 400, {"got \"many\""});
  expect("/v2/models/echo/cells/delay/clones", "four", 400, {"JSON object like {\"clones\": 4}"});
  expect(
      "/v2/models/echo/cells/delay/params", R"({"nope": 1})", 400,
      {"cell 'delay' has no param 'nope' (params: busy, jitter_ms, per_item_ms, seed, sleep_ms)"});
  expect("/v2/models/echo/cells/delay/params", R"({"jitter_ms": 5})", 409,
         {"param 'jitter_ms' of cell 'delay' is not live", "live params: sleep_ms, per_item_ms"});
  expect("/v2/models/echo/cells/delay/params", R"({"sleep_ms": "slow"})", 400, {"sleep_ms"});
  // All or none: a valid value beside an invalid one is not set either.
  expect("/v2/models/echo/cells/delay/params", R"({"sleep_ms": 60, "per_item_ms": -1})", 400,
         {"cell 'delay'", "per_item_ms"});
  EXPECT_EQ(pipeline("echo")["cells"][0]["params"]["sleep_ms"], 1.0) << "nothing was changed";
  EXPECT_EQ(http_->Get("/v2/models/echo/cells/delay/clones")->status, 405);
}

TEST_F(HttpAdmin, TheApiKeyGuardsEveryAdminRoute) {
  start("s3cret");
  auto anonymous = client(server_->port());
  EXPECT_EQ(anonymous->Get("/v2/models/echo/pipeline")->status, 401);
  EXPECT_EQ(
      anonymous->Post("/v2/models/echo/cells/delay/clones", R"({"clones": 3})", "application/json")
          ->status,
      401);
  EXPECT_EQ(
      anonymous
          ->Post("/v2/models/echo/cells/delay/params", R"({"sleep_ms": 3})", "application/json")
          ->status,
      401);
  EXPECT_EQ(anonymous->Get("/v2/trace")->status, 401);
  EXPECT_EQ(
      anonymous->Post("/v2/trace/start", R"({"path": "/tmp/t.json"})", "application/json")->status,
      401);
  EXPECT_EQ(anonymous->Post("/v2/trace/stop", "", "application/json")->status, 401);
  EXPECT_EQ(pipeline("echo")["cells"][0]["clones"], 2) << "nothing changed";
  EXPECT_EQ(post("/v2/models/echo/cells/delay/clones", R"({"clones": 3})")->status, 200);
}

// A trace started and stopped over HTTP while serving holds exactly what ran in between: the
// cells' spans and the requests' spans of the 5 requests, none of those before or after.
TEST_F(HttpAdmin, ATraceStartedAndStoppedWhileServingHoldsWhatRanBetween) {
  start();
  const std::string path = ::testing::TempDir() + "cellflow_admin.trace.json";
  EXPECT_EQ(body_json(http_->Get("/v2/trace")), json({{"tracing", false}}));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(infer(i), 200);
  const auto started = post("/v2/trace/start", json{{"path", path}}.dump());
  ASSERT_EQ(started->status, 200) << started->body;
  EXPECT_EQ(body_json(started)["tracing"], true);
  EXPECT_EQ(body_json(started)["path"], path);
  const auto twice = post("/v2/trace/start", json{{"path", path + ".2"}}.dump());
  EXPECT_EQ(twice->status, 409);
  EXPECT_EQ(error_of(twice), "a trace is already being written to '" + path +
                                 "': stop it first (POST /v2/trace/stop)");
  for (int i = 10; i < 15; ++i) ASSERT_EQ(infer(i), 200);
  const auto stopped = post("/v2/trace/stop", "");
  ASSERT_EQ(stopped->status, 200) << stopped->body;
  EXPECT_EQ(body_json(stopped)["path"], path);
  EXPECT_GT(body_json(stopped)["events"].get<int>(), 10);
  const auto again = post("/v2/trace/stop", "");
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(error_of(again), "no trace is being written (POST /v2/trace/start)");
  for (int i = 20; i < 22; ++i) ASSERT_EQ(infer(i), 200);
  std::ifstream in(path);
  const json events = json::parse(in);  // a complete JSON array once stopped
  int cell_spans = 0, request_spans = 0;
  for (const json& e : events) {
    if (e["ph"] == "X" && e["cat"] == "cell" && e["name"] == "delay") ++cell_spans;
    if (e["ph"] == "b" && e["name"] == "request") ++request_spans;
  }
  EXPECT_EQ(cell_spans, 5);
  EXPECT_EQ(request_spans, 5);
  // A second trace gets its own spans (the models' observers follow the switch).
  ASSERT_EQ(post("/v2/trace/start", json{{"path", path + ".2"}}.dump())->status, 200);
  for (int i = 30; i < 32; ++i) ASSERT_EQ(infer(i), 200);
  ASSERT_EQ(post("/v2/trace/stop", "")->status, 200);
  std::ifstream second_file(path + ".2");
  int second = 0;
  for (const json& e : json::parse(second_file))
    second += e["ph"] == "X" && e["cat"] == "cell" && e["name"] == "delay";
  EXPECT_EQ(second, 2);
  const auto unwritable = post("/v2/trace/start", R"({"path": "/nonexistent-dir/t.json"})");
  EXPECT_EQ(unwritable->status, 400);
  EXPECT_NE(error_of(unwritable).find("/nonexistent-dir/t.json"), std::string::npos);
  const auto no_path = post("/v2/trace/start", R"({"file": "t.json"})");
  EXPECT_EQ(no_path->status, 400);
  EXPECT_NE(error_of(no_path).find("{\"path\": FILE}"), std::string::npos) << error_of(no_path);
}

}  // namespace
}  // namespace cellflow::server::testing

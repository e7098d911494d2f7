// Triton's statistics extension (GET /v2/models/stats, /v2/models/{name}/stats) and the
// per-cell gauges on /metrics: the numbers match the requests the test drives.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "cellflow/error.hpp"
#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

class HttpStatistics : public ::testing::Test {
 protected:
  void start(const std::string& api_key = "") {
    ServerOptions options = test_options();
    options.api_key = api_key;
    server_ = std::make_unique<HttpServer>(options);
    server_->add(load(fail_config("failing", json::array({13}), "thirteen")));
    server_->add(load(delay_config("echo", 1, 2)));
    http_ = client(server_->start());
    if (!api_key.empty()) http_->set_bearer_token_auth(api_key.c_str());
    ASSERT_TRUE(eventually([&] { return server_->ready(); }));
  }
  int infer(const std::string& model, int value) {
    const auto result = http_->Post(("/v2/models/" + model + "/infer").c_str(),
                                    infer_body("", json::array({value})), "application/json");
    return result ? result->status : 0;
  }
  json stats(const std::string& path) {
    const auto result = http_->Get(path.c_str());
    EXPECT_TRUE(result && result->status == 200) << (result ? result->body : "no answer");
    return body_json(result);
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpStatistics, CountsMatchTheRequestsDriven) {
  start();
  for (int i = 0; i < 10; ++i) ASSERT_EQ(infer("failing", i), 200);
  ASSERT_EQ(infer("failing", 13), 500);
  const json all = stats("/v2/models/failing/stats");
  ASSERT_EQ(all["model_stats"].size(), 1u) << all;
  const json& model = all["model_stats"][0];
  EXPECT_EQ(model["name"], "failing");
  EXPECT_EQ(model["inference_count"], 10);
  EXPECT_EQ(model["execution_count"], 10);
  EXPECT_GT(model["last_inference"].get<std::int64_t>(), 0);
  const json& inference = model["inference_stats"];
  EXPECT_EQ(inference["success"]["count"], 10);
  EXPECT_GT(inference["success"]["ns"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(inference["fail"]["count"], 1);
  for (const char* phase : {"queue", "compute_input", "compute_infer", "compute_output"})
    EXPECT_EQ(inference[phase]["count"], 10) << phase;
  EXPECT_LE(inference["compute_infer"]["ns"].get<std::uint64_t>(),
            inference["success"]["ns"].get<std::uint64_t>());
  const json& cells = model["cellflow"]["cells"];
  ASSERT_EQ(cells.size(), 1u) << cells;
  EXPECT_EQ(cells[0]["path"], "check");
  EXPECT_EQ(cells[0]["clones"], "plain") << "one instance, not a clone group";
  ASSERT_EQ(cells[0]["per_clone"].size(), 1u);
  EXPECT_EQ(cells[0]["per_clone"][0]["clone"], 0);
  EXPECT_EQ(cells[0]["queue_depth"], 0);
  EXPECT_EQ(cells[0]["items"], 11);
  EXPECT_EQ(cells[0]["failures"], 1);
}

TEST_F(HttpStatistics, EveryModelCloneByCloneAndTheGauges) {
  start();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(infer("echo", i), 200);
  const json all = stats("/v2/models/stats");
  ASSERT_EQ(all["model_stats"].size(), 2u) << all;
  const json& echo =
      all["model_stats"][0]["name"] == "echo" ? all["model_stats"][0] : all["model_stats"][1];
  EXPECT_EQ(echo["inference_count"], 20);
  const json& delay = echo["cellflow"]["cells"][0];
  EXPECT_EQ(delay["path"], "delay");
  EXPECT_EQ(delay["clones"], 2);
  EXPECT_EQ(delay["items"], 20);
  std::uint64_t by_clone = 0;
  for (const json& clone : delay["per_clone"]) by_clone += clone["items"].get<std::uint64_t>();
  EXPECT_EQ(by_clone, 20u);
  EXPECT_GE(delay["compute_ns"].get<std::uint64_t>(), 20u * 1'000'000u) << "20 x 1 ms sleeps";
  // From the compute-time histogram's buckets (1 ms sleeps fall in (1, 2.5] ms).
  EXPECT_GE(delay["compute_p50_ms"].get<double>(), 1.0) << delay;
  EXPECT_LE(delay["compute_p50_ms"].get<double>(), 2.5) << delay;
  EXPECT_GE(delay["compute_p99_ms"].get<double>(), delay["compute_p50_ms"].get<double>());
  EXPECT_EQ(delay["dropped"], 0);
  const std::string metrics = http_->Get("/metrics")->body;
  EXPECT_NE(metrics.find("cellflow_cell_clones{cell=\"delay\",pipeline=\"echo\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("cellflow_cell_queue_depth{cell=\"delay\",pipeline=\"echo\"} 0"),
            std::string::npos);
  EXPECT_NE(metrics.find("cellflow_queue_size{cell=\"delay\",input=\"in\",pipeline=\"echo\"} 0"),
            std::string::npos)
      << metrics;
  EXPECT_NE(body_json(http_->Get("/v2"))["extensions"].dump().find("statistics"),
            std::string::npos);
}

// ServerOptions::trace_path (cellflow serve --trace FILE): each model is a process of the trace,
// with a span per request item in its cells.
TEST(HttpTrace, EveryModelsCellsAreTracedWhileServing) {
  const std::string path = ::testing::TempDir() + "cellflow_serve.trace.json";
  {
    ServerOptions options = test_options();
    options.trace_path = path;
    HttpServer server(options);
    server.add(load(delay_config("echo", 1, 2)));
    auto http = client(server.start());
    ASSERT_TRUE(eventually([&] { return server.ready(); }));
    for (int i = 0; i < 8; ++i)
      ASSERT_EQ(
          http->Post("/v2/models/echo/infer", infer_body("", json::array({i})), "application/json")
              ->status,
          200);
    // W3C trace context: a valid traceparent is carried into the request's spans, a bad one not.
    const httplib::Headers traced = {
        {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}};
    ASSERT_EQ(http->Post("/v2/models/echo/infer", traced, infer_body("traced", json::array({8})),
                         "application/json")
                  ->status,
              200);
    const httplib::Headers bad = {{"traceparent", "00-00000000000000000000000000000000-x-01"}};
    ASSERT_EQ(http->Post("/v2/models/echo/infer", bad, infer_body("untraced", json::array({9})),
                         "application/json")
                  ->status,
              200);
  }
  std::ifstream in(path);
  const json events = json::parse(in);
  std::string process;
  int spans = 0;
  for (const json& e : events) {
    if (e["ph"] == "M" && e["name"] == "process_name") process = e["args"]["name"];
    if (e["ph"] == "X" && e["cat"] == "cell" && e["name"] == "delay") ++spans;
  }
  EXPECT_EQ(process, "echo");
  EXPECT_EQ(spans, 10);
  std::map<std::string, json> requests;  // request id -> args of its "request" span
  std::map<std::uint64_t, std::set<std::string>> phases;  // async id -> phase names
  for (const json& e : events) {
    if (e["ph"] != "b") continue;
    if (e["name"] == "request")
      requests[e["args"]["request_id"]] = e["args"];
    else
      phases[e["id"]].insert(e["name"]);
  }
  ASSERT_EQ(requests.size(), 3u) << "8 without an id, 'traced' and 'untraced'";
  const json& traced = requests["traced"];
  EXPECT_EQ(traced["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736") << traced;
  EXPECT_EQ(traced["parent_id"], "00f067aa0ba902b7");
  EXPECT_EQ(traced["status"], "200");
  EXPECT_EQ(traced["seq"].size(), 1u) << "the item's seq, as its cell spans carry it";
  EXPECT_FALSE(requests["untraced"].contains("trace_id")) << "an invalid traceparent is ignored";
  ASSERT_EQ(phases.size(), 10u);
  for (const auto& [id, names] : phases)
    EXPECT_TRUE(names.count("receive and decode") && names.count("pipeline") &&
                names.count("encode and send"))
        << id;
  ServerOptions bad = test_options();
  bad.trace_path = "/nonexistent-dir/t.json";
  try {
    HttpServer refused(bad);
    ADD_FAILURE() << "a trace file that cannot be written is an error";
  } catch (const cellflow::Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot write the trace file"), std::string::npos);
  }
}

TEST_F(HttpStatistics, UnknownModelsAndTheApiKey) {
  start("s3cret");
  const auto unknown = http_->Get("/v2/models/nope/stats");
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(error_of(unknown), "unknown model 'nope' (models: echo, failing)");
  auto anonymous = client(server_->port());
  EXPECT_EQ(anonymous->Get("/v2/models/stats")->status, 401);
  EXPECT_EQ(anonymous->Get("/v2/models/echo/stats")->status, 401);
  EXPECT_EQ(anonymous->Post("/v2/models/stats", "{}", "application/json")->status, 405);
}

}  // namespace
}  // namespace cellflow::server::testing

// Dynamic batching behind HTTP: concurrent requests' items run in shared batches, each request
// gets its own answer, and the statistics and metrics count batches beside items.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

TEST(HttpBatching, ConcurrentRequestsShareBatchesAndEachGetsItsAnswer) {
  HttpServer server(test_options());
  json config = delay_config("batched", 20, 1);
  config["cells"][0]["params"]["per_item_ms"] = 1;
  config["cells"][0]["batch"] = {{"max_size", 8}, {"max_delay_ms", 5}};
  server.add(load(config));
  const int port = server.start();
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t)
    clients.emplace_back([&, t] {
      auto http = client(port);
      for (int i = 0; i < 6; ++i) {
        const int value = t * 100 + i;
        const auto result = http->Post("/v2/models/batched/infer",
                                       infer_body("", json::array({value})), "application/json");
        if (!result || result->status != 200 ||
            body_json(result)["outputs"][0]["data"] != json::array({value}))
          ++wrong;
      }
    });
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong, 0) << "each request got its own value back";
  auto http = client(port);
  const json stats = body_json(http->Get("/v2/models/batched/stats"))["model_stats"][0];
  const json cell = stats["cellflow"]["cells"][0];
  EXPECT_EQ(cell["items"], 48) << cell;
  ASSERT_TRUE(cell.contains("batches")) << cell;
  EXPECT_LT(cell["batches"].get<int>(), 48) << "8 clients at once: items shared batches";
  EXPECT_EQ(stats["inference_count"], 48) << "Triton's counts: inferences are items";
  EXPECT_EQ(stats["execution_count"], cell["batches"]) << "and executions are batches";
  EXPECT_GT(cell["mean_batch_size"].get<double>(), 1.0);
  const std::string metrics = http->Get("/metrics")->body;
  EXPECT_NE(metrics.find("cellflow_batch_size_count{cell=\"delay\",pipeline=\"batched\"} " +
                         cell["batches"].dump()),
            std::string::npos)
      << metrics;
}

}  // namespace
}  // namespace cellflow::server::testing

// HttpServer::update (what SIGHUP does in `cellflow serve`): in place when only clone counts and
// live params change, a new pipeline otherwise; a config that fails keeps the old one serving.
#include <gtest/gtest.h>

#include <string>

#include "cellflow/error.hpp"
#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

class HttpReload : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(test_options());
    server_->add(load(delay_config("echo", 1, 2)));
    http_ = client(server_->start());
    ASSERT_TRUE(eventually([&] { return server_->ready(); }));
  }
  json delay() { return body_json(http_->Get("/v2/models/echo/pipeline"))["cells"][0]; }
  int infer(const std::string& model) {
    const auto result = http_->Post(("/v2/models/" + model + "/infer").c_str(),
                                    infer_body("", json::array({1})), "application/json");
    return result ? result->status : 0;
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpReload, OnlyClonesAndLiveParamsChangeInPlace) {
  EXPECT_EQ(server_->update(load(delay_config("echo", 1, 2))), "model 'echo': unchanged");
  EXPECT_EQ(server_->update(load(delay_config("echo", 5, 4))),
            "model 'echo': changed in place: delay clones 2 -> 4; delay.sleep_ms 1.0 -> 5.0");
  EXPECT_EQ(delay()["clones"], 4);
  EXPECT_EQ(delay()["params"]["sleep_ms"], 5.0);
  ASSERT_EQ(infer("echo"), 200);
}

TEST_F(HttpReload, AnyOtherChangeServesANewPipeline) {
  ASSERT_EQ(infer("echo"), 200);
  const std::string done = server_->update(load(delay_config("echo", 1, 2, 64, 3)));
  EXPECT_NE(done.find("model 'echo': replaced by the new config"), std::string::npos) << done;
  EXPECT_EQ(delay()["params"]["jitter_ms"], 3.0);
  ASSERT_EQ(infer("echo"), 200);
  const json stats = body_json(http_->Get("/v2/models/echo/stats"));
  EXPECT_EQ(stats["model_stats"][0]["inference_count"], 1) << "the new pipeline's own counts";
  ModelOptions slower;
  slower.timeout = std::chrono::milliseconds(5000);
  EXPECT_NE(server_->update(load(delay_config("echo", 1, 2, 64, 3)), slower).find("replaced"),
            std::string::npos)
      << "model options are fixed too";
}

TEST_F(HttpReload, ANewNameIsAddedAndAFailingConfigKeepsTheOldOneServing) {
  EXPECT_EQ(server_->update(load(delay_config("other", 0))), "model 'other': added");
  EXPECT_EQ(infer("other"), 200);
  json broken = fail_config("echo", json::array({1}), "x");
  broken["cells"][0]["params"]["on"] = "not a list";
  try {
    server_->update(load(broken));
    ADD_FAILURE() << "an invalid config is an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("on"), std::string::npos) << error.what();
  }
  EXPECT_EQ(infer("echo"), 200) << "the running pipeline keeps serving";
  EXPECT_EQ(delay()["path"], "delay");
  json stream = delay_config("echo", 1);
  stream.erase("inputs");
  stream["cells"].push_back({{"name", "src"}, {"type", "Counter"}});
  stream["connections"] = json::array({json::array({"src.out", "delay.in"})});
  EXPECT_THROW(server_->update(load(stream)), Error) << "a stream pipeline cannot be served";
  EXPECT_EQ(infer("echo"), 200);
}

}  // namespace
}  // namespace cellflow::server::testing

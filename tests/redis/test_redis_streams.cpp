// RedisStreamSource and RedisStreamSink against a real redis-server of the test's own: entries
// go through a pipeline with jittered clones and come out in the source's order; every entry is
// acknowledged once its item completed; a replay starts from an entry ID; a `cellflow run`
// killed with SIGKILL and started again loses no entry (at most the unacknowledged ones twice).
#include <gtest/gtest.h>
#include <spawn.h>

#include <fstream>
#include <set>

#include "../../cells/redis/src/redis_client.hpp"  // internal: cells/redis/src is private
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/redis/redis.hpp"
#include "cellflow/redis/stream_sink.hpp"
#include "cellflow/redis/stream_source.hpp"
#include "redis_server.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;
using redis::RedisClient;

class RedisStreams : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RedisServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    client_ = std::make_unique<RedisClient>(server_->url());
    client_->command({"FLUSHALL"});
  }

  // Appends entries {"data": "frame-i", "n": "i"} for i in [0, n); returns their IDs.
  std::vector<std::string> add_entries(const std::string& stream, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      const std::string data = "frame-" + std::to_string(i), number = std::to_string(i);
      ids.emplace_back(
          RedisClient::view(client_->command({"XADD", stream, "*", "data", data, "n", number}))
              .str());
    }
    return ids;
  }
  // Field `field` of every entry of `stream`, in stream order.
  std::vector<std::string> field_of(const std::string& stream, const std::string& field) {
    const auto reply = client_->command({"XRANGE", stream, "-", "+"});
    const auto entries = RedisClient::view(reply);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto fields = entries[i][1];
      for (std::size_t f = 0; f + 1 < fields.size(); f += 2)
        if (fields[f].str() == field) out.emplace_back(fields[f + 1].str());
    }
    return out;
  }
  long long pending(const std::string& stream, const std::string& group) {
    return RedisClient::view(client_->command({"XPENDING", stream, group}))[0].integer();
  }
  // source (stream "in") -> cloned jittered Delay -> sink (stream "out"), from a config.
  json pipeline_config(const json& source_params) {
    json source = source_params;
    source["redis"] = server_->url();
    source["stream"] = "in";
    json cells = json::array();
    cells.push_back({{"name", "source"}, {"type", "RedisStreamSource"}, {"params", source}});
    cells.push_back({{"name", "work"},
                     {"type", "Delay"},
                     {"params", {{"sleep_ms", 1}, {"jitter_ms", 2}}},
                     {"clones", 3}});
    cells.push_back({{"name", "sink"},
                     {"type", "RedisStreamSink"},
                     {"params", {{"redis", server_->url()}, {"stream", "out"}}}});
    json connections = json::array();
    connections.push_back(json::array({"source.json", "work.in"}));
    connections.push_back(json::array({"work.out", "sink.in"}));
    return {
        {"name", "relay"}, {"cells", cells}, {"connections", connections}, {"max_in_flight", 8}};
  }
  static Registry registry() {
    Registry r = cells::builtin_registry();
    redis::register_redis(r);
    return r;
  }

  static RedisServer* server_;
  std::unique_ptr<RedisClient> client_;
};

RedisServer* RedisStreams::server_ = nullptr;

std::vector<std::string> expected_frames(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back("frame-" + std::to_string(i));
  return out;
}

TEST_F(RedisStreams, TheSinksEntriesFollowTheSourcesOrderAndAllAreAcknowledged) {
  add_entries("in", 300);
  auto pipeline = load_pipeline(pipeline_config({{"start", "0"}, {"follow", false}}), registry());
  pipeline->run();
  EXPECT_EQ(field_of("out", "data"), expected_frames(0, 300));
  EXPECT_EQ(pending("in", "cellflow"), 0) << "every entry acknowledged once its item completed";
}

TEST_F(RedisStreams, ReplayStartsAfterTheGivenEntry) {
  const auto ids = add_entries("in", 50);
  auto pipeline = load_pipeline(
      pipeline_config({{"start", ids[19]}, {"follow", false}, {"group", "replay"}}), registry());
  pipeline->run();
  EXPECT_EQ(field_of("out", "data"), expected_frames(20, 50));
}

TEST_F(RedisStreams, TheJsonOutputHasEveryFieldAndTheId) {
  const auto ids = add_entries("in", 1);
  Pipeline p{"p"};
  auto& source = p.add<redis::RedisStreamSource>(
      "source", {{"redis", server_->url()}, {"stream", "in"}, {"start", "0"}, {"follow", false}});
  p.expose(source.json, "json");
  p.expose(source.data, "data");
  std::vector<json> got;
  p.run([&](Result&& r) {
    got.push_back(r.get<json>("json"));
    EXPECT_EQ(r.get<std::string>("data"), "frame-0");
  });
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (json{{"data", "frame-0"}, {"n", "0"}, {"_id", ids[0]}}));
}

TEST_F(RedisStreams, BadParamsAreListedTogether) {
  try {
    json cells = json::array();
    cells.push_back({{"name", "source"},
                     {"type", "RedisStreamSource"},
                     {"params", {{"redis", "http://x"}, {"block_ms", 0}}}});
    load_pipeline(json{{"name", "bad"}, {"cells", cells}}, registry());
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("params.stream: required (the stream's key)"), std::string::npos)
        << message;
    EXPECT_NE(message.find("params.block_ms: must be >= 1, got 0"), std::string::npos) << message;
    EXPECT_NE(message.find("invalid Redis URL 'http://x'"), std::string::npos) << message;
  }
}

TEST_F(RedisStreams, AnUnreachableServerIsNamedWhenTheCellOpens) {
  Pipeline p{"p"};
  auto& source = p.add<cells::Counter>("numbers", {{"count", 1}});
  auto& sink =
      p.add<redis::RedisStreamSink>("sink", {{"redis", "redis://127.0.0.1:1"}, {"stream", "s"}});
  p.connect(source.out, sink.in);
  try {
    p.run();
    ADD_FAILURE() << "ran";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to Redis at redis://127.0.0.1:1"),
              std::string::npos)
        << e.what();
  }
}

// SIGKILL of `cellflow run` in the middle, then a second run: every entry reaches "out", none
// is lost, and the ones seen twice are only those the first run had not acknowledged.
TEST_F(RedisStreams, ARunKilledAndRestartedLosesNoEntry) {
  add_entries("in", 400);
  json config = pipeline_config({{"start", "0"}, {"follow", false}, {"consumer", "worker-a"}});
  config["cells"][1]["params"]["sleep_ms"] = 5;
  const std::string path = "/tmp/cellflow-redis-relay-" + std::to_string(::getpid()) + ".json";
  std::ofstream(path) << config.dump();
  auto spawn = [&] {
    std::vector<std::string> args = {CELLFLOW_CLI_PATH, "run", "--config", path};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    return pid;
  };
  const pid_t first = spawn();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (field_of("out", "data").size() < 100 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(first, SIGKILL);
  ::waitpid(first, nullptr, 0);
  const std::size_t before_restart = field_of("out", "data").size();
  const long long unacknowledged = pending("in", "cellflow");
  ASSERT_GE(before_restart, 100u);
  ASSERT_LT(before_restart, 400u) << "the run finished before it was killed";
  int status = 0;
  ::waitpid(spawn(), &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::filesystem::remove(path);

  const auto out = field_of("out", "data");
  const std::set<std::string> seen(out.begin(), out.end());
  EXPECT_EQ(seen.size(), 400u) << "no entry lost";
  EXPECT_LE(out.size() - 400, static_cast<std::size_t>(unacknowledged))
      << "only unacknowledged entries are seen twice";
  EXPECT_EQ(pending("in", "cellflow"), 0);
}

}  // namespace
}  // namespace cellflow::testing

// Remote clones against real worker processes (`cellflow worker`) and a redis-server of the
// test's own: 2,000 items through 3 workers with 2 clones each come back once each, in order;
// a worker killed with SIGKILL in the middle loses nothing (its tasks are claimed by the
// others); SIGTERM stops a worker cleanly (exit 0).
#include <gtest/gtest.h>
#include <httplib.h>
#include <spawn.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <future>

#include "../../cells/redis/src/redis_client.hpp"  // internal: cells/redis/src is private
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "cellflow/redis/redis.hpp"
#include "cellflow/redis/worker.hpp"
#include "cellflow/server/http_server.hpp"
#include "redis_server.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;

class RemoteClones : public ::testing::Test {
 protected:
  void SetUp() override {
    config_path_ = "/tmp/cellflow-remote-" + std::to_string(::getpid()) + ".json";
    json cells = json::array();
    cells.push_back({{"name", "numbers"}, {"type", "Counter"}, {"params", {{"count", 2000}}}});
    cells.push_back(
        {{"name", "work"},
         {"type", "Delay"},
         {"params", {{"sleep_ms", 1}, {"jitter_ms", 1}}},
         {"remote",
          {{"redis", server_.url()}, {"queue", "work"}, {"clones", 6}, {"claim_idle_ms", 300}}}});
    const json config = {{"name", "remote"},
                         {"cells", cells},
                         {"connections", json::array({json::array({"numbers.out", "work.in"})})},
                         {"outputs", {{"y", "work.out"}}},
                         {"max_in_flight", 16}};
    std::ofstream(config_path_) << config.dump();
    config_ = config;
  }
  void TearDown() override {
    for (const pid_t pid : workers_) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    std::filesystem::remove(config_path_);
  }

  pid_t start_worker() {
    std::vector<std::string> args = {CELLFLOW_CLI_PATH, "worker", "--config", config_path_,
                                     "--cell",          "work",   "--clones", "2"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    workers_.push_back(pid);
    return pid;
  }
  // Waits until `n` workers announced themselves.
  void await_workers(std::size_t n) {
    redis::RedisClient client(server_.url());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto keys = client.command({"KEYS", "cellflow:worker:work:*"});
      if (redis::RedisClient::view(keys).size() >= n) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL() << n << " workers did not announce themselves";
  }
  // Runs the coordinator; `during(k)` is called after the k-th output.
  std::vector<json> run(const std::function<void(std::size_t)>& during = {}) {
    Registry registry = cells::builtin_registry();
    redis::register_redis(registry, CodecRegistry::defaults());
    auto pipeline = load_pipeline(config_, registry);
    std::vector<json> out;
    pipeline->run([&](Result&& r) {
      EXPECT_TRUE(r.ok()) << describe(r.error());
      if (r.ok()) out.push_back(r.get<json>("y"));
      if (during) during(out.size());
    });
    return out;
  }
  // The config served in request mode: the remote cell alone, its input exposed as "x".
  json served_config() const {
    json served = config_;
    served["cells"] = json::array({config_["cells"][1]});
    served.erase("connections");
    served["inputs"] = {{"x", "work.in"}};
    return served;
  }
  void expect_a_killed_worker_loses_nothing();
  // The queue stream's batch entries and the items in them (their "batch" fields).
  std::pair<std::size_t, std::size_t> batch_entries() const {
    redis::RedisClient client(server_.url());
    const auto reply = client.command({"XRANGE", "cellflow:queue:work", "-", "+"});
    const auto view = redis::RedisClient::view(reply);
    std::size_t entries = 0, items = 0;
    for (std::size_t e = 0; e < view.size(); ++e) {
      const auto fields = view[e][1];
      for (std::size_t f = 0; f + 1 < fields.size(); f += 2)
        if (fields[f].str() == "batch") {
          ++entries;
          items += std::stoul(std::string(fields[f + 1].str()));
        }
    }
    return {entries, items};
  }
  static void expect_in_order(const std::vector<json>& out) {
    ASSERT_EQ(out.size(), 2000u);
    for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], json(i)) << "item " << i;
  }

  RedisServer server_;
  std::string config_path_;
  json config_;
  std::vector<pid_t> workers_;
};

TEST_F(RemoteClones, TwoThousandItemsThroughThreeWorkersComeBackOnceInOrder) {
  for (int i = 0; i < 3; ++i) start_worker();
  await_workers(3);
  expect_in_order(run());
}

// Three workers, one SIGKILLed after 500 outputs while it holds tasks (read, not answered):
// all 2,000 come back once, in order, and the live workers report claiming the dead one's tasks.
void RemoteClones::expect_a_killed_worker_loses_nothing() {
  const pid_t victim = start_worker();
  start_worker();
  start_worker();
  await_workers(3);
  bool killed = false;
  redis::RedisClient probe(server_.url());
  const auto holds_tasks = [&](pid_t pid) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string consumer = std::string(host[0] ? host : "worker") + "-" + std::to_string(pid);
    const auto pending =
        probe.command({"XPENDING", "cellflow:queue:work", "workers", "-", "+", "1", consumer});
    return redis::RedisClient::view(pending).size() > 0;
  };
  expect_in_order(run([&](std::size_t done) {
    if (done >= 500 && !killed && holds_tasks(victim)) {
      ::kill(victim, SIGKILL);
      killed = true;
    }
  }));
  EXPECT_TRUE(killed);
  // The live workers announce the tasks they claimed from the dead one (within a heartbeat).
  redis::RedisClient client(server_.url());
  long long claimed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (claimed == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto keys = client.command({"KEYS", "cellflow:worker:work:*"});
    for (std::size_t i = 0; i < redis::RedisClient::view(keys).size(); ++i) {
      const auto info = client.command({"GET", redis::RedisClient::view(keys)[i].str()});
      if (!redis::RedisClient::view(info).is_nil())
        claimed += json::parse(redis::RedisClient::view(info).str()).value("claimed", 0LL);
    }
  }
  EXPECT_GT(claimed, 0) << "the dead worker's tasks were claimed";
}

TEST_F(RemoteClones, AWorkerKilledInTheMiddleLosesNothing) {
  expect_a_killed_worker_loses_nothing();
}

// The same with the cell batched: a dead worker's batch entries are claimed and answered whole.
TEST_F(RemoteClones, AWorkerKilledInTheMiddleOfBatchesLosesNothing) {
  config_["cells"][1]["batch"] = {{"max_size", 4}, {"max_delay_ms", 5}};
  std::ofstream(config_path_) << config_.dump();
  expect_a_killed_worker_loses_nothing();
  const auto [entries, items] = batch_entries();
  EXPECT_LT(entries, items) << "batches of several items traveled as one entry each";
}

// A cloned nested pipeline runs whole on the workers: one task per item through its exposed
// ports, with every emission of its inner cells (Repeat emits each value twice) back in order.
TEST_F(RemoteClones, ANestedPipelineRunsWholeOnTheWorkers) {
  const json stage = {
      {"name", "stage"},
      {"cells",
       json::array(
           {{{"name", "delay"}, {"type", "Delay"}, {"params", {{"sleep_ms", 1}, {"jitter_ms", 1}}}},
            {{"name", "twice"}, {"type", "Repeat"}, {"params", {{"times", 2}}}}})},
      {"connections", json::array({json::array({"delay.out", "twice.in"})})},
      {"inputs", {{"in", "delay.in"}}},
      {"outputs", {{"out", "twice.out"}}}};
  config_["cells"][0]["params"]["count"] = 300;
  config_["cells"][1].erase("type");
  config_["cells"][1].erase("params");
  config_["cells"][1]["pipeline"] = stage;
  std::ofstream(config_path_) << config_.dump();
  start_worker();
  start_worker();
  await_workers(2);
  Registry registry = cells::builtin_registry();
  redis::register_redis(registry, CodecRegistry::defaults());
  auto pipeline = load_pipeline(config_, registry);
  std::vector<std::vector<json>> out;
  pipeline->run([&](Result&& r) {
    ASSERT_TRUE(r.ok()) << describe(r.error());
    std::vector<json> values;
    for (const Value& v : r.values("y")) values.push_back(v.get<json>());
    out.push_back(values);
  });
  ASSERT_EQ(out.size(), 300u);
  for (std::size_t i = 0; i < out.size(); ++i)
    ASSERT_EQ(out[i], std::vector<json>({json(i), json(i)})) << "item " << i;
}

// A value over the entry limit is refused with a message, not truncated.
TEST_F(RemoteClones, AValueOverTheEntryLimitIsRefused) {
  start_worker();
  await_workers(1);
  Registry registry = cells::builtin_registry();
  redis::register_redis(registry, CodecRegistry::defaults());
  json served = served_config();
  served["cells"][0]["remote"]["max_entry_mb"] = 1;
  auto pipeline = load_pipeline(served, registry);
  pipeline->start();
  std::promise<Result> big, small;
  pipeline->submit({{"x", Value(json(std::string(2 << 20, 'a')))}},
                   [&](Result&& r) { big.set_value(std::move(r)); });
  pipeline->submit({{"x", Value(json(7))}}, [&](Result&& r) { small.set_value(std::move(r)); });
  const Result refused = big.get_future().get();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(describe(refused.error()).find("over the limit of 1048576 for one entry"),
            std::string::npos)
      << describe(refused.error());
  const Result passed = small.get_future().get();
  ASSERT_TRUE(passed.ok()) << describe(passed.error());
  EXPECT_EQ(passed.get<json>("y"), json(7));
  pipeline->stop();
}

TEST_F(RemoteClones, SigtermStopsAWorkerCleanly) {
  const pid_t worker = start_worker();
  await_workers(1);
  expect_in_order(run());
  ::kill(worker, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(worker, &status, 0), worker);
  workers_.clear();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// Redis killed and restarted under a served load: requests in flight and during the outage get
// 503 naming the queue, the workers and the coordinator reconnect by themselves, later requests
// succeed, and no credit leaks (a full window of requests still gets through afterwards).
TEST_F(RemoteClones, RedisRestartedUnderServedLoadFailsWith503ThenRecovers) {
  start_worker();
  start_worker();
  await_workers(2);
  json served = served_config();
  served["cells"][0]["remote"]["timeout_ms"] = 5000;
  served["max_in_flight"] = 4;
  served["timeout_ms"] = 10000;
  Registry registry = cells::builtin_registry();
  redis::register_redis(registry, CodecRegistry::defaults());
  server::HttpServer http({.port = 0, .grpc_port = -1});
  http.add(load_pipeline(served, registry), server::ModelOptions::from_config(served));
  const int port = http.start();
  while (!http.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  std::atomic<bool> stop{false}, restarted{false};
  std::atomic<int> ok_before{0}, unavailable{0}, ok_after{0}, other{0};
  std::string unavailable_body;
  std::mutex body_mutex;
  auto client = [&](int id) {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(std::chrono::seconds(30));
    for (int i = 0; !stop; ++i) {
      const int x = id * 100000 + i;
      const json request = {
          {"inputs", {{{"name", "x"}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {x}}}}}};
      const auto r = c.Post("/v2/models/remote/infer", request.dump(), "application/json");
      if (r && r->status == 200 && json::parse(r->body)["outputs"][0]["data"][0] == x) {
        ++(restarted ? ok_after : ok_before);
      } else if (r && r->status == 503) {
        ++unavailable;
        std::lock_guard lock(body_mutex);
        unavailable_body = r->body;
      } else {
        ++other;
      }
    }
  };
  std::vector<std::thread> clients;
  for (int id = 0; id < 3; ++id) clients.emplace_back(client, id);
  const auto wait_for = [](const std::atomic<int>& count, int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (count < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  };
  wait_for(ok_before, 50);
  server_.kill(SIGKILL);
  wait_for(unavailable, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  server_.start();
  restarted = true;
  wait_for(ok_after, 50);
  stop = true;
  for (auto& t : clients) t.join();

  EXPECT_GE(ok_before, 50);
  EXPECT_GE(unavailable, 1);
  EXPECT_NE(unavailable_body.find("remote queue 'work' unavailable"), std::string::npos)
      << unavailable_body;
  EXPECT_GE(ok_after, 50) << "serving resumed by itself";
  EXPECT_EQ(other, 0) << "only 200 and 503, no timeouts";
  // No credit leaked: 2 x max_in_flight sequential requests still pass.
  httplib::Client c("127.0.0.1", port);
  for (int i = 0; i < 8; ++i) {
    const json request = {
        {"inputs", {{{"name", "x"}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {i}}}}}};
    const auto r = c.Post("/v2/models/remote/infer", request.dump(), "application/json");
    ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no answer");
  }
  http.stop();
}

// The coordinator's statistics route and metrics show the live workers.
TEST_F(RemoteClones, TheStatisticsAndMetricsShowTheLiveWorkers) {
  start_worker();
  start_worker();
  await_workers(2);
  json served = served_config();
  Registry registry = cells::builtin_registry();
  redis::register_redis(registry, CodecRegistry::defaults());
  server::HttpServer http({.port = 0, .grpc_port = -1});
  http.add(load_pipeline(served, registry));
  httplib::Client c("127.0.0.1", http.start());
  while (!http.ready()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto stats = c.Get("/v2/models/remote/stats");
  ASSERT_TRUE(stats && stats->status == 200);
  const json cell = json::parse(stats->body)["model_stats"][0]["cellflow"]["cells"][0];
  EXPECT_EQ(cell["clones"], 6);
  ASSERT_TRUE(cell.contains("remote")) << cell.dump();
  EXPECT_EQ(cell["remote"]["queue"], "work");
  ASSERT_EQ(cell["remote"]["workers"].size(), 2u) << cell.dump();
  EXPECT_EQ(cell["remote"]["workers"][0]["clones"], 2);
  const auto metrics = c.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("cellflow_remote_workers{cell=\"work\",pipeline=\"remote\"} 2"),
            std::string::npos)
      << metrics->body.substr(0, 2000);
  http.stop();
}

// The same from C++: one local clone and two remote ones, through add_remote_clones.
TEST_F(RemoteClones, FromCppOneLocalAndTwoRemoteClones) {
  start_worker();
  await_workers(1);
  Pipeline p{"cpp"};
  auto& numbers = p.add<cells::Counter>("numbers", {{"count", 300}});
  ScaleUp scale{.clones = 1};
  redis::add_remote_clones(scale, {{"redis", server_.url()}, {"queue", "work"}, {"clones", 2}},
                           CodecRegistry::defaults());
  EXPECT_EQ(scale.clones, 3);
  auto& work = p.add<cells::Delay>("work", {{"sleep_ms", 1}}, scale);
  p.connect(numbers.out, work.in);
  p.expose(work.out, "y");
  std::vector<json> out;
  p.run([&](Result&& r) {
    ASSERT_TRUE(r.ok()) << describe(r.error());
    out.push_back(r.get<json>("y"));
  });
  ASSERT_EQ(out.size(), 300u);
  for (std::size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], json(i));
  EXPECT_THROW(redis::add_remote_clones(scale, {{"clones", 0}}, CodecRegistry::defaults()), Error);
}

// Batches both ends: emits its input, or fails it alone when it ends in 3 (x % 10 == 3).
class FailsThrees final : public Cell {
 public:
  Input<json> in{*this, "in"};
  Output<json> out{*this, "out"};
  bool batches() const override { return true; }
  void process(Context& ctx) override {
    const int v = ctx.get(in).get<int>();
    if (v % 10 == 3) throw std::runtime_error("threes fail: " + std::to_string(v));
    ctx.emit(out, ctx.get(in));
  }
};

// A batched cell with one local and two remote clones, its worker in this process: each remote
// clone sends its whole batch as one Redis entry, the worker answers every item in one reply,
// and each item keeps its own value or error, in order.
TEST_F(RemoteClones, ABatchTravelsAsOneEntryAndEachItemKeepsItsAnswer) {
  Registry registry = cells::builtin_registry();
  registry.add<FailsThrees>("FailsThrees", "fails values ending in 3");
  redis::register_redis(registry, CodecRegistry::defaults());
  json served = served_config();
  served["cells"][0] = {{"name", "work"},
                        {"type", "FailsThrees"},
                        {"batch", {{"max_size", 8}, {"max_delay_ms", 20}}},
                        {"remote", {{"redis", server_.url()}, {"queue", "work"}, {"clones", 2}}}};
  std::ofstream(config_path_) << served.dump();
  std::atomic<bool> stop{false};
  std::thread worker([&] {
    redis::WorkerOptions options;
    options.config = config_path_;
    options.cell = "work";
    options.clones = 2;
    redis::run_worker(options, registry, CodecRegistry::defaults(), stop);
  });
  await_workers(1);
  auto pipeline = load_pipeline(served, registry);
  pipeline->start({.max_in_flight = 64, .on_error = ErrorPolicy::kContinue});
  std::vector<std::future<Result>> results;
  for (int v = 0; v < 64; ++v) results.push_back(pipeline->submit({{"x", Value(json(v))}}));
  for (int v = 0; v < 64; ++v) {
    if (v % 10 == 3) {
      EXPECT_THROW(results[v].get(), CellFailure) << v;
    } else {
      EXPECT_EQ(results[v].get().get<json>("y"), json(v)) << "in order";
    }
  }
  pipeline->stop();
  const auto [entries, items] = batch_entries();
  EXPECT_GT(items, 0u) << "the remote clones took batches";
  EXPECT_LT(entries, items) << "a batch of several items traveled as one entry";
  // An entry claiming more items than it carries is answered with an error, not served.
  redis::RedisClient client(server_.url());
  client.command({"XADD", "cellflow:queue:work", "*", "batch", "1000000000", "reply",
                  "cellflow:reply:probe", "id", "probe"});
  std::string error;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (error.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto reply = client.command({"XRANGE", "cellflow:reply:probe", "-", "+"});
    const auto view = redis::RedisClient::view(reply);
    if (view.size() == 0) continue;
    const auto fields = view[0][1];
    for (std::size_t f = 0; f + 1 < fields.size(); f += 2)
      if (fields[f].str() == "error") error = fields[f + 1].str();
  }
  EXPECT_EQ(error, "cannot decode the task: a bad \"batch\" field");
  stop = true;
  worker.join();
}

TEST_F(RemoteClones, ARemoteEntryNeedsAQueue) {
  Registry registry = cells::builtin_registry();
  redis::register_redis(registry, CodecRegistry::defaults());
  json config = config_;
  config["cells"][1]["remote"].erase("queue");
  config["cells"][1]["remote"]["colnes"] = 2;
  try {
    load_pipeline(config, registry);
    ADD_FAILURE() << "loaded";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("cells[1] 'work'.remote.queue: required"), std::string::npos) << message;
    EXPECT_NE(message.find("cells[1] 'work'.remote.colnes: unknown key"), std::string::npos)
        << message;
  }
}

}  // namespace
}  // namespace cellflow::testing

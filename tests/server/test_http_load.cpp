// HttpServer under load and over its lifecycle, through httplib's real client: many concurrent
// clients each getting their own result, admission control (429, 503, 504), readiness while a
// cell opens slowly, and a graceful stop with requests in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cellflow/error.hpp"
#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

// A door the test opens: cells wait on it (at most a minute, so a failing test cannot hang).
class Gate {
 public:
  void wait() {
    std::unique_lock lock(mutex_);
    opened_.wait_for(lock, std::chrono::seconds(60), [this] { return open_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    opened_.notify_all();
  }
  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

Gate open_gate;     // SlowOpen::open() waits on it
Gate process_gate;  // Held::process() waits on it
std::atomic<bool> slow_open_done{false};

// Passes JSON through; open() does not return before open_gate opens.
class SlowOpen final : public Cell {
 public:
  Input<json> in{*this, "in"};
  Output<json> out{*this, "out"};
  void open() override {
    open_gate.wait();
    slow_open_done = true;
  }
  void process(Context& ctx) override { ctx.emit(out, ctx.take(in)); }
};

// Passes JSON through once process_gate opens.
class Held final : public Cell {
 public:
  Input<json> in{*this, "in"};
  Output<json> out{*this, "out"};
  void process(Context& ctx) override {
    process_gate.wait();
    ctx.emit(out, ctx.take(in));
  }
};

template <class C>
std::unique_ptr<Pipeline> single_cell(const std::string& name, std::size_t max_in_flight) {
  auto pipeline = std::make_unique<Pipeline>(name);
  auto& cell = pipeline->add<C>("cell");
  pipeline->expose(cell.in, "x");
  pipeline->expose(cell.out, "y");
  pipeline->set_options({.max_in_flight = max_in_flight});
  return pipeline;
}

httplib::Result infer(int port, const std::string& model, const std::string& id, int value) {
  return client(port)->Post("/v2/models/" + model + "/infer", infer_body(id, json::array({value})),
                            "application/json");
}

TEST(HttpServerLoad, Concurrent64ClientsX50RequestsThroughDelayX8Clones_EachGetsItsOwnResult) {
  constexpr int kClients = 64;
  constexpr int kRequests = 50;
  ServerOptions options = test_options();
  options.threads = kClients;
  HttpServer server(options);
  // Fewer credits than clients: admitted requests queue for a credit.
  server.add(load(delay_config("delay", 1, 8, kClients / 2, 1)));
  const int port = server.start();
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  std::atomic<int> matched{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto http = client(port);
      for (int r = 0; r < kRequests; ++r) {
        const std::string id = "c" + std::to_string(c) + "-r" + std::to_string(r);
        const json values = {c * 1000 + r, c, r};
        auto result =
            http->Post("/v2/models/delay/infer", infer_body(id, values), "application/json");
        ASSERT_TRUE(result) << id << ": " << httplib::to_string(result.error());
        ASSERT_EQ(result->status, 200) << id << ": " << result->body;
        const json body = body_json(result);
        ASSERT_EQ(body["id"], id);
        ASSERT_EQ(body["outputs"][0]["data"], values) << id;
        ++matched;
      }
    });
  }
  for (auto& thread : clients) thread.join();
  EXPECT_EQ(matched, kClients * kRequests);
}

TEST(HttpServerLifecycle, ReadyOnlyAfterSlowOpenFinishes) {
  HttpServer server(test_options());
  server.add(single_cell<SlowOpen>("slow", 8));
  const int port = server.start();
  auto http = client(port);
  auto live = http->Get("/v2/health/live");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->status, 200);
  auto ready = http->Get("/v2/health/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(body_json(ready), json({{"ready", false}}));
  auto model_ready = http->Get("/v2/models/slow/ready");
  ASSERT_TRUE(model_ready);
  EXPECT_EQ(model_ready->status, 503);
  EXPECT_EQ(body_json(model_ready), json({{"name", "slow"}, {"ready", false}}));
  auto early = infer(port, "slow", "early", 1);
  ASSERT_TRUE(early);
  EXPECT_EQ(early->status, 503);
  EXPECT_EQ(error_of(early), "model 'slow' is not ready");
  EXPECT_FALSE(slow_open_done);
  open_gate.open();
  ASSERT_TRUE(eventually([&] { return http->Get("/v2/health/ready")->status == 200; }));
  EXPECT_TRUE(slow_open_done);
  EXPECT_EQ(http->Get("/v2/models/slow/ready")->status, 200);
  EXPECT_EQ(infer(port, "slow", "late", 2)->status, 200);
}

TEST(HttpServerAdmission, OverMaxPendingIs429WithRetryAfter) {
  process_gate.close();
  HttpServer server(test_options());
  auto pipeline = single_cell<Held>("held", 8);
  const Pipeline* held = pipeline.get();
  server.add(std::move(pipeline), {.max_pending = 1});
  const int port = server.start();
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  std::thread first([&] { EXPECT_EQ(infer(port, "held", "first", 1)->status, 200); });
  ASSERT_TRUE(eventually([&] { return held->stats().submitted == 1; }));
  auto refused = infer(port, "held", "second", 2);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 429);
  EXPECT_EQ(refused->get_header_value("Retry-After"), "1");
  EXPECT_EQ(error_of(refused), "model 'held' has 1 requests pending; try again later");
  process_gate.open();
  first.join();
  EXPECT_EQ(infer(port, "held", "third", 3)->status, 200);
}

TEST(HttpServerAdmission, BeyondMaxInFlightWithinMaxPending_queuesForACredit) {
  // max_in_flight 1, max_pending 3: two more requests wait for the credit instead of failing;
  // a fourth pending request is refused at once.
  process_gate.close();
  HttpServer server(test_options());
  auto pipeline = single_cell<Held>("held", 1);
  const Pipeline* held = pipeline.get();
  server.add(std::move(pipeline), {.max_pending = 3});
  const int port = server.start();
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  std::vector<std::thread> admitted;
  for (int i = 1; i <= 3; ++i)
    admitted.emplace_back([&, i] {
      auto answer = infer(port, "held", "r" + std::to_string(i), i);
      ASSERT_TRUE(answer);
      EXPECT_EQ(answer->status, 200) << answer->body;
      EXPECT_EQ(body_json(answer)["outputs"][0]["data"], json::array({i}));
    });
  ASSERT_TRUE(eventually([&] { return held->stats().submitted == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the other two queue
  EXPECT_EQ(held->stats().submitted, 1u) << "only one credit";
  EXPECT_EQ(infer(port, "held", "refused", 4)->status, 429);
  process_gate.open();
  for (auto& thread : admitted) thread.join();
  EXPECT_EQ(held->stats().completed, 3u);
}

TEST(HttpServerAdmission, TimeoutIs504AndTheItemStillFreesItsCredit) {
  process_gate.close();
  HttpServer server(test_options());
  auto pipeline = single_cell<Held>("held", 1);
  const Pipeline* held = pipeline.get();
  server.add(std::move(pipeline), {.timeout = std::chrono::milliseconds(200)});
  const int port = server.start();
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  auto late = infer(port, "held", "late", 1);
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 504);
  EXPECT_EQ(error_of(late), "model 'held' did not answer within 200 ms");
  auto no_credit = infer(port, "held", "no-credit", 2);  // the timed-out item holds the credit
  EXPECT_EQ(no_credit->status, 504);
  EXPECT_EQ(error_of(no_credit), "model 'held' did not answer within 200 ms");
  process_gate.open();
  ASSERT_TRUE(eventually([&] { return held->stats().completed == 1; }));
  auto after = infer(port, "held", "after", 3);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
  EXPECT_EQ(body_json(after)["outputs"][0]["data"], json::array({3}));
}

TEST(HttpServerLifecycle, GracefulStopCompletes20InFlightAndRefusesNewRequests) {
  constexpr int kInFlight = 20;
  ServerOptions options = test_options();
  options.threads = kInFlight + 8;
  process_gate.close();
  HttpServer server(options);
  auto pipeline = single_cell<Held>("held", 32);
  const Pipeline* held = pipeline.get();
  server.add(std::move(pipeline));
  const int port = server.start();
  ASSERT_TRUE(eventually([&] { return server.ready(); }));
  std::vector<std::thread> requests;
  std::atomic<int> answered{0};
  for (int i = 0; i < kInFlight; ++i) {
    requests.emplace_back([&, i] {
      auto result = infer(port, "held", "r" + std::to_string(i), i);
      ASSERT_TRUE(result) << httplib::to_string(result.error());
      EXPECT_EQ(result->status, 200) << result->body;
      EXPECT_EQ(body_json(result)["outputs"][0]["data"], json::array({i}));
      ++answered;
    });
  }
  ASSERT_TRUE(eventually([&] { return held->stats().in_flight == kInFlight; }));
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server.stop();
    stopped = true;
  });
  ASSERT_TRUE(eventually([&] { return !server.ready(); }));
  auto refused = infer(port, "held", "late", 99);  // the listener still runs: a JSON 503
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(error_of(refused), "server is shutting down");
  EXPECT_EQ(client(port)->Get("/v2/health/ready")->status, 503);
  EXPECT_FALSE(stopped);  // waits for the requests in flight
  EXPECT_EQ(answered, 0);
  process_gate.open();
  for (auto& thread : requests) thread.join();
  stopper.join();
  EXPECT_EQ(answered, kInFlight);
  EXPECT_FALSE(server.live());
  auto after = infer(port, "held", "after", 100);  // listener closed: nobody answers
  EXPECT_FALSE(after);
  EXPECT_EQ(after.error(), httplib::Error::Connection);
  server.stop();  // idempotent
  server.wait();  // returns at once once stopped
}

TEST(HttpServerLifecycle, AddRejectsDuplicateNamesAndStreamPipelines) {
  HttpServer server(test_options());
  server.add(load(delay_config("echo", 0)));
  try {
    server.add(load(delay_config("echo", 0)));
    ADD_FAILURE() << "duplicate model accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.problems(), std::vector<std::string>{"model 'echo' is already served"});
  }
  json stream = {
      {"name", "stream"},
      {"cells", {{{"name", "counter"}, {"type", "Counter"}, {"params", {{"count", 3}}}}}},
      {"outputs", {{"y", "counter.out"}}}};
  try {
    server.add(load(stream));
    ADD_FAILURE() << "stream pipeline accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.problems(),
              std::vector<std::string>{
                  "pipeline 'stream' exposes no inputs: a stream pipeline cannot serve requests"});
  }
  server.start();
  EXPECT_THROW(server.add(load(delay_config("late", 0))), Error);
  EXPECT_THROW(server.start(), Error);
}

struct Pt {
  double x = 0, y = 0;
};
class MakePt final : public Cell {
 public:
  Input<std::int64_t> x{*this, "x"};
  Output<Pt> pt{*this, "pt"};
  void process(Context& ctx) override { ctx.emit(pt, Pt{double(ctx.get(x)), 0}); }
};

TEST(HttpServerLifecycle, AddWithoutACodecSaysHowToRegisterOne) {
  HttpServer server(test_options());
  auto points = std::make_unique<Pipeline>("points");
  auto& make = points->add<MakePt>("make");
  points->expose(make.x, "x");
  points->expose(make.pt, "pt");
  try {
    server.add(std::move(points));
    ADD_FAILURE() << "a port without a codec accepted";
  } catch (const Error& error) {
    const std::string pt = type_name<Pt>();
    EXPECT_EQ(error.problems(),
              std::vector<std::string>{
                  "pipeline 'points': no codec for output 'pt' (" + pt +
                  "): register one, codecs.add<" + pt +
                  ">(std::make_shared<YourCodec>()) on a CodecRegistry::defaults() given to "
                  "HttpServer(options, codecs) (cellflow/codecs/codec.hpp)"});
  }
}

TEST(ModelOptions, FromConfigReadsMaxPendingAndTimeout) {
  const ModelOptions options = ModelOptions::from_config({{"max_pending", 3}, {"timeout_ms", 250}});
  EXPECT_EQ(options.max_pending, 3u);
  EXPECT_EQ(options.timeout, std::chrono::milliseconds(250));
  const ModelOptions defaults = ModelOptions::from_config(json::object());
  EXPECT_EQ(defaults.max_pending, 0u);
  EXPECT_EQ(defaults.timeout, std::chrono::milliseconds(0));
  try {
    ModelOptions::from_config({{"max_pending", 0}, {"timeout_ms", "soon"}});
    ADD_FAILURE() << "bad values accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.problems(), (std::vector<std::string>{
                                    "max_pending: expected a positive integer, got 0",
                                    "timeout_ms: expected a non-negative integer, got \"soon\""}));
  }
}

}  // namespace
}  // namespace cellflow::server::testing

// Scenarios A9, A10 and the stream half of A12: error policies in run(), credits with a slow
// cell, stopping and destroying a pipeline while run() executes on another thread.
#include <gtest/gtest.h>

#include <atomic>
#include <numeric>
#include <thread>
#include <typeinfo>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

struct CustomError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Throws CustomError on the value `at`.
class ThrowAt final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> at{*this, "at", 500, "failing value"};
  void process(Context& ctx) override {
    if (ctx.get(in) == *at) throw CustomError("custom failure at " + std::to_string(*at));
    ctx.emit(out, ctx.get(in));
  }
};

// A9
TEST(StreamMode, FailFast_counter1000_failOn500_rethrowsOriginal) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 1000}});
  auto& guard = p.add<cells::Fail>("guard", {{"on", json::array({500})}, {"message", "bad 500"}});
  p.connect(src.out, guard.in);
  p.expose(guard.out, "y");
  std::vector<json> got;
  const auto start = std::chrono::steady_clock::now();
  try {
    p.run([&](Result&& r) {
      if (r.ok()) got.push_back(r.get<json>("y"));
    });
    ADD_FAILURE() << "run() did not throw";
  } catch (const std::exception& e) {
    EXPECT_EQ(typeid(e), typeid(std::runtime_error))
        << "run() must rethrow the original exception, not a wrapper; got " << typeid(e).name();
    EXPECT_STREQ(e.what(), "bad 500");
  }
  EXPECT_LT(seconds_since(start), 10.0);
  for (std::size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], json(i)) << "sink order";
  EXPECT_LE(got.size(), 500u) << "nothing after the failed item is delivered as success";
}

TEST(StreamMode, FailFast_customExceptionType_stopsSourceEarly_1M) {
  Pipeline p{"p"};
  FlowProbe probe;
  auto& src = add_cell<IntSource>(p, "src", {{"count", 1'000'000}}, &probe);
  auto& boom = p.add<ThrowAt>("boom", {{"at", 500}});
  auto& tail = p.add<Tap>("tail");
  p.connect(src.out, boom.in);
  p.connect(boom.out, tail.in);
  p.expose(tail.out, "y");
  p.set_options({.max_in_flight = 16});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(p.run(), CustomError);
  EXPECT_LT(seconds_since(start), 10.0);
  EXPECT_LT(probe.emitted.load(), 1000) << "the source must stop soon after the failure";
  EXPECT_FALSE(p.running());
}

TEST(StreamMode, FailFast_endlessCounter_failOn50_returns) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", -1}});
  auto& guard = p.add<cells::Fail>("guard", {{"on", json::array({50})}, {"message", "stop here"}});
  p.connect(src.out, guard.in);
  p.expose(guard.out, "y");
  EXPECT_THROW(p.run(), std::runtime_error);
}

TEST(StreamMode, Continue_counter20_failOn3and7_deliversFailedResults) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 20}});
  auto& guard = p.add<cells::Fail>("guard", {{"on", json::array({3, 7})}, {"message", "skip me"}});
  auto& tail = p.add<cells::Delay>("tail");
  p.connect(src.out, guard.in);
  p.connect(guard.out, tail.in);
  p.expose(tail.out, "y");
  p.set_options({.max_in_flight = 4, .on_error = ErrorPolicy::kContinue});
  std::vector<Result> results;
  EXPECT_NO_THROW(p.run([&](Result&& r) { results.push_back(std::move(r)); }));
  ASSERT_EQ(results.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(results[i].item().seq, static_cast<std::uint64_t>(i));
    if (i == 3 || i == 7) {
      ASSERT_FALSE(results[i].ok()) << "item " << i;
      EXPECT_TRUE(contains_all(describe(results[i].error()), {"guard", "skip me"}));
      try {
        std::rethrow_exception(results[i].error());
      } catch (const CellFailure& e) {
        EXPECT_EQ(e.cell(), "guard");
      } catch (...) {
        ADD_FAILURE() << "not a CellFailure";
      }
    } else {
      ASSERT_TRUE(results[i].ok()) << "item " << i;
      EXPECT_EQ(results[i].get<json>("y"), json(i));
    }
  }
  EXPECT_EQ(p.stats().failed, 2u);
}

// A10
TEST(Credits, Credits_8inflight_endlessSource_slowLastCell_probe) {
  Pipeline p{"p"};
  FlowProbe probe;
  auto& src = add_cell<IntSource>(p, "src", {{"count", -1}}, &probe);
  auto& mid = p.add<Tap>("mid");
  auto& slow = add_cell<Tap>(p, "slow", {{"sleep_us", 300}}, nullptr, &probe);
  p.connect(src.out, mid.in);
  p.connect(mid.out, slow.in);
  p.expose(slow.out, "y");
  p.set_options({.max_in_flight = 8});
  std::atomic<int> seen{0};
  int next = 0;
  bool ordered = true;
  std::thread runner([&] {
    EXPECT_NO_THROW(p.run([&](Result&& r) {
      for (auto& v : r.values("y")) ordered = ordered && v.get<int>() == next++;
      seen.fetch_add(1);
    }));
  });
  EXPECT_TRUE(wait_until([&] { return seen.load() >= 1000; }, std::chrono::seconds(60)));
  p.stop();
  runner.join();
  EXPECT_TRUE(ordered);
  EXPECT_GE(probe.emitted.load(), 1000);
  EXPECT_LE(probe.max_seen.load(), 8) << "items in flight exceeded max_in_flight";
  EXPECT_FALSE(p.running());
}

TEST(Credits, Credits_8inflight_100k_items_probe) {
  constexpr int kItems = 100'000;
  Pipeline p{"p"};
  FlowProbe probe;
  auto& src = add_cell<IntSource>(p, "src", {{"count", kItems}}, &probe);
  auto& mid = p.add<Scale>("mid", {{"factor", 1}});
  auto& last = add_cell<Tap>(p, "last", {}, nullptr, &probe);
  p.connect(src.out, mid.in);
  p.connect(mid.out, last.in);
  p.expose(last.out, "y");
  p.set_options({.max_in_flight = 8});
  std::size_t count = 0;
  p.run([&](Result&& r) { count += r.values("y").size(); });
  EXPECT_EQ(count, static_cast<std::size_t>(kItems));
  EXPECT_LE(probe.max_seen.load(), 8);
  EXPECT_EQ(p.stats().in_flight, 0u);
}

TEST(Credits, Credits_1inflight_strictlySerial_200items) {
  Pipeline p{"p"};
  FlowProbe probe;
  auto& src = add_cell<IntSource>(p, "src", {{"count", 200}}, &probe);
  auto& last = add_cell<Tap>(p, "last", {{"sleep_us", 100}}, nullptr, &probe);
  p.connect(src.out, last.in);
  p.expose(last.out, "y");
  p.set_options({.max_in_flight = 1});
  EXPECT_EQ(run_collect<int>(p, "y"), iota_int(0, 200));
  EXPECT_LE(probe.max_seen.load(), 1);
}

// A12, stream mode
TEST(StreamMode, Stop_whileRunOnAnotherThread_endlessCounter) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", -1}});
  auto& d = p.add<cells::Delay>("d", {{"sleep_ms", 1}});
  p.connect(src.out, d.in);
  p.expose(d.out, "y");
  std::atomic<int> seen{0};
  std::atomic<bool> returned{false};
  std::thread runner([&] {
    EXPECT_NO_THROW(p.run([&](Result&&) { seen.fetch_add(1); }));
    returned = true;
  });
  ASSERT_TRUE(wait_until([&] { return seen.load() >= 50; }));
  const auto start = std::chrono::steady_clock::now();
  p.stop();
  EXPECT_TRUE(wait_until([&] { return returned.load(); }));
  runner.join();
  EXPECT_LT(seconds_since(start), 10.0);
  const int after_stop = seen.load();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(seen.load(), after_stop) << "the sink is not called after run() returned";
}

TEST(StreamMode, Destroy_whileRunOnAnotherThread_endlessCounter) {
  auto p = std::make_unique<Pipeline>("p");
  auto& src = p->add<cells::Counter>("src", {{"count", -1}});
  auto& d = p->add<cells::Delay>("d", {{"sleep_ms", 1}});
  p->connect(src.out, d.in);
  p->expose(d.out, "y");
  std::atomic<int> seen{0};
  Pipeline* raw = p.get();
  std::thread runner([&seen, raw] {
    try {
      raw->run([&](Result&&) { seen.fetch_add(1); });
    } catch (...) {
    }
  });
  ASSERT_TRUE(wait_until([&] { return seen.load() >= 20; }));
  p.reset();  // the destructor stops the run and waits for it
  runner.join();
  SUCCEED();
}

TEST(StreamMode, DestroyStartedStreamWithoutRun_noHang) {
  auto p = std::make_unique<Pipeline>("p");
  auto& src = p->add<cells::Counter>("src", {{"count", -1}});
  auto& d = p->add<cells::Delay>("d");
  p->connect(src.out, d.in);
  p->expose(d.out, "y");
  p->start({.max_in_flight = 4});
  EXPECT_TRUE(p->running());
  p.reset();
  SUCCEED();
}

TEST(StreamMode, ItemInfo_seqAndSourceTimestamp_reachResult) {
  class TimedSource final : public Cell {
   public:
    Output<int> out{*this, "out"};
    void process(Context& ctx) override {
      ctx.set_timestamp(std::chrono::nanoseconds(1000 * (k_ + 1)));
      ctx.emit(out, k_);
      if (++k_ == 10) ctx.end_of_stream();
    }

   private:
    int k_ = 0;
  };
  class SeqCheck final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    void process(Context& ctx) override {
      ctx.emit(out, static_cast<int>(ctx.item().seq) - ctx.get(in));
    }
  };
  Pipeline p{"p"};
  auto& src = p.add<TimedSource>("src");
  auto& check = p.add<SeqCheck>("check");
  p.connect(src.out, check.in);
  p.expose(check.out, "delta");
  int n = 0;
  p.run([&](Result&& r) {
    EXPECT_EQ(r.item().seq, static_cast<std::uint64_t>(n));
    EXPECT_EQ(r.item().timestamp, std::chrono::nanoseconds(1000 * (n + 1)));
    EXPECT_EQ(r.get<int>("delta"), 0) << "cells see the item's seq";
    ++n;
  });
  EXPECT_EQ(n, 10);
}

TEST(StreamMode, Lifecycle_openProcessClose_once) {
  struct Counts {
    std::atomic<int> configure{0}, open{0}, process{0}, close{0};
  };
  class Lifecycle final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    explicit Lifecycle(Counts* c) : c_(c) {}
    void configure(const json& params) override {
      Cell::configure(params);
      c_->configure++;
    }
    void open() override { c_->open++; }
    void process(Context& ctx) override {
      EXPECT_EQ(c_->open.load(), 1);
      EXPECT_EQ(c_->close.load(), 0);
      c_->process++;
      ctx.emit(out, ctx.get(in));
    }
    void close() override { c_->close++; }

   private:
    Counts* c_;
  };
  Counts counts;
  {
    Pipeline p{"p"};
    auto& src = p.add<IntSource>("src", {{"count", 25}});
    auto& life = add_cell<Lifecycle>(p, "life", {}, &counts);
    p.connect(src.out, life.in);
    p.expose(life.out, "y");
    EXPECT_EQ(run_collect<int>(p, "y"), iota_int(0, 25));
    EXPECT_EQ(counts.close.load(), 1) << "run() closes cells";
  }
  EXPECT_EQ(counts.open.load(), 1);
  EXPECT_EQ(counts.process.load(), 25);
  EXPECT_EQ(counts.close.load(), 1);
}

// run() again reopens the same cells: the source starts over, clones are rebuilt, and every
// cell is closed after each run.
class OpenCloseCount final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  static inline std::atomic<int> opens{0}, closes{0};
  void open() override { ++opens; }
  void close() override { ++closes; }
  void process(Context& ctx) override { ctx.emit(out, ctx.get(in)); }
};

TEST(StreamMode, RunAgainStartsTheSourcesOverWithTheSameCells) {
  Pipeline p{"again"};
  auto& src = p.add<IntSource>("src", {{"count", 30}});
  auto& work = p.add<Tap>("work", {{"sleep_us", 100}}, ScaleUp{3});
  auto& counted = p.add<OpenCloseCount>("counted");
  p.connect(src.out, work.in);
  p.connect(work.out, counted.in);
  p.expose(counted.out, "y");
  for (int run = 1; run <= 3; ++run) {
    std::vector<int> seen;
    p.run([&](Result&& r) { seen.push_back(r.get<int>("y")); });
    std::vector<int> expected(30);
    std::iota(expected.begin(), expected.end(), 0);
    EXPECT_EQ(seen, expected) << "run " << run;
    EXPECT_EQ(OpenCloseCount::opens, run);
    EXPECT_EQ(OpenCloseCount::closes, run);
  }
}

}  // namespace
}  // namespace cellflow::testing

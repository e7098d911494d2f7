// Scenarios A7, A8 and the request-mode half of A12: submit() from many threads, per-item
// failures, credits at submit, destroying a pipeline with requests in flight.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

// x -> tap -> twice -> y
void build_doubler(Pipeline& p) {
  auto& tap = p.add<Tap>("tap");
  auto& twice = p.add<Scale>("twice", {{"factor", 2}});
  p.connect(tap.out, twice.in);
  p.expose(tap.in, "x");
  p.expose(twice.out, "y");
}

// A7, callback form: completion order is observed directly.
TEST(RequestMode, Submit_8threads_x_1000items_callbacksInSubmissionOrder) {
  constexpr int kThreads = 8, kPerThread = 1000, kTotal = kThreads * kPerThread;
  Pipeline p{"p"};
  build_doubler(p);
  p.start({.max_in_flight = 64});
  std::mutex mu;
  std::vector<std::uint64_t> completion_seqs;
  std::vector<int> wrong_values;
  std::atomic<int> completed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int v = t * kPerThread + i;
        p.submit({{"x", v}}, [&, v](Result&& r) {
          {
            std::lock_guard lock(mu);
            completion_seqs.push_back(r.item().seq);
            if (!r.ok() || r.values("y").size() != 1 || r.get<int>("y") != 2 * v) {
              wrong_values.push_back(v);
            }
          }
          completed.fetch_add(1);
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(wait_until([&] { return completed.load() == kTotal; }, std::chrono::seconds(60)))
      << completed.load() << " of " << kTotal << " completed";
  std::lock_guard lock(mu);
  EXPECT_TRUE(wrong_values.empty()) << wrong_values.size() << " results were not their own";
  ASSERT_EQ(completion_seqs.size(), static_cast<std::size_t>(kTotal));
  for (int i = 0; i < kTotal; ++i) {
    ASSERT_EQ(completion_seqs[i], static_cast<std::uint64_t>(i)) << "completion #" << i;
  }
  EXPECT_EQ(p.stats().completed, static_cast<std::uint64_t>(kTotal));
  p.stop();
}

// A7, future form: each future holds its own result; per thread, seq increases.
TEST(RequestMode, Submit_8threads_x_1000items_futuresOwnResults) {
  constexpr int kThreads = 8, kPerThread = 1000;
  Pipeline p{"p"};
  build_doubler(p);
  p.start({.max_in_flight = 32});
  std::vector<std::vector<std::uint64_t>> seqs(kThreads);
  std::vector<int> wrong(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Result>> futures;
      for (int i = 0; i < kPerThread; ++i) futures.push_back(p.submit({{"x", t * kPerThread + i}}));
      for (int i = 0; i < kPerThread; ++i) {
        Result r = futures[i].get();
        if (r.get<int>("y") != 2 * (t * kPerThread + i)) ++wrong[t];
        seqs[t].push_back(r.item().seq);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(wrong[t], 0) << "thread " << t;
    EXPECT_TRUE(std::is_sorted(seqs[t].begin(), seqs[t].end())) << "thread " << t;
    all.insert(seqs[t].begin(), seqs[t].end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread)) << "seqs are unique";
  EXPECT_EQ(*all.rbegin(), static_cast<std::uint64_t>(kThreads * kPerThread - 1)) << "dense";
  p.stop();
}

// Futures become ready in submission order: once future i is seen ready, every earlier one
// must be ready too (checked in descending order, so a violation cannot be a race artefact).
::testing::AssertionResult futures_ready_in_order(std::vector<std::future<Result>>& futures) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    bool seen_ready = false;
    std::size_t ready = 0;
    for (std::size_t i = futures.size(); i-- > 0;) {
      const bool r = futures[i].wait_for(std::chrono::seconds(0)) == std::future_status::ready;
      if (seen_ready && !r) {
        return ::testing::AssertionFailure() << "future " << i << " not ready after a later one";
      }
      seen_ready = seen_ready || r;
      ready += r ? 1 : 0;
    }
    if (ready == futures.size()) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "futures did not all complete within 60 s";
}

TEST(RequestMode, Futures_completeInSubmissionOrder_jitter_500items) {
  Pipeline p{"p"};
  auto& d = p.add<cells::Delay>("d", {{"sleep_ms", 0.2}, {"jitter_ms", 0.2}});
  p.expose(d.in, "x");
  p.expose(d.out, "y");
  p.start({.max_in_flight = 16});
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 500; ++i) futures.push_back(p.submit({{"x", json(i)}}));
  EXPECT_TRUE(futures_ready_in_order(futures));
  for (int i = 0; i < 500; ++i) EXPECT_EQ(futures[i].get().get<json>("y"), json(i));
  p.stop();
}

// A8
void build_guarded(Pipeline& p) {
  auto& guard =
      p.add<cells::Fail>("guard", {{"on", json::array({13})}, {"message", "unlucky thirteen"}});
  auto& tail = p.add<cells::Delay>("tail");
  p.connect(guard.out, tail.in);
  p.expose(guard.in, "x");
  p.expose(tail.out, "y");
}

TEST(RequestMode, Fail_on13_onlyThatFutureFails_namesCellAndMessage) {
  Pipeline p{"p"};
  build_guarded(p);
  p.start({.max_in_flight = 8});
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 30; ++i) futures.push_back(p.submit({{"x", json(i)}}));
  for (int i = 0; i < 30; ++i) {
    if (i != 13) {
      EXPECT_EQ(futures[i].get().get<json>("y"), json(i)) << "item " << i;
      continue;
    }
    try {
      futures[i].get();
      ADD_FAILURE() << "future 13 did not throw";
    } catch (const CellFailure& e) {
      EXPECT_EQ(e.cell(), "guard");
      EXPECT_TRUE(contains_all(e.what(), {"guard", "unlucky thirteen"}));
      try {
        e.rethrow_original();
      } catch (const std::runtime_error& original) {
        EXPECT_STREQ(original.what(), "unlucky thirteen");
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "expected CellFailure, got: " << e.what();
    }
  }
  // The pipeline keeps serving, and fails 13 again.
  for (int i = 30; i < 130; ++i)
    EXPECT_EQ(p.submit({{"x", json(i)}}).get().get<json>("y"), json(i));
  EXPECT_THROW(p.submit({{"x", json(13)}}).get(), CellFailure);
  EXPECT_EQ(p.submit({{"x", json(14)}}).get().get<json>("y"), json(14));
  EXPECT_EQ(p.stats().failed, 2u);
  p.stop();
}

TEST(RequestMode, Fail_on13_callbackFormGetsFailedResult) {
  Pipeline p{"p"};
  build_guarded(p);
  p.start();
  std::promise<Result> done;
  p.submit({{"x", json(13)}}, [&](Result&& r) { done.set_value(std::move(r)); });
  auto f = done.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  Result r = f.get();
  ASSERT_FALSE(r.ok());
  try {
    std::rethrow_exception(r.error());
  } catch (const CellFailure& e) {
    EXPECT_EQ(e.cell(), "guard");
  } catch (...) {
    ADD_FAILURE() << "error is not a CellFailure: " << describe(r.error());
  }
  EXPECT_TRUE(contains_all(describe(r.error()), {"guard", "unlucky thirteen"}));
  p.stop();
}

TEST(RequestMode, TrySubmit_atCap_returnsFalse_2inflight) {
  Pipeline p{"p"};
  std::atomic<bool> open{false};
  std::atomic<int> entered{0};
  auto& gate = add_cell<Gate>(p, "gate", {}, &open, &entered);
  p.expose(gate.in, "x");
  p.expose(gate.out, "y");
  p.start({.max_in_flight = 2});
  std::atomic<int> done{0};
  auto count = [&](Result&&) { done.fetch_add(1); };
  ASSERT_TRUE(p.try_submit({{"x", 1}}, count));
  ASSERT_TRUE(p.try_submit({{"x", 2}}, count));
  ASSERT_TRUE(wait_until([&] { return entered.load() >= 1; }));
  EXPECT_FALSE(p.try_submit({{"x", 3}}, count)) << "2 credits are held";
  EXPECT_EQ(p.stats().in_flight, 2u);
  open = true;
  ASSERT_TRUE(wait_until([&] { return done.load() == 2; }));
  EXPECT_TRUE(wait_until([&] { return p.try_submit({{"x", 4}}, count); }));
  EXPECT_TRUE(wait_until([&] { return done.load() == 3; }));
  p.stop();
}

TEST(RequestMode, Submit_atCap_blocksUntilCredit_2inflight) {
  Pipeline p{"p"};
  std::atomic<bool> open{false};
  auto& gate = add_cell<Gate>(p, "gate", {}, &open, nullptr);
  p.expose(gate.in, "x");
  p.expose(gate.out, "y");
  p.start({.max_in_flight = 2});
  auto f1 = p.submit({{"x", 1}});
  auto f2 = p.submit({{"x", 2}});
  std::atomic<bool> third_returned{false};
  std::future<Result> f3;
  std::thread submitter([&] {
    f3 = p.submit({{"x", 3}});
    third_returned = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(third_returned.load()) << "submit must block while max_in_flight are in flight";
  open = true;
  submitter.join();
  EXPECT_EQ(f1.get().get<int>("y"), 1);
  EXPECT_EQ(f2.get().get<int>("y"), 2);
  EXPECT_EQ(f3.get().get<int>("y"), 3);
  p.stop();
}

// A12, request mode
TEST(RequestMode, Destroy_withItemsInFlight_everyItemCompletesOnce_60items) {
  std::atomic<int> callbacks{0};
  std::vector<std::future<Result>> futures;
  const auto start = std::chrono::steady_clock::now();
  {
    auto p = std::make_unique<Pipeline>("p");
    auto& d = p->add<cells::Delay>("slow", {{"sleep_ms", 5}});
    p->expose(d.in, "x");
    p->expose(d.out, "y");
    p->start({.max_in_flight = 64});
    for (int i = 0; i < 50; ++i) {
      p->submit({{"x", json(i)}}, [&](Result&&) { callbacks.fetch_add(1); });
    }
    for (int i = 0; i < 10; ++i) futures.push_back(p->submit({{"x", json(i)}}));
    p.reset();  // items are still in flight here
  }
  EXPECT_LT(seconds_since(start), 30.0);
  EXPECT_EQ(callbacks.load(), 50) << "every callback runs exactly once";
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
    try {
      f.get();  // a value or an error, but never a hang or broken promise crash
    } catch (const std::exception&) {
    }
  }
}

TEST(RequestMode, StopThenDestroy_idempotentStop) {
  Pipeline p{"p"};
  build_doubler(p);
  p.start();
  EXPECT_TRUE(p.running());
  EXPECT_EQ(p.submit({{"x", 4}}).get().get<int>("y"), 8);
  p.stop();
  EXPECT_FALSE(p.running());
  EXPECT_NO_THROW(p.stop());
}

TEST(RequestMode, DestroyWithoutStart_noHang) {
  auto p = std::make_unique<Pipeline>("p");
  build_doubler(*p);
  EXPECT_NO_THROW(p.reset());
}

}  // namespace
}  // namespace cellflow::testing

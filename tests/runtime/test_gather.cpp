// Fan-out within one item and fan-in per item: a cell that emits N values per item feeds a cloned
// cell whose N calls run on several clones at once, and a gathering input (kGather) sees all of
// an item's values in one process() call.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

// Emits n, n*10+0, ..., one value per part: item n carries n % 4 values.
class Split final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> parts{*this, "parts"};
  void process(Context& ctx) override {
    const int n = ctx.get(in);
    for (int j = 0; j < n % 4; ++j) ctx.emit(parts, n * 10 + j);
  }
};

// Sleeps a deterministic, value-dependent time, so later parts often finish first; records the
// clone that ran each call and how many calls overlapped.
class SlowSquare final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  static inline std::atomic<int> running{0};
  static inline std::atomic<int> max_running{0};
  void process(Context& ctx) override {
    const int now = running.fetch_add(1) + 1;
    int seen = max_running.load();
    while (now > seen && !max_running.compare_exchange_weak(seen, now)) {
    }
    const int v = ctx.get(in);
    std::this_thread::sleep_for(std::chrono::milliseconds(v % 10 == 0 ? 20 : 2));
    running.fetch_sub(1);
    ctx.emit(out, v * v);
  }
};

// Gathers an item's values: emits their count and their sum, once per item.
class SumAll final : public Cell {
 public:
  Input<int> in{*this, "in", kGather};
  Output<int> count{*this, "count"};
  Output<int> sum{*this, "sum"};
  void process(Context& ctx) override {
    const std::vector<int> all = ctx.take_all(in);
    int total = 0;
    for (const int v : all) total += v;
    ctx.emit(count, static_cast<int>(all.size()));
    ctx.emit(sum, total);
  }
};

std::vector<int> squares_of_parts(int n) {
  std::vector<int> out;
  for (int j = 0; j < n % 4; ++j) out.push_back((n * 10 + j) * (n * 10 + j));
  return out;
}

TEST(Gather, OneItemsValuesRunOnSeveralClonesAndKeepTheirOrder) {
  Pipeline p{"p"};
  auto& split = p.add<Split>("split");
  auto& square = p.add<SlowSquare>("square", {}, ScaleUp{3});
  p.connect(split.parts, square.in);
  p.expose(split.in, "n");
  p.expose(square.out, "squares");
  p.start({.max_in_flight = 1});  // one item at a time: any overlap comes from splitting it
  SlowSquare::max_running = 0;
  for (int n = 0; n < 12; ++n) {
    Result r = p.submit({{"n", Value(n)}}).get();
    std::vector<int> got;
    for (const Value& v : r.values("squares")) got.push_back(v.get<int>());
    EXPECT_EQ(got, squares_of_parts(n)) << "item " << n;
  }
  p.stop();
  EXPECT_GE(SlowSquare::max_running.load(), 2) << "the 3 parts of one item never overlapped";
}

TEST(Gather, GatheringInputSeesAllValuesOfItsItemOnce) {
  Pipeline p{"p"};
  auto& split = p.add<Split>("split");
  auto& square = p.add<SlowSquare>("square", {}, ScaleUp{4});
  auto& sum = p.add<SumAll>("sum");
  p.connect(split.parts, square.in);
  p.connect(square.out, sum.in);
  p.expose(split.in, "n");
  p.expose(sum.count, "count");
  p.expose(sum.sum, "sum");
  p.start({.max_in_flight = 8});
  std::vector<std::future<Result>> futures;
  for (int n = 0; n < 40; ++n) futures.push_back(p.submit({{"n", Value(n)}}));
  for (int n = 0; n < 40; ++n) {
    Result r = futures[n].get();
    int expected = 0;
    for (const int s : squares_of_parts(n)) expected += s;
    ASSERT_EQ(r.values("count").size(), 1U) << "item " << n << ": gathered more than once";
    EXPECT_EQ(r.get<int>("count"), n % 4) << "item " << n;
    EXPECT_EQ(r.get<int>("sum"), expected) << "item " << n;
  }
  p.stop();
}

TEST(Gather, SplitCallFailureFailsOnlyItsItem) {
  class FailOn21 final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<int> out{*this, "out"};
    void process(Context& ctx) override {
      if (ctx.get(in) == 21) throw std::runtime_error("part 21 is bad");
      ctx.emit(out, ctx.get(in));
    }
  };
  Pipeline p{"p"};
  auto& split = p.add<Split>("split");
  auto& check = p.add<FailOn21>("check", {}, ScaleUp{2});
  p.connect(split.parts, check.in);
  p.expose(split.in, "n");
  p.expose(check.out, "y");
  p.start();
  auto bad = p.submit({{"n", Value(2)}});   // parts 20, 21
  auto good = p.submit({{"n", Value(3)}});  // parts 30, 31, 32
  try {
    bad.get();
    ADD_FAILURE() << "item 2 should fail";
  } catch (const CellFailure& e) {
    EXPECT_TRUE(contains_all(e.what(), {"check", "part 21 is bad"}));
  }
  EXPECT_EQ(good.get().values("y").size(), 3U);
  p.stop();
}

TEST(Gather, GatheringInputOfAnItemWithoutValuesIsEmpty) {
  Pipeline p{"p"};
  auto& split = p.add<Split>("split");
  auto& sum = p.add<SumAll>("sum");
  p.connect(split.parts, sum.in);
  p.expose(split.in, "n");
  p.expose(sum.count, "count");
  p.start();
  EXPECT_EQ(p.submit({{"n", Value(4)}}).get().get<int>("count"), 0);  // 4 % 4 = 0 parts
  p.stop();
}

TEST(Gather, GatherFlagSurvivesExposingThroughANestedPipeline) {
  class Inner final : public Pipeline {
   public:
    Inner() : Pipeline("inner") {
      auto& sum = add<SumAll>("sum");
      expose(sum.in, "in");
      expose(sum.count, "count");
    }
  };
  Pipeline p{"p"};
  auto& split = p.add<Split>("split");
  auto& inner = p.add<Inner>("inner");
  EXPECT_TRUE(inner.find_port("in")->gathers());
  p.connect("split.parts", "inner.in");
  p.expose(split.in, "n");
  p.expose_output("count", "inner.count");
  p.start();
  EXPECT_EQ(p.submit({{"n", Value(3)}}).get().get<int>("count"), 3);
  p.stop();
}

}  // namespace
}  // namespace cellflow::testing

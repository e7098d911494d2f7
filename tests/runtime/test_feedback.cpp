// Feedback connections: an input reads what a cell emitted for the previous item (the start value
// for the first); the cells on the loop run one item at a time in item order, whatever clones
// sit on or before it; a cycle without a feedback edge stays a build error.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <random>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

class Sum final : public Cell {
 public:
  Input<std::int64_t> a{*this, "a"};
  Input<std::int64_t> b{*this, "b"};
  Output<std::int64_t> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(a) + ctx.get(b)); }
};

class Hold final : public Cell {
 public:
  Input<std::int64_t> in{*this, "in"};
  Output<std::int64_t> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, ctx.get(in)); }
};

// total = previous + x; records the x it saw and how many items it ran at once; sleeps a random
// 0..jitter_us; throws on x == fail_on.
class Accumulator final : public Cell {
 public:
  Input<int> x{*this, "x"};
  Input<std::int64_t> previous{*this, "previous"};
  Output<std::int64_t> total{*this, "total"};
  Param<int> jitter_us{*this, "jitter_us", 0, "random sleep per item"};
  Param<int> fail_on{*this, "fail_on", -1, "x that fails"};

  static inline std::mutex mutex;
  static inline std::vector<int> seen;
  static inline std::atomic<int> running{0}, most_at_once{0};
  static void reset() {
    seen.clear();
    running = 0;
    most_at_once = 0;
  }

  void process(Context& ctx) override {
    const int now = ++running;
    for (int most = most_at_once; now > most && !most_at_once.compare_exchange_weak(most, now);) {
    }
    if (*jitter_us > 0) sleep_us(std::uniform_int_distribution<int>(0, *jitter_us)(rng_));
    const int value = ctx.get(x);
    {
      std::lock_guard lock(mutex);
      seen.push_back(value);
    }
    --running;
    if (value == *fail_on) throw std::runtime_error("refused " + std::to_string(value));
    ctx.emit(total, ctx.get(previous) + value);
  }

 private:
  std::mt19937 rng_{std::random_device{}()};
};

// Jittered pass-through, to put clones (that finish out of order) in front of a loop.
class Jitter final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  void process(Context& ctx) override {
    sleep_us(std::uniform_int_distribution<int>(0, 400)(rng_));
    ctx.emit(out, ctx.get(in));
  }

 private:
  std::mt19937 rng_{std::random_device{}()};
};

std::vector<std::int64_t> prefix_sums(int n) {
  std::vector<std::int64_t> out;
  std::int64_t total = 0;
  for (int i = 0; i < n; ++i) out.push_back(total += i);
  return out;
}

TEST(Feedback, FibonacciFromACellPair) {
  Pipeline p{"fib"};
  p.add<IntSource>("tick", {{"count", 10}});
  auto& hold = p.add<Hold>("hold");
  auto& sum = p.add<Sum>("sum");
  p.connect(sum.out, hold.in, Feedback{1});  // hold(k) = sum(k-1)
  p.connect(hold.out, sum.a);
  p.connect(hold.out, sum.b, Feedback{0});  // sum(k) = hold(k) + hold(k-1)
  p.expose(sum.out, "fib");
  EXPECT_EQ(run_collect<std::int64_t>(p, "fib"),
            (std::vector<std::int64_t>{1, 2, 3, 5, 8, 13, 21, 34, 55, 89}));
  // run() again starts over from the start values.
  EXPECT_EQ(run_collect<std::int64_t>(p, "fib").front(), 1);
}

void accumulate_behind(Pipeline& p, int upstream_clones, int loop_clones) {
  Accumulator::reset();
  p.add<IntSource>("numbers", {{"count", 100}});
  p.add<Jitter>("jitter", {}, ScaleUp{upstream_clones});
  auto& acc = p.add<Accumulator>("acc", {{"jitter_us", 200}}, ScaleUp{loop_clones});
  p.connect("numbers.out", "jitter.in");
  p.connect("jitter.out", "acc.x");
  p.connect(acc.total, acc.previous, Feedback{0});
  p.expose(acc.total, "total");
  p.set_options({.max_in_flight = 32});
}

TEST(Feedback, AnAccumulatorBehindThreeClonesSeesItemsInOrder) {
  Pipeline p{"running_total"};
  accumulate_behind(p, 3, 1);
  EXPECT_EQ(run_collect<std::int64_t>(p, "total"), prefix_sums(100));
  EXPECT_EQ(Accumulator::seen, iota_int(0, 100));
}

TEST(Feedback, AClonedCellOnALoopRunsOneItemAtATimeInOrder) {
  Pipeline p{"cloned_loop"};
  accumulate_behind(p, 3, 3);
  EXPECT_EQ(run_collect<std::int64_t>(p, "total"), prefix_sums(100));
  EXPECT_EQ(Accumulator::seen, iota_int(0, 100));
  EXPECT_EQ(Accumulator::most_at_once.load(), 1);
}

TEST(Feedback, RequestModeCarriesTheValueFromOneSubmitToTheNext) {
  Pipeline p{"requests"};
  Accumulator::reset();
  auto& acc = p.add<Accumulator>("acc", {}, ScaleUp{2});
  p.connect(acc.total, acc.previous, Feedback{100});
  p.expose(acc.x, "x");
  p.expose(acc.total, "total");
  p.start();
  std::vector<std::future<Result>> results;
  for (int i = 0; i < 50; ++i) results.push_back(p.submit({{"x", i}}));
  std::vector<std::int64_t> totals;
  for (auto& r : results) totals.push_back(r.get().get<std::int64_t>("total"));
  auto expected = prefix_sums(50);
  for (auto& v : expected) v += 100;
  EXPECT_EQ(totals, expected);
}

TEST(Feedback, AFailedItemPassesThePreviousValueOnAndNothingStalls) {
  Pipeline p{"failing"};
  Accumulator::reset();
  p.add<IntSource>("numbers", {{"count", 6}});
  auto& acc = p.add<Accumulator>("acc", {{"fail_on", 3}});
  p.connect("numbers.out", "acc.x");
  p.connect(acc.total, acc.previous, Feedback{0});
  p.expose(acc.total, "total");
  p.set_options({.max_in_flight = 4, .on_error = ErrorPolicy::kContinue});
  std::vector<std::string> got;
  p.run([&](Result&& r) {
    got.push_back(r.ok() ? std::to_string(r.get<std::int64_t>("total")) : "failed");
  });
  // 0, 0+1, 1+2, (3 fails: 3 carries on), 3+4, 7+5
  EXPECT_EQ(got, (std::vector<std::string>{"0", "1", "3", "failed", "7", "12"}));
}

TEST(Feedback, InsideANestedPipeline) {
  Pipeline p{"outer"};
  p.add<IntSource>("numbers", {{"count", 5}});
  auto inner = std::make_unique<Pipeline>("inner");
  auto& acc = inner->add<Accumulator>("acc");
  inner->connect(acc.total, acc.previous, Feedback{10});
  inner->expose(acc.x, "x");
  inner->expose(acc.total, "total");
  Accumulator::reset();
  p.add("inner", [&] { return std::unique_ptr<Cell>(std::move(inner)); });
  p.connect("numbers.out", "inner.x");
  p.expose_output("total", "inner.total");
  EXPECT_EQ(run_collect<std::int64_t>(p, "total"), (std::vector<std::int64_t>{10, 11, 13, 16, 20}));
}

TEST(Feedback, ConfiguredInJsonKeepsARunningTotal) {
  const auto registry = cells::builtin_registry();
  auto p = load_pipeline(json::parse(R"({
    "name": "running_total",
    "cells": [{"name": "numbers", "type": "Counter", "params": {"count": 5}},
              {"name": "total", "type": "Add"}],
    "connections": [["numbers.out", "total.a"], ["total.out", "total.b", {"feedback": 0}]],
    "outputs": {"total": "total.out"}})"),
                         registry);
  EXPECT_EQ(run_collect<json>(*p, "total"), (std::vector<json>{0, 1, 3, 6, 10}));
  const json connection = p->describe()["connections"][1];
  EXPECT_EQ(connection["feedback"], true);
  EXPECT_EQ(connection["initial"], 0);
  EXPECT_NE(to_dot(*p).find("style=dashed"), std::string::npos);
}

TEST(Feedback, ACycleWithoutAFeedbackEdgeIsABuildErrorListingIt) {
  Pipeline p{"ring"};
  auto& a = p.add<Hold>("a");
  auto& b = p.add<Hold>("b");
  p.connect(a.out, b.in);
  p.connect(b.out, a.in);
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"cycle: a -> b -> a"}));
  EXPECT_TRUE(has_problem(problems, {"cellflow::Feedback{initial}"}));
}

TEST(Feedback, BadFeedbackConnectionsAreNamed) {
  Pipeline p{"bad"};
  auto& source = p.add<IntSource>("numbers");
  auto& acc = p.add<Accumulator>("acc");
  auto& sum = p.add<Sum>("sum");
  p.connect(source.out, acc.x, Feedback{0});
  p.connect("sum.out", "sum.a", Feedback{std::string("seven")});
  p.connect(acc.total, acc.previous);
  p.connect(sum.out, sum.b, Feedback{0});
  const auto problems = problems_of([&] { p.validate(); });
  EXPECT_TRUE(has_problem(problems, {"feedback connection 'numbers.out' -> 'acc.x': "
                                     "'numbers' is a source"}));
  EXPECT_TRUE(has_problem(problems, {"feedback connection 'sum.out' -> 'sum.a': start "
                                     "value \"seven\" is not a long"}));
  EXPECT_TRUE(has_problem(problems, {"cycle: acc -> acc"}));
}

TEST(Feedback, AMalformedFeedbackEntryInJsonIsAConfigError) {
  const auto registry = cells::builtin_registry();
  const std::string text = error_text_of([&] {
    load_pipeline(json::parse(R"({
      "name": "p", "cells": [{"name": "numbers", "type": "Counter"}, {"name": "total", "type": "Add"}],
      "connections": [["numbers.out", "total.a"], ["total.out", "total.b", {"feedback": 0, "x": 1}]]})"),
                  registry);
  });
  EXPECT_TRUE(contains_all(text, {"connections[1]", "{\"feedback\": start value}"}));
}

}  // namespace
}  // namespace cellflow::testing

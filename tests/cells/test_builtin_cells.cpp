// The built-in utility cells Delay, Fail, Counter and Repeat, run in real pipelines, plus their
// parameter validation.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

using cells::Counter;
using cells::Delay;
using cells::Fail;
using cells::Repeat;

/// Request-mode pipeline x -> C(params) -> y.
template <class C>
void build_single(Pipeline& p, const json& params) {
  auto& c = p.add<C>("cell", params);
  p.expose(c.in, "x");
  p.expose(c.out, "y");
}

std::vector<json> counter_values(std::int64_t count) {
  Pipeline p{"p"};
  auto& src = p.add<Counter>("src", {{"count", count}});
  auto& tail = p.add<Delay>("tail");
  p.connect(src.out, tail.in);
  p.expose(tail.out, "y");
  return run_collect<json>(p, "y");
}

TEST(Counter, Counter_count5_emits0to4) { EXPECT_EQ(counter_values(5), iota_json(0, 5)); }

TEST(Counter, Counter_count1000_emits0to999) {
  EXPECT_EQ(counter_values(1000), iota_json(0, 1000));
}

TEST(Counter, Counter_count0_emitsNothing) { EXPECT_TRUE(counter_values(0).empty()); }

TEST(Counter, Counter_countMinus1_isEndless_stopAfter2000) {
  Pipeline p{"p"};
  auto& src = p.add<Counter>("src", {{"count", -1}});
  auto& tail = p.add<Delay>("tail");
  p.connect(src.out, tail.in);
  p.expose(tail.out, "y");
  std::atomic<int> seen{0};
  std::atomic<bool> ordered{true};
  std::thread runner([&] {
    p.run([&](Result&& r) {
      for (auto& v : r.values("y")) {
        if (v.get<json>() != json(seen.load())) ordered = false;
        seen.fetch_add(1);
      }
    });
  });
  EXPECT_TRUE(wait_until([&] { return seen.load() >= 2000; }, std::chrono::seconds(60)));
  p.stop();
  runner.join();
  EXPECT_GE(seen.load(), 2000) << "an endless counter keeps going past any count";
  EXPECT_TRUE(ordered.load());
}

TEST(Counter, Counter_defaultCount10) { EXPECT_EQ(Counter().count.value(), 10); }

TEST(Counter, Counter_countMinus5_isConfigError) {
  Counter c;
  EXPECT_THROW(c.configure({{"count", -5}}), Error);
  Pipeline p{"p"};
  auto& src = p.add<Counter>("src", {{"count", -5}});
  auto& tail = p.add<Delay>("tail");
  p.connect(src.out, tail.in);
  p.expose(tail.out, "y");
  EXPECT_TRUE(has_problem(problems_of([&] { p.validate(); }), {"count"}));
}

TEST(Counter, Counter_countString_isConfigError) {
  Counter c;
  EXPECT_THROW(c.configure({{"count", "ten"}}), Error);
}

TEST(Repeat, Repeat_times3_emits3copies_requestMode) {
  Pipeline p{"p"};
  build_single<Repeat>(p, {{"times", 3}});
  p.start();
  Result r = p.submit({{"x", json{{"k", "v"}}}}).get();
  ASSERT_EQ(r.values("y").size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.get<json>("y", i), (json{{"k", "v"}}));
  EXPECT_THROW(r.get<json>("y", 3), std::out_of_range);
  p.stop();
}

TEST(Repeat, Repeat_times0_emitsNothing_requestMode) {
  Pipeline p{"p"};
  build_single<Repeat>(p, {{"times", 0}});
  p.start();
  for (int i = 0; i < 10; ++i) {
    auto f = p.submit({{"x", json(i)}});
    ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    Result r = f.get();
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.values("y").empty());
  }
  p.stop();
}

TEST(Repeat, Repeat_timesMinus1_isConfigError) {
  Repeat r;
  EXPECT_THROW(r.configure({{"times", -1}}), Error);
  Pipeline p{"p"};
  build_single<Repeat>(p, {{"times", -1}});
  EXPECT_TRUE(has_problem(problems_of([&] { p.start(); }), {"times"}));
  EXPECT_FALSE(p.running());
}

TEST(Delay, Delay_passesValuesThrough_mixedJson) {
  Pipeline p{"p"};
  build_single<Delay>(p, {{"sleep_ms", 1}});
  p.start();
  const std::vector<json> values = {json(1), json("two"), json::array({3, 4}), json{{"five", 5}},
                                    json(nullptr)};
  for (const auto& v : values) EXPECT_EQ(p.submit({{"x", v}}).get().get<json>("y"), v);
  p.stop();
}

TEST(Delay, Delay_sleep50ms_5items_atLeast200ms) {
  Pipeline p{"p"};
  build_single<Delay>(p, {{"sleep_ms", 50}});
  p.start();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 5; ++i) futures.push_back(p.submit({{"x", json(i)}}));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(futures[i].get().get<json>("y"), json(i));
  // One instance is never entered concurrently: 5 x 50 ms run one after another.
  EXPECT_GE(seconds_since(start), 0.2);
  p.stop();
}

TEST(Delay, Delay_busy20ms_atLeast15ms) {
  Pipeline p{"p"};
  build_single<Delay>(p, {{"sleep_ms", 20}, {"busy", true}});
  p.start();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(p.submit({{"x", json(7)}}).get().get<json>("y"), json(7));
  EXPECT_GE(seconds_since(start), 0.015);
  p.stop();
}

TEST(Delay, Delay_wrongParamType_namesParam) {
  Delay d;
  try {
    d.configure({{"sleep_ms", "slow"}});
    ADD_FAILURE() << "configure did not throw";
  } catch (const Error& e) {
    EXPECT_TRUE(has_problem(e.problems(), {"sleep_ms"}));
  }
}

TEST(Delay, Delay_unknownAndWrongParams_allReported) {
  Delay d;
  try {
    d.configure({{"sleep_ms", "slow"}, {"bogus", 1}, {"busy", 3}});
    ADD_FAILURE() << "configure did not throw";
  } catch (const Error& e) {
    EXPECT_TRUE(has_problem(e.problems(), {"sleep_ms"}));
    EXPECT_TRUE(has_problem(e.problems(), {"bogus"}));
    EXPECT_TRUE(has_problem(e.problems(), {"busy"}));
  }
}

TEST(Delay, Delay_intForDoubleParam_accepted) {
  Delay d;
  EXPECT_NO_THROW(d.configure({{"sleep_ms", 3}}));
  EXPECT_DOUBLE_EQ(*d.sleep_ms, 3.0);
}

TEST(Fail, Fail_on2andX_throwsOnListedValuesOnly) {
  Pipeline p{"p"};
  build_single<Fail>(p, {{"on", json::array({2, "x"})}, {"message", "listed"}});
  p.start();
  const std::vector<json> fail = {json(2), json("x")};
  const std::vector<json> pass = {json(1), json(3), json("2"), json("y"), json::array({2})};
  for (const auto& v : fail) {
    try {
      p.submit({{"x", v}}).get();
      ADD_FAILURE() << v.dump() << " should fail";
    } catch (const CellFailure& e) {
      EXPECT_EQ(e.cell(), "cell");
      EXPECT_TRUE(contains_all(e.what(), {"listed"}));
    }
  }
  for (const auto& v : pass) EXPECT_EQ(p.submit({{"x", v}}).get().get<json>("y"), v);
  p.stop();
}

TEST(Fail, Fail_defaultMessage_andEmptyOnPassesAll) {
  Pipeline p{"p"};
  build_single<Fail>(p, json::object());
  p.start();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(p.submit({{"x", json(i)}}).get().get<json>("y"), json(i));
  p.stop();
  Pipeline q{"q"};
  build_single<Fail>(q, {{"on", json::array({0})}});
  q.start();
  try {
    q.submit({{"x", json(0)}}).get();
    ADD_FAILURE() << "0 should fail";
  } catch (const CellFailure& e) {
    EXPECT_TRUE(contains_all(e.what(), {"injected failure"}));
  }
  q.stop();
}

TEST(Fail, Fail_onNotArray_isConfigError) {
  Fail f;
  EXPECT_THROW(f.configure({{"on", 13}}), Error);
}

TEST(Add, AddsIntegersAsIntegersAndOtherNumbersAsDoubles) {
  auto add = CellRunner::of<cells::Add>();
  const json sum = add.run({{"a", json(2)}, {"b", json(40)}}).get<json>("out");
  EXPECT_TRUE(sum.is_number_integer());
  EXPECT_EQ(sum, 42);
  EXPECT_DOUBLE_EQ(add.run({{"a", json(0.5)}, {"b", json(2)}}).get<json>("out").get<double>(), 2.5);
}

TEST(Add, ANonNumberFailsTheItemNamingTheInput) {
  auto add = CellRunner::of<cells::Add>();
  const Result r = add.run({{"a", json(1)}, {"b", json("x")}});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains_all(describe(r.error()), {"input 'b' must be a number", "\"x\""}));
}

TEST(Builtin, Ports_areJsonInOut) {
  const auto registry = cells::builtin_registry();
  for (const char* type : {"Delay", "Fail", "Repeat"}) {
    auto cell = registry.create(type);
    ASSERT_NE(cell->find_port("in"), nullptr) << type;
    ASSERT_NE(cell->find_port("out"), nullptr) << type;
    EXPECT_EQ(cell->find_port("in")->type(), typeid(json)) << type;
    EXPECT_EQ(cell->find_port("out")->kind(), PortKind::kOutput) << type;
  }
  auto counter = registry.create("Counter");
  EXPECT_TRUE(counter->is_source());
  EXPECT_EQ(counter->find_port("out")->type(), typeid(json));
}

}  // namespace
}  // namespace cellflow::testing

// Scenarios A1-A5 and A13: values, order and completeness through chains, nesting, fan-out,
// fan-in and 0..N emission.
#include <gtest/gtest.h>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

using IntPair = std::pair<int, int>;

// A1
TEST(Order, TwoOutputSource_adder_first5) {
  Pipeline p{"p"};
  auto& src = p.add<PairSource>("src", {{"count", 20}});
  auto& add = p.add<Adder>("add");
  p.connect(src.tenth, add.a);
  p.connect(src.k, add.b);
  p.expose(add.sum, "sum");
  const auto got = run_collect<double>(p, "sum");
  ASSERT_EQ(got.size(), 20u);
  for (int k = 1; k <= 5; ++k) EXPECT_DOUBLE_EQ(got[k - 1], k / 10.0 + k) << "k=" << k;
}

// A2
TEST(Order, Order_100k_items_3cells) {
  constexpr int kItems = 100'000;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", kItems}});
  auto& c1 = p.add<Scale>("c1", {{"factor", 1}});
  auto& c2 = p.add<Tap>("c2");
  auto& c3 = p.add<Scale>("c3", {{"factor", 1}});
  p.connect(src.out, c1.in);
  p.connect(c1.out, c2.in);
  p.connect(c2.out, c3.in);
  p.expose(c3.out, "y");
  std::vector<int> got;
  got.reserve(kItems);
  std::uint64_t expected_seq = 0;
  bool seq_ok = true;
  p.run([&](Result&& r) {
    seq_ok = seq_ok && r.item().seq == expected_seq++;
    for (const auto& v : r.values("y")) got.push_back(v.get<int>());
  });
  EXPECT_TRUE(seq_ok) << "sink saw items out of seq order";
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kItems));
  for (int i = 0; i < kItems; ++i) ASSERT_EQ(got[i], i) << "at index " << i;
  EXPECT_EQ(p.stats().completed, static_cast<std::uint64_t>(kItems));
}

// A3: flat chain reference.
std::vector<int> run_flat_times_six(int items) {
  Pipeline p{"flat"};
  auto& src = p.add<IntSource>("src", {{"count", items}});
  auto& x2 = p.add<Scale>("x2", {{"factor", 2}});
  auto& x3 = p.add<Scale>("x3", {{"factor", 3}});
  p.connect(src.out, x2.in);
  p.connect(x2.out, x3.in);
  p.expose(x3.out, "y");
  return run_collect<int>(p, "y");
}

template <class Nested>
std::vector<int> run_subclassed(int items) {
  Pipeline p{"outer"};
  auto& src = p.add<IntSource>("src", {{"count", items}});
  auto& nested = p.add<Nested>("nested");
  p.connect(src.out, nested.in);
  p.expose(nested.out, "y");
  return run_collect<int>(p, "y");
}

TEST(Nesting, Nested_depth1_subclassed_equalsFlat_1000items) {
  const auto flat = run_flat_times_six(1000);
  ASSERT_EQ(flat.size(), 1000u);
  EXPECT_EQ(flat[7], 42);
  EXPECT_EQ(run_subclassed<TimesSix>(1000), flat);
}

TEST(Nesting, Nested_depth3_subclassed_equalsFlat_1000items) {
  EXPECT_EQ(run_subclassed<Wrap<Wrap<TimesSix>>>(1000), run_flat_times_six(1000));
}

TEST(Nesting, Nested_depth3_subclassed_cellPaths) {
  Pipeline p{"outer"};
  auto& src = p.add<IntSource>("src", {{"count", 1}});
  auto& nested = p.add<Wrap<Wrap<TimesSix>>>("nested");
  p.connect(src.out, nested.in);
  p.expose(nested.out, "y");
  const auto paths = p.cell_paths();
  EXPECT_NE(std::find(paths.begin(), paths.end(), "nested/inner/inner/x3"), paths.end())
      << join_lines(paths);
  EXPECT_EQ(p.cell("nested/inner/inner/x2").path(), "nested/inner/inner/x2");
}

// Dynamic nesting: level k holds level k-1 and exposes its ports by name.
Pipeline& add_dynamic_level(Pipeline& parent, int depth) {
  auto& level = parent.add<Pipeline>("level" + std::to_string(depth));
  if (depth == 1) {
    auto& x2 = level.add<Scale>("x2", {{"factor", 2}});
    auto& x3 = level.add<Scale>("x3", {{"factor", 3}});
    level.connect(x2.out, x3.in);
    level.expose(x2.in, "in");
    level.expose(x3.out, "out");
  } else {
    auto& child = add_dynamic_level(level, depth - 1);
    level.expose(child.input<int>("in"), "in");
    level.expose(child.output<int>("out"), "out");
  }
  return level;
}

std::vector<int> run_dynamic(int depth, int items) {
  Pipeline p{"outer"};
  auto& src = p.add<IntSource>("src", {{"count", items}});
  auto& nested = add_dynamic_level(p, depth);
  p.connect(src.out, nested.input<int>("in"));
  p.expose(nested.output<int>("out"), "y");
  return run_collect<int>(p, "y");
}

TEST(Nesting, Nested_depth1_dynamic_equalsFlat_1000items) {
  EXPECT_EQ(run_dynamic(1, 1000), run_flat_times_six(1000));
}

TEST(Nesting, Nested_depth3_dynamic_equalsFlat_1000items) {
  EXPECT_EQ(run_dynamic(3, 1000), run_flat_times_six(1000));
}

TEST(Nesting, Nested_requestMode_subclassedAsTopLevel) {
  Wrap<TimesSix> p;
  p.start();
  EXPECT_EQ(p.submit({{"in", 7}}).get().get<int>("out"), 42);
  EXPECT_EQ(p.submit({{"in", -1}}).get().get<int>("out"), -6);
  p.stop();
}

// A4
TEST(FanOut, FanOut_3consumers_speeds_0_0_200us_2000items) {
  constexpr int kItems = 2000;
  Pipeline p{"p"};
  FlowProbe probe;
  std::vector<int> seen_fast1, seen_fast2, seen_slow;
  auto& src = add_cell<IntSource>(p, "src", {{"count", kItems}}, &probe);
  auto& fast1 = add_cell<Tap>(p, "fast1", {}, &seen_fast1, nullptr);
  auto& fast2 = add_cell<Tap>(p, "fast2", {}, &seen_fast2, nullptr);
  auto& slow = add_cell<Tap>(p, "slow", {{"sleep_us", 200}}, &seen_slow, &probe);
  p.connect(src.out, fast1.in);
  p.connect(src.out, fast2.in);
  p.connect(src.out, slow.in);
  p.expose(fast1.out, "y0");
  p.expose(fast2.out, "y1");
  p.expose(slow.out, "y2");
  p.set_options({.max_in_flight = 8});
  std::vector<int> y0, y1, y2;
  p.run([&](Result&& r) {
    for (const auto& v : r.values("y0")) y0.push_back(v.get<int>());
    for (const auto& v : r.values("y1")) y1.push_back(v.get<int>());
    for (const auto& v : r.values("y2")) y2.push_back(v.get<int>());
  });
  const auto expected = iota_int(0, kItems);
  EXPECT_EQ(y0, expected);
  EXPECT_EQ(y1, expected);
  EXPECT_EQ(y2, expected);
  EXPECT_EQ(seen_fast1, expected);
  EXPECT_EQ(seen_fast2, expected);
  EXPECT_EQ(seen_slow, expected);
  EXPECT_LE(probe.max_seen.load(), 8) << "the slow consumer must bound the source via credits";
}

// A5
TEST(FanIn, FanOutFanIn_oneBranchDropsOdd_1000items) {
  constexpr int kItems = 1000;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", kItems}});
  auto& keep = p.add<Tap>("keep");
  auto& drop = p.add<DropOdd>("drop_odd");
  auto& join = p.add<JoinPair>("join");
  p.connect(src.out, keep.in);
  p.connect(src.out, drop.in);
  p.connect(keep.out, join.left);
  p.connect(drop.out, join.right);
  p.expose(join.out, "y");
  p.set_options({.max_in_flight = 16});
  std::vector<IntPair> got;
  std::size_t results = 0;
  p.run([&](Result&& r) {
    ++results;
    for (const auto& v : r.values("y")) got.push_back(v.get<IntPair>());
  });
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kItems / 2));
  for (int i = 0; i < kItems / 2; ++i) {
    EXPECT_EQ(got[i], std::make_pair(2 * i, 2 * i)) << "joined output " << i;
  }
  EXPECT_EQ(results, static_cast<std::size_t>(kItems)) << "every item completes once";
  EXPECT_EQ(p.stats().in_flight, 0u) << "no pending join entries after the run";
}

TEST(FanIn, FanOutFanIn_requestMode_oddItemCompletesEmpty) {
  Pipeline p{"p"};
  auto& keep = p.add<Tap>("keep");
  auto& drop = p.add<DropOdd>("drop_odd");
  auto& join = p.add<JoinPair>("join");
  auto& x = p.add<Tap>("x");
  p.connect(x.out, keep.in);
  p.connect(x.out, drop.in);
  p.connect(keep.out, join.left);
  p.connect(drop.out, join.right);
  p.expose(x.in, "x");
  p.expose(join.out, "y");
  p.start({.max_in_flight = 4});
  for (int i = 0; i < 50; ++i) {
    auto f = p.submit({{"x", i}});
    ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready) << "item " << i;
    Result r = f.get();
    ASSERT_TRUE(r.ok());
    if (i % 2 == 0) {
      ASSERT_EQ(r.values("y").size(), 1u);
      EXPECT_EQ(r.get<IntPair>("y"), std::make_pair(i, i));
    } else {
      EXPECT_TRUE(r.values("y").empty());
      EXPECT_THROW(r.get<IntPair>("y"), std::out_of_range);
    }
  }
  EXPECT_EQ(p.stats().in_flight, 0u);
  p.stop();
}

TEST(FanOut, FanOut_sharesPayload_2consumers) {
  // Both consumers see the very same payload object (fan-out shares immutable data).
  struct AddressOf final : public Cell {
    Input<std::vector<int>> in{*this, "in"};
    Output<std::uintptr_t> out{*this, "out"};
    void process(Context& ctx) override {
      ctx.emit(out, reinterpret_cast<std::uintptr_t>(&ctx.get(in)));
    }
  };
  struct Pass final : public Cell {
    Input<std::vector<int>> in{*this, "in"};
    Output<std::vector<int>> out{*this, "out"};
    void process(Context& ctx) override { ctx.emit(out, ctx.take(in)); }
  };
  Pipeline p{"p"};
  auto& pass = p.add<Pass>("pass");
  auto& a = p.add<AddressOf>("a");
  auto& b = p.add<AddressOf>("b");
  p.connect(pass.out, a.in);
  p.connect(pass.out, b.in);
  p.expose(pass.in, "x");
  p.expose(a.out, "a");
  p.expose(b.out, "b");
  p.start();
  Result r = p.submit({{"x", std::vector<int>(1000, 7)}}).get();
  EXPECT_EQ(r.get<std::uintptr_t>("a"), r.get<std::uintptr_t>("b"));
  p.stop();
}

// A13
TEST(Repeat, Repeat_times0_100items_noOutputsNoStall) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 100}});
  auto& rep = p.add<cells::Repeat>("rep", {{"times", 0}});
  auto& tail = p.add<cells::Delay>("tail");
  p.connect(src.out, rep.in);
  p.connect(rep.out, tail.in);
  p.expose(tail.out, "y");
  p.set_options({.max_in_flight = 4});
  std::size_t results = 0, values = 0;
  const auto start = std::chrono::steady_clock::now();
  p.run([&](Result&& r) {
    ++results;
    values += r.values("y").size();
  });
  EXPECT_EQ(values, 0u);
  EXPECT_EQ(results, 100u) << "an item with no output still completes";
  EXPECT_LT(seconds_since(start), 10.0);
}

TEST(Repeat, Repeat_times3_100items_300outputsInOrder) {
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 100}});
  auto& rep = p.add<cells::Repeat>("rep", {{"times", 3}});
  auto& tail = p.add<cells::Delay>("tail");
  p.connect(src.out, rep.in);
  p.connect(rep.out, tail.in);
  p.expose(tail.out, "y");
  std::vector<json> got;
  p.run([&](Result&& r) {
    EXPECT_EQ(r.values("y").size(), 3u) << "item " << r.item().seq;
    for (auto& v : r.values("y")) got.push_back(v.get<json>());
  });
  ASSERT_EQ(got.size(), 300u);
  for (int i = 0; i < 300; ++i) EXPECT_EQ(got[i], json(i / 3)) << "at " << i;
}

TEST(Repeat, Repeat_times3_thenRepeat2_perValueCalls) {
  // A cell is called once per value on its input: 3 x 2 = 6 outputs per item.
  Pipeline p{"p"};
  auto& src = p.add<cells::Counter>("src", {{"count", 10}});
  auto& r3 = p.add<cells::Repeat>("r3", {{"times", 3}});
  auto& r2 = p.add<cells::Repeat>("r2", {{"times", 2}});
  p.connect(src.out, r3.in);
  p.connect(r3.out, r2.in);
  p.expose(r2.out, "y");
  const auto got = run_collect<json>(p, "y");
  ASSERT_EQ(got.size(), 60u);
  for (int i = 0; i < 60; ++i) EXPECT_EQ(got[i], json(i / 6));
}

}  // namespace
}  // namespace cellflow::testing

// Scale-up beyond the basics (scenarios B1, B4, B9 and friends): rescaling a running pipeline,
// long jittered runs, stateful cells behind clones, independently scaled branches re-joined.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "cellflow/cells/delay.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

/// Passes its input through after a pseudo-random 0..max_us sleep (derived from the value, so the
/// jitter differs per item), and records which clone ran it.
class Jitter final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> max_us{*this, "max_us", 200, "upper bound of the per-item sleep"};
  Param<int> drop_every{*this, "drop_every", 0, "emit nothing for multiples of this (0: never)"};
  void process(Context& ctx) override {
    const int v = ctx.get(in);
    sleep_us(static_cast<int>((static_cast<unsigned>(v) * 2654435761u) % (*max_us + 1)));
    if (*drop_every > 0 && v % *drop_every == 0) return;
    ctx.emit(out, v * 1000 + ctx.clone_index());
  }
};

/// Fails the item when its input does not increase: a stateful cell placed after clones.
class Increasing final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  void process(Context& ctx) override {
    const int v = ctx.get(in);
    if (v <= last_)
      throw std::runtime_error("input went from " + std::to_string(last_) + " to " +
                               std::to_string(v));
    last_ = v;
    ctx.emit(out, v);
  }

 private:
  int last_ = -1;
};

class Pair final : public Cell {
 public:
  Input<int> a{*this, "a"};
  Input<int> b{*this, "b"};
  Output<std::pair<int, int>> out{*this, "out"};
  void process(Context& ctx) override { ctx.emit(out, std::make_pair(ctx.get(a), ctx.get(b))); }
};

TEST(Rescale, Rescale_1to8to2to4_during50kItems_noneLostDuplicatedOrReordered) {
  constexpr int kItems = 50'000;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", kItems}});
  auto& work = p.add<Jitter>("work", {{"max_us", 60}}, ScaleUp{1});
  p.connect(src.out, work.in);
  p.expose(work.out, "y");
  std::atomic<int> seen{0};
  std::atomic<int> max_clone{0};
  std::vector<int> values;
  values.reserve(kItems);
  std::thread controller([&] {
    for (auto [at, n] : {std::pair{5'000, 8}, {20'000, 2}, {35'000, 4}}) {
      wait_until([&] { return seen.load() >= at; }, std::chrono::seconds(60));
      p.scale("work", n);
    }
  });
  p.run([&](Result&& r) {
    for (const auto& v : r.values("y")) {
      const int clone = v.get<int>() % 1000;
      values.push_back(v.get<int>() / 1000);
      max_clone = std::max(max_clone.load(), clone);
    }
    seen++;
  });
  controller.join();
  EXPECT_EQ(values, iota_int(0, kItems));
  EXPECT_EQ(max_clone.load(), 7) << "8 clones never ran at once";
  EXPECT_EQ(p.stats().completed, static_cast<std::uint64_t>(kItems));
}

TEST(Rescale, Rescale_shrinkKeepsLowIndexes_8to2_laterItemsUseClones0and1) {
  Pipeline p{"p"};
  auto& work = p.add<Jitter>("work", {{"max_us", 300}}, ScaleUp{8});
  p.expose(work.in, "x");
  p.expose(work.out, "y");
  p.start();
  std::vector<std::future<Result>> before;
  for (int i = 0; i < 400; ++i) before.push_back(p.submit({{"x", i}}));
  p.scale("work", 2);  // returns once the 6 retired clones have left
  std::set<int> clones_after;
  for (int i = 400; i < 800; ++i)
    clones_after.insert(p.submit({{"x", i}}).get().get<int>("y") % 1000);
  for (int i = 0; i < 400; ++i) EXPECT_EQ(before[i].get().get<int>("y") / 1000, i);
  EXPECT_EQ(clones_after, (std::set<int>{0, 1}));
}

TEST(Rescale, Rescale_requestMode_4threads_x_1000_whileScaling1to6to1) {
  Pipeline p{"p"};
  auto& work = p.add<Jitter>("work", {{"max_us", 100}}, ScaleUp{1});
  p.expose(work.in, "x");
  p.expose(work.out, "y");
  p.start({.max_in_flight = 32});
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        const int x = t * 100'000 + i;
        if (p.submit({{"x", x}}).get().get<int>("y") / 1000 != x) wrong++;
      }
    });
  }
  for (int n : {6, 3, 1, 6, 1}) {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    p.scale("work", n);
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(p.stats().completed, 4000u);
}

TEST(Rescale, Rescale_errors_plainCell_badCount_unknownPath_cloneParams) {
  Pipeline p{"p"};
  auto& plain = p.add<Scale>("plain");
  auto& grouped = p.add<Scale>("grouped", json::object(),
                               ScaleUp{2, {json{{"factor", 1}}, json{{"factor", 1}}}});
  p.connect(plain.out, grouped.in);
  p.expose(plain.in, "x");
  p.expose(grouped.out, "y");
  p.start();
  EXPECT_TRUE(contains_all(error_text_of([&] { p.scale("plain", 3); }), {"plain", "ScaleUp"}));
  EXPECT_TRUE(contains_all(error_text_of([&] { p.scale("grouped", 0); }),
                           {"grouped", "between 1 and 256"}));
  EXPECT_TRUE(contains_all(error_text_of([&] { p.scale("grouped", 3); }), {"clone_params", "2"}));
  EXPECT_TRUE(
      contains_all(error_text_of([&] { p.scale("nope", 2); }), {"nope", "plain", "grouped"}));
  EXPECT_EQ(p.submit({{"x", 5}}).get().get<int>("y"), 10);  // still serving, factor 2 then 1
}

TEST(ScaleUp, ScaleUp_16clones_jitter0to20ms_20000items_exactOrder) {
  constexpr int kItems = 20'000;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", kItems}});
  auto& work = p.add<Jitter>("work", {{"max_us", 20'000}}, ScaleUp{16});
  p.connect(src.out, work.in);
  p.expose(work.out, "y");
  std::vector<int> got;
  for (int v : run_collect<int>(p, "y")) got.push_back(v / 1000);
  EXPECT_EQ(got, iota_int(0, kItems));
}

TEST(ScaleUp, ScaleUp_statefulCellAfter8clones_neverSeesDecrease_20000items) {
  constexpr int kItems = 20'000;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", kItems}});
  auto& work = p.add<Jitter>("work", {{"max_us", 100}}, ScaleUp{8});
  auto& check = p.add<Increasing>("check");
  p.connect(src.out, work.in);
  p.connect(work.out, check.in);
  p.expose(check.out, "y");
  std::size_t count = 0;
  EXPECT_NO_THROW(p.run([&](Result&& r) { count += r.values("y").size(); }));
  EXPECT_EQ(count, static_cast<std::size_t>(kItems));
}

TEST(ScaleUp, ScaleUp_branches4and3clones_oneFilters_rejoinedPerItem_5000items) {
  constexpr int kItems = 5'000;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", kItems}});
  auto& a = p.add<Jitter>("a", {{"max_us", 200}}, ScaleUp{4});
  auto& b = p.add<Jitter>("b", {{"max_us", 200}, {"drop_every", 5}}, ScaleUp{3});
  auto& join = p.add<Pair>("join");
  p.connect(src.out, a.in);
  p.connect(src.out, b.in);
  p.connect(a.out, join.a);
  p.connect(b.out, join.b);
  p.expose(join.out, "y");
  std::vector<int> kept;
  for (const auto& [x, y] : run_collect<std::pair<int, int>>(p, "y")) {
    ASSERT_EQ(x / 1000, y / 1000) << "branches out of step";
    kept.push_back(x / 1000);
  }
  std::vector<int> expected;
  for (int i = 0; i < kItems; ++i)
    if (i % 5 != 0) expected.push_back(i);
  EXPECT_EQ(kept, expected);
}

TEST(ScaleUp, ScaleUp_cloneIndexAndParams_eachCloneOwnDevice_viaConfigPath) {
  class Device final : public Cell {
   public:
    Input<int> in{*this, "in"};
    Output<std::pair<int, int>> out{*this, "out"};
    Param<int> device{*this, "device", -1, "device id"};
    void process(Context& ctx) override {
      sleep_us(2000);
      ctx.emit(out, std::make_pair(*device, ctx.clone_index()));
    }
  };
  Pipeline p{"p"};
  auto& d =
      p.add<Device>("d", json::object(),
                    ScaleUp{3, {json{{"device", 10}}, json{{"device", 11}}, json{{"device", 12}}}});
  p.expose(d.in, "x");
  p.expose(d.out, "y");
  p.start();
  std::vector<std::future<Result>> futures;
  for (int i = 0; i < 60; ++i) futures.push_back(p.submit({{"x", i}}));
  std::set<std::pair<int, int>> seen;
  for (auto& f : futures) seen.insert(f.get().get<std::pair<int, int>>("y"));
  EXPECT_EQ(seen, (std::set<std::pair<int, int>>{{10, 0}, {11, 1}, {12, 2}}));
}

}  // namespace
}  // namespace cellflow::testing

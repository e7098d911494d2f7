// Independent sources and synchronisers, end to end: real Ticker sources at set rates into a
// synchronised Join (tuples as JSON), through the public API and JSON configs.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;

json ticker(int count, double rate_hz, double period_ms = 1, double start_ms = 0) {
  return {{"count", count}, {"rate_hz", rate_hz}, {"period_ms", period_ms}, {"start_ms", start_ms}};
}

// a, b: Tickers -> join (synchronised) -> [Delay] -> y. Returns the pipeline.
std::unique_ptr<Pipeline> two_tickers(const json& a, const json& b, Sync sync,
                                      double delay_ms = 0) {
  auto p = std::make_unique<Pipeline>("timed");
  auto& ta = p->add<cells::Ticker>("a", a);
  auto& tb = p->add<cells::Ticker>("b", b);
  auto& join = p->add<cells::Join>("join", {}, std::move(sync));
  p->connect(ta.out, *static_cast<const Input<json>*>(join.find_port("in0")));
  p->connect(tb.out, *static_cast<const Input<json>*>(join.find_port("in1")));
  auto& slow = p->add<cells::Delay>("slow", {{"sleep_ms", delay_ms}});
  p->connect(join.out, slow.in);
  p->expose(slow.out, "y");
  return p;
}

std::vector<json> tuples(Pipeline& p) { return run_collect<json>(p, "y"); }

TEST(Streams, ExactPairsAllHundredStampsOfTwoSourcesAtDifferentRatesInOrder) {
  // 3 ms and 30 ms apart, stamps 0..99 on both: the slow one paces the pairs.
  auto p = two_tickers(ticker(100, 333), ticker(100, 33.3), Sync::exact(), 2);
  const auto got = tuples(*p);
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(got[i]["in0"]["value"], i) << got[i].dump();
    EXPECT_EQ(got[i]["in1"]["value"], i) << got[i].dump();
    EXPECT_EQ(got[i]["in0"]["ts_ms"], got[i]["in1"]["ts_ms"]) << got[i].dump();
  }
}

// The fast input's values wait in the synchroniser for the slow input's: stats() (and the
// cellflow_queue_size gauge built on it) shows each input's buffer on its own.
TEST(Streams, StatsShowWhatWaitsAtEachSynchronisedInput) {
  auto p = two_tickers(ticker(40, 500), ticker(40, 20), Sync::exact());
  p->start({.max_in_flight = 64, .on_error = ErrorPolicy::kFailFast});
  std::map<std::string, std::size_t> most;
  int results = 0;
  p->run([&](Result&&) {
    ++results;
    for (const auto& cell : p->stats().cells)
      if (cell.path == "join")
        for (const auto& [input, waiting] : cell.queued_by_input)
          most[input] = std::max(most[input], waiting);
  });
  EXPECT_EQ(results, 40);
  ASSERT_EQ(most.size(), 2u);
  EXPECT_GE(most["in0"], 3u) << "the 500 Hz input runs ahead of its 20 Hz partner";
  EXPECT_GT(most["in0"], most["in1"]) << "the slow input finds its partner waiting";
}

TEST(Streams, AGracefulStopDrainsEveryFormedTupleThroughASlowCell) {
  auto p = two_tickers(ticker(-1, 500), ticker(-1, 200), Sync::exact(), 20);
  std::vector<int> got;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p->stop();
  });
  p->run([&](Result&& r) {
    ASSERT_TRUE(r.ok());
    got.push_back(r.get<json>("y")["in0"]["value"].get<int>());
  });
  stopper.join();
  ASSERT_GE(got.size(), 5u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], static_cast<int>(i));
  EXPECT_EQ(p->stats().in_flight, 0u);
}

TEST(Streams, LatestGivesEachDriverItemTheNewestSideValueAtOrBeforeItsTime) {
  // Driver at 25 fps (40 ms), side input at 5 fps (200 ms), both stamped in milliseconds. When
  // the side's first value arrives depends on scheduling, so the checks are on stamps: once a
  // side value is there every later driver item has one, never stamped after the driver item,
  // never older than the one before it, and the side value moves on as new ones arrive.
  auto p = two_tickers(ticker(25, 25, 40), ticker(5, 5, 200), Sync::latest("in0"));
  const auto got = tuples(*p);
  ASSERT_EQ(got.size(), 25u) << "one tuple per driver item";
  std::set<double> sides;
  double last_side = -1;
  for (int i = 0; i < 25; ++i) {
    const double t = got[i]["in0"]["ts_ms"];
    EXPECT_EQ(t, 40.0 * i);
    if (!got[i].contains("in1")) {
      EXPECT_EQ(last_side, -1) << "a side value, once there, is kept for later items";
      continue;
    }
    const double side = got[i]["in1"]["ts_ms"];
    EXPECT_LE(side, t) << got[i].dump();
    EXPECT_GE(side, last_side) << "never an older side value than the last one" << got[i].dump();
    EXPECT_EQ(static_cast<int>(side) % 200, 0) << "a value the side source sent";
    last_side = side;
    sides.insert(side);
  }
  EXPECT_GE(sides.size(), 2u) << "the newest side value replaces the one before it";
}

TEST(Streams, RealtimePairsStampsWithinToleranceAndNeverShipsOneTwice) {
  // b runs 2 ms behind a's stamps; tolerance 5 ms.
  auto p = two_tickers(ticker(40, 100, 10), ticker(40, 100, 10, 2),
                       Sync::realtime(std::chrono::milliseconds(5)));
  const auto got = tuples(*p);
  ASSERT_GE(got.size(), 20u);
  double last = -1;
  for (const auto& t : got) {
    const double a = t["in0"]["ts_ms"], b = t["in1"]["ts_ms"];
    EXPECT_LE(std::abs(a - b), 5.0) << t.dump();
    EXPECT_GT(std::min(a, b), last) << "data at or before the last shipped time came back";
    last = std::max(a, b);
  }
}

TEST(Streams, IndependentSourcesOnSeparateBranchesEachKeepTheirOwnOrderAndPace) {
  Pipeline p{"two_streams"};
  auto& fast = p.add<cells::Ticker>("fast", ticker(50, 0));
  auto& slow = p.add<cells::Ticker>("slow", ticker(3, 2));  // its 2nd item at 500 ms
  auto& f = p.add<cells::Delay>("f");
  auto& s = p.add<cells::Delay>("s");
  p.connect(fast.out, f.in);
  p.connect(slow.out, s.in);
  p.expose(f.out, "y");
  p.expose(s.out, "z");
  std::vector<int> ys, zs;
  int ys_before_second_z = -1;
  std::atomic<int> inside{0};
  bool overlapped = false;
  p.run([&](Result&& r) {
    overlapped = overlapped || inside.fetch_add(1) != 0;
    std::this_thread::sleep_for(std::chrono::microseconds(50));  // widen any overlap
    inside.fetch_sub(1);
    ASSERT_TRUE(r.ok());
    for (const auto& v : r.values("y")) ys.push_back(v.get<json>().get<int>());
    for (const auto& v : r.values("z")) {
      zs.push_back(v.get<json>().get<int>());
      if (zs.size() == 2) ys_before_second_z = static_cast<int>(ys.size());
    }
  });
  EXPECT_EQ(ys, (std::vector<int>(iota_int(0, 50))));
  EXPECT_EQ(zs, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(ys_before_second_z, 50) << "the fast stream does not wait for the slow one";
  EXPECT_FALSE(overlapped) << "the sink is called by one stream at a time";
}

TEST(Streams, ExactDropsWhatCannotMatchAndCountsEveryDrop) {
  // a: stamps 0..9, b: 5..14. Pairs 5..9; a's 0..4 and b's 10..14 never match.
  auto p = two_tickers(ticker(10, 0), ticker(10, 0, 1, 5), Sync::exact());
  auto drops = std::make_shared<DropCounter>();
  p->set_options({.max_in_flight = 64, .on_error = ErrorPolicy::kFailFast, .observer = drops});
  const auto got = tuples(*p);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(got[i]["in0"]["value"], i + 5);
  EXPECT_EQ(drops->drops["join/in0/unmatched"], 5);
  EXPECT_EQ(drops->drops["join/in1/unmatched"], 5);
}

TEST(Streams, ZipPolicyPairsTheNthItemsWhateverTheirStamps) {
  auto p = two_tickers(ticker(5, 0, 1, 0), ticker(5, 0, 1, 1000), Sync::zip());
  const auto got = tuples(*p);
  ASSERT_EQ(got.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(got[i]["in0"]["value"], i);
    EXPECT_EQ(got[i]["in1"]["value"], i);
  }
}

TEST(Streams, SynchronisersFromJsonConfig) {
  const json config = json::parse(R"({"name": "cfg", "cells": [
      {"name": "a", "type": "Ticker", "params": {"count": 4}},
      {"name": "b", "type": "Ticker", "params": {"count": 4}},
      {"name": "j", "type": "Join", "params": {"inputs": 2}, "sync": {"policy": "exact"}}],
    "connections": [["a.out", "j.in0"], ["b.out", "j.in1"]], "outputs": {"y": "j.out"}})");
  auto p = load_pipeline(config, cells::builtin_registry());
  EXPECT_EQ(p->describe()["cells"][2]["sync"], json({{"policy", "exact"}}));
  EXPECT_EQ(run_collect<json>(*p, "y").size(), 4u);
}

TEST(Streams, SynchroniserConfigErrorsNameThePathAndTheProblem) {
  json config = json::parse(R"({"name": "cfg", "cells": [
      {"name": "a", "type": "Ticker"}, {"name": "b", "type": "Ticker"},
      {"name": "j", "type": "Join", "sync": {"policy": "soon", "tolerance_ms": -1, "x": 1}}],
    "connections": [["a.out", "j.in0"], ["b.out", "j.in1"]], "outputs": {"y": "j.out"}})");
  const auto problems =
      join_lines(problems_of([&] { load_pipeline(config, cells::builtin_registry()); }));
  EXPECT_TRUE(
      contains_all(problems, {"cells[2] 'j'.sync.policy: expected one of exact, realtime, "
                              "latest, zip, got \"soon\"",
                              "cells[2] 'j'.sync.tolerance_ms: expected a number >= 0, got -1",
                              "cells[2] 'j'.sync.x: unknown key"}))
      << problems;
  config["cells"][2]["sync"] = {{"policy", "latest"}, {"driver", "in7"}};
  const auto driver =
      join_lines(problems_of([&] { load_pipeline(config, cells::builtin_registry()); }));
  EXPECT_TRUE(contains_all(driver, {"cell 'j': sync.driver 'in7' is not one of its inputs"}))
      << driver;
}

TEST(Streams, ASynchroniserNeedsStreamsNotRequests) {
  Pipeline p{"req"};
  auto& j = p.add<cells::Join>("j", {}, Sync::exact());
  p.expose_input("x0", "j.in0");
  p.expose_input("x1", "j.in1");
  p.expose_output("y", "j.out");
  const auto problems = join_lines(problems_of([&] { p.validate(); }));
  EXPECT_TRUE(contains_all(problems, {"cell 'j'", "exposed inputs serves requests"})) << problems;
  (void)j;
}

}  // namespace
}  // namespace cellflow::testing

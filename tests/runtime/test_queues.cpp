// Bounded queues with an overflow policy in front of a slow cell: drop_oldest keeps the cell on
// recent items, drop_newest keeps the first ones, block (the default) loses nothing; every drop
// is counted.
#include <gtest/gtest.h>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;

// Ticker (count items, one every period_ms) -> slow (Delay sleep_ms, with `queue`) -> y.
// With `clones`, slow is a clone group whose clones finish out of order (jitter).
std::unique_ptr<Pipeline> fed_slow_cell(int count, double period_ms, double sleep_ms,
                                        std::optional<Queue> queue, int clones = 0) {
  auto p = std::make_unique<Pipeline>("leaky");
  auto& src = p->add<cells::Ticker>("src", {{"count", count}, {"rate_hz", 1000.0 / period_ms}});
  const json jitter = {{"sleep_ms", sleep_ms}, {"jitter_ms", sleep_ms / 2}, {"seed", 7}};
  auto& slow = clones > 0 ? p->add<cells::Delay>("slow", jitter, ScaleUp{clones})
                          : p->add<cells::Delay>("slow", {{"sleep_ms", sleep_ms}});
  p->connect(src.out, slow.in);
  p->expose(slow.out, "y");
  if (queue) p->set_queue("slow", *queue);
  return p;
}

// Runs `p` and returns the values of y; `dropped`: the drops its observer saw at "slow", which
// stats() also reports while the pipeline runs.
std::vector<int> run_values(Pipeline& p, std::uint64_t& dropped) {
  auto drops = std::make_shared<DropCounter>();
  p.start({.max_in_flight = 256, .on_error = ErrorPolicy::kFailFast, .observer = drops});
  std::vector<int> got;
  std::uint64_t seen_in_stats = 0;
  p.run([&](Result&& r) {
    ASSERT_TRUE(r.ok());
    for (const auto& v : r.values("y")) got.push_back(v.get<json>().get<int>());
    for (const auto& c : p.stats().cells)
      if (c.path == "slow") seen_in_stats = c.dropped;
  });
  dropped = static_cast<std::uint64_t>(drops->drops["slow/in/queue_full"]);
  EXPECT_LE(seen_in_stats, dropped);
  if (dropped > 0) {
    EXPECT_GT(seen_in_stats, 0u) << "stats() counts the drops too";
  }
  return got;
}

// 60 items every 4 ms into a 100 ms cell (or clone group) behind drop_newest(2). The first two
// always fit (nothing waits yet); later ones are kept only once the cell has started on earlier
// ones (when, depends on scheduling).
void expect_newest_dropped(Pipeline& p, std::uint64_t at_least_dropped) {
  std::uint64_t dropped = 0;
  const auto got = run_values(p, dropped);
  EXPECT_EQ(got.size() + dropped, 60u);
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0], 0);
  EXPECT_EQ(got[1], 1) << "the first waiting items stay";
  for (std::size_t i = 1; i < got.size(); ++i) EXPECT_GT(got[i], got[i - 1]) << "order holds";
  EXPECT_GT(dropped, at_least_dropped);
}

TEST(Queues, DropOldestKeepsASlowCellOnRecentItemsAndCountsEveryDrop) {
  // 100 items every 4 ms into a 100 ms cell with room for one waiting item.
  auto p = fed_slow_cell(100, 4, 100, Queue::drop_oldest(1));
  std::uint64_t dropped = 0;
  const auto got = run_values(*p, dropped);
  ASSERT_GE(got.size(), 3u);
  EXPECT_LE(got.size(), 25u) << "the cell has time for about 5 items (more if the feeder slows)";
  EXPECT_EQ(got.size() + dropped, 100u) << "every item is either delivered or counted as dropped";
  for (std::size_t i = 1; i < got.size(); ++i) EXPECT_GT(got[i], got[i - 1]) << "order holds";
  EXPECT_GE((got.back() - got.front()) / static_cast<int>(got.size() - 1), 5)
      << "gaps of about 25 items on average (fewer when the feeder is slowed down)";
  EXPECT_EQ(got.back(), 99) << "the newest item is never dropped: nothing newer waits";
}

TEST(Queues, DropNewestKeepsTheItemsAlreadyWaiting) {
  expect_newest_dropped(*fed_slow_cell(60, 4, 100, Queue::drop_newest(2)), 30);
}

TEST(Queues, BlockLosesNothing) {
  auto p = fed_slow_cell(40, 4, 10, std::nullopt);
  std::uint64_t dropped = 0;
  EXPECT_EQ(run_values(*p, dropped), iota_int(0, 40));
  EXPECT_EQ(dropped, 0u);
}

TEST(Queues, QueueFromJsonAndItsErrors) {
  json config = json::parse(R"({"name": "leaky", "cells": [
      {"name": "src", "type": "Counter", "params": {"count": 3}},
      {"name": "slow", "type": "Delay", "queue": {"capacity": 1, "overflow": "drop_oldest"}}],
    "connections": [["src.out", "slow.in"]], "outputs": {"y": "slow.out"}})");
  auto p = load_pipeline(config, cells::builtin_registry());
  EXPECT_EQ(p->describe()["cells"][1]["queue"],
            json({{"capacity", 1}, {"overflow", "drop_oldest"}}));
  config["cells"][1]["queue"] = {{"capacity", 0}, {"overflow", "sometimes"}};
  config["cells"][1]["queues"] = {{"nope", {{"capacity", 2}}}};
  const auto problems =
      join_lines(problems_of([&] { load_pipeline(config, cells::builtin_registry()); }));
  EXPECT_TRUE(
      contains_all(problems, {"cells[1] 'slow'.queue.capacity: expected an integer >= 1, got 0",
                              "cells[1] 'slow'.queue.overflow: expected one of block, "
                              "drop_oldest, drop_newest, got \"sometimes\"",
                              "cells[1] 'slow'.queues.nope: cell 'slow' has no input 'nope'"}))
      << problems;
}

// Three clones finishing out of order behind a queue with room for one waiting item: the
// dropped items leave at once and never stall the sequencer; what is delivered is in order.
TEST(Queues, ADroppingQueueInFrontOfACloneGroupKeepsOrderAndCountsEveryDrop) {
  auto oldest = fed_slow_cell(100, 4, 100, Queue::drop_oldest(1), 3);
  std::uint64_t dropped = 0;
  const auto got = run_values(*oldest, dropped);
  ASSERT_GE(got.size(), 4u);
  EXPECT_LE(got.size(), 40u) << "3 clones have time for about 12 items";
  EXPECT_EQ(got.size() + dropped, 100u) << "every item is either delivered or counted as dropped";
  for (std::size_t i = 1; i < got.size(); ++i) EXPECT_GT(got[i], got[i - 1]) << "order holds";
  EXPECT_EQ(got.back(), 99) << "the newest item is never dropped: nothing newer waits";

  expect_newest_dropped(*fed_slow_cell(60, 4, 100, Queue::drop_newest(2), 3), 20);
}

// A leaky queue never holds its producer back: a dropped item gives its credit back when it is
// dropped (it keeps its place in order without one). A Ticker paced at `period_ms` into a
// `sleep_ms` cell behind a dropping queue of 1, for each policy, plain or 2 clones, with
// max_in_flight 8 and the default: every item is admitted on its Ticker's schedule (measured by
// the admission stamps of the delivered items), delivered in order or counted as dropped.
// Before the fix, max_in_flight 8 held the source to 7 items per 100 ms (44 of 300 delivered,
// 3.4 s late).
struct Leak {
  Queue::Overflow overflow;
  int clones;
  std::size_t max_in_flight;
  int count;
  double period_ms, sleep_ms;
};

void PrintTo(const Leak& l, std::ostream* os) {
  *os << l.count << " items every " << l.period_ms << " ms into " << l.sleep_ms << " ms";
}

std::string leak_name(const ::testing::TestParamInfo<Leak>& info) {
  const Leak& l = info.param;
  return std::string(l.overflow == Queue::Overflow::kDropOldest ? "DropOldest" : "DropNewest") +
         "_" + std::to_string(l.clones) + "clones_" + std::to_string(l.max_in_flight) + "inflight";
}

class LeakyQueue : public ::testing::TestWithParam<Leak> {};

TEST_P(LeakyQueue, NeverThrottlesItsProducer) {
  const Leak& l = GetParam();
  const Queue queue =
      l.overflow == Queue::Overflow::kDropOldest ? Queue::drop_oldest(1) : Queue::drop_newest(1);
  auto p = fed_slow_cell(l.count, l.period_ms, l.sleep_ms, queue, l.clones);
  auto drops = std::make_shared<DropCounter>();
  p->start({.max_in_flight = l.max_in_flight, .observer = drops});
  std::vector<int> got;
  std::vector<std::chrono::system_clock::time_point> admitted;
  p->run([&](Result&& r) {
    ASSERT_TRUE(r.ok());
    for (const auto& v : r.values("y")) got.push_back(v.get<json>().get<int>());
    if (!r.values("y").empty()) admitted.push_back(r.item().admitted);
  });
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got.size() + drops->drops["slow/in/queue_full"], static_cast<std::size_t>(l.count))
      << "every item is delivered or counted as dropped";
  for (std::size_t i = 1; i < got.size(); ++i) EXPECT_GT(got[i], got[i - 1]) << "order holds";
  const double cycles = (l.count * l.period_ms) / l.sleep_ms;  // how often the cell is free
  EXPECT_LE(got.size(), static_cast<std::size_t>(cycles * (l.clones ? l.clones : 1) * 2 + 4))
      << "the cell only had time for about " << cycles << " items per clone";
  if (l.overflow == Queue::Overflow::kDropOldest) {
    EXPECT_EQ(got.back(), l.count - 1) << "the newest item is never dropped";
  }
  // Admitted on schedule: the last delivered item entered (its number - the first's) periods
  // after the first, not seconds later.
  const double span_ms =
      std::chrono::duration<double, std::milli>(admitted.back() - admitted.front()).count();
  const double late_ms = span_ms - (got.back() - got.front()) * l.period_ms;
  EXPECT_LT(late_ms, 1000) << "the source waited for credits held by dropped items";
}

INSTANTIATE_TEST_SUITE_P(Queues, LeakyQueue,
                         ::testing::Values(Leak{Queue::Overflow::kDropOldest, 0, 8, 250, 4, 100},
                                           Leak{Queue::Overflow::kDropNewest, 0, 8, 250, 4, 100},
                                           Leak{Queue::Overflow::kDropOldest, 2, 8, 250, 4, 100},
                                           Leak{Queue::Overflow::kDropOldest, 0, 64, 600, 2, 300},
                                           Leak{Queue::Overflow::kDropNewest, 2, 64, 600, 2, 300}),
                         leak_name);

// A live source at 100 Hz into a 100 ms cell: it never waits, each new item replaces the one
// waiting to enter, so every delivered item is at most about one period plus one processing
// time old; the others are counted as replaced. Not live: every item arrives, ever later.
std::vector<double> latencies(bool live, int count, std::uint64_t& dropped) {
  Pipeline p{"camera"};
  auto& src = p.add<cells::Ticker>("src", {{"count", count}, {"rate_hz", 100}, {"live", live}});
  auto& slow = p.add<cells::Delay>("slow", {{"sleep_ms", 100}});
  p.connect(src.out, slow.in);
  p.expose(slow.out, "y");
  auto drops = std::make_shared<DropCounter>();
  p.start({.max_in_flight = 64, .on_error = ErrorPolicy::kFailFast, .observer = drops});
  std::vector<double> ms;
  p.run([&](Result&& r) {
    ASSERT_TRUE(r.ok());
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::system_clock::now() -
                                                           r.item().admitted)
                     .count());
  });
  dropped = static_cast<std::uint64_t>(drops->drops["src//replaced"]);
  return ms;
}

TEST(Queues, ALiveSourceKeepsLatencyBoundedAndCountsWhatItReplaced) {
  std::uint64_t dropped = 0;
  const auto live = latencies(true, 60, dropped);
  ASSERT_GE(live.size(), 3u);
  EXPECT_LE(live.size(), 12u);
  EXPECT_EQ(live.size() + dropped, 60u) << "each item is delivered or counted as replaced";
  for (const double ms : live)
    EXPECT_LT(ms, 3 * 10 + 100 + 400) << "3 periods + 1 processing, with slack for TSan";
  const auto blocking = latencies(false, 30, dropped);
  EXPECT_EQ(blocking.size(), 30u) << "not live: nothing is lost";
  EXPECT_EQ(dropped, 0u);
  EXPECT_GT(blocking.back(), 1000) << "and the last item waited behind all the others";
}

// A live 100 Hz source into a detector of 3 clones (50..150 ms each): the stream admits one item
// per clone, so the clones work in parallel on recent items, and the sequencer after them still
// delivers in order; each item is delivered or counted as replaced.
TEST(Queues, ALiveSourceFeedsEveryCloneAndKeepsOrder) {
  Pipeline p{"camera"};
  auto& src = p.add<cells::Ticker>("src", {{"count", 90}, {"rate_hz", 100}, {"live", true}});
  auto& detect = p.add<cells::Delay>("detect", {{"sleep_ms", 100}, {"jitter_ms", 50}, {"seed", 3}},
                                     ScaleUp{3});
  p.connect(src.out, detect.in);
  p.expose(detect.out, "y");
  auto drops = std::make_shared<DropCounter>();
  p.start({.max_in_flight = 64, .on_error = ErrorPolicy::kFailFast, .observer = drops});
  std::vector<int> values;
  std::vector<std::chrono::system_clock::time_point> admitted;
  double worst_ms = 0;
  p.run([&](Result&& r) {
    ASSERT_TRUE(r.ok());
    values.push_back(r.values("y").at(0).get<json>().get<int>());
    admitted.push_back(r.item().admitted);
    worst_ms = std::max(worst_ms, std::chrono::duration<double, std::milli>(
                                      std::chrono::system_clock::now() - r.item().admitted)
                                      .count());
  });
  ASSERT_GE(values.size(), 4u);
  EXPECT_EQ(values.size() + drops->drops["src//replaced"], 90u);
  for (std::size_t i = 1; i < values.size(); ++i) EXPECT_GT(values[i], values[i - 1]);
  EXPECT_LT(worst_ms, 3 * 10 + 150 + 400)
      << "3 periods + the slowest processing, with slack for TSan";
  // One item at a time would admit the next only after the last finished (>= 50 ms later).
  std::chrono::milliseconds closest{1000};
  for (std::size_t i = 1; i < admitted.size(); ++i)
    closest = std::min(closest, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    admitted[i] - admitted[i - 1]));
  EXPECT_LT(closest.count(), 40) << "several items were in the clones at once";
}

}  // namespace
}  // namespace cellflow::testing

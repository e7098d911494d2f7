// Pipeline::stats().cells: every scheduled cell with its clone count and the items waiting for
// it, read while items are held up (what the metrics gauges and the statistics route show).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

struct Held {
  std::atomic<bool> open{false};
  std::atomic<int> entered{0};
  std::atomic<int> done{0};
};

// x -> hold (a gate, plain or cloned) -> work (Tap, 2 clones) -> y
std::unique_ptr<Pipeline> held_pipeline(Held& held, std::optional<ScaleUp> hold_scale) {
  auto p = std::make_unique<Pipeline>("held");
  auto& hold = static_cast<Gate&>(p->add(
      "hold", [&held] { return std::make_unique<Gate>(&held.open, &held.entered); }, {},
      hold_scale));
  auto& work = p->add<Tap>("work", {}, ScaleUp{2});
  p->connect(hold.out, work.in);
  p->expose(hold.in, "x");
  p->expose(work.out, "y");
  return p;
}

CellStats cell_named(const PipelineStats& stats, const std::string& path) {
  for (const auto& cell : stats.cells)
    if (cell.path == path) return cell;
  ADD_FAILURE() << "no cell '" << path << "' in the stats";
  return {};
}

void submit_five(Pipeline& p, Held& held) {
  for (int i = 0; i < 5; ++i) p.submit({{"x", i}}, [&held](Result&&) { held.done.fetch_add(1); });
}

TEST(CellStats, APlainCellShowsTheItemsWaitingForIt) {
  Held held;
  auto p = held_pipeline(held, std::nullopt);
  p->start({.max_in_flight = 16});
  submit_five(*p, held);
  ASSERT_TRUE(wait_until([&] { return held.entered.load() == 1; }));
  ASSERT_TRUE(wait_until([&] { return cell_named(p->stats(), "hold").queued == 4; }))
      << cell_named(p->stats(), "hold").queued;
  const PipelineStats stats = p->stats();
  ASSERT_EQ(stats.cells.size(), 2u);
  EXPECT_EQ(stats.cells[0].path, "hold");
  EXPECT_EQ(stats.cells[0].clones, 0);
  EXPECT_EQ(stats.cells[1].path, "work");
  EXPECT_EQ(stats.cells[1].clones, 2);
  EXPECT_EQ(stats.cells[1].queued, 0u);
  held.open = true;
  ASSERT_TRUE(wait_until([&] { return held.done.load() == 5; }));
  EXPECT_EQ(cell_named(p->stats(), "hold").queued, 0u);
  p->stop();
  EXPECT_TRUE(p->stats().cells.empty());
  EXPECT_EQ(p->stats().completed, 5u);
}

TEST(CellStats, ACloneGroupShowsItsClonesAndItsQueue) {
  Held held;
  auto p = held_pipeline(held, ScaleUp{1});
  p->start({.max_in_flight = 16});
  submit_five(*p, held);
  ASSERT_TRUE(wait_until([&] { return cell_named(p->stats(), "hold").queued == 4; }));
  EXPECT_EQ(cell_named(p->stats(), "hold").clones, 1);
  held.open = true;
  p->scale("hold", 3);
  EXPECT_EQ(cell_named(p->stats(), "hold").clones, 3);
  ASSERT_TRUE(wait_until([&] { return held.done.load() == 5; }));
  EXPECT_EQ(cell_named(p->stats(), "hold").queued, 0u);
}

}  // namespace
}  // namespace cellflow::testing

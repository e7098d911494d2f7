// Clones compose through nesting: a cell cloned ×2 inside a nested pipeline cloned ×2 runs as 4
// concurrent instances, one item's values spread over all of them, and scale() works on the
// nested pipeline's path and on the inner cell's path, before and while running.
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

struct Concurrency {
  std::atomic<int> inside{0}, most{0};
};

// Blocks (like I/O) until `wanted` instances are inside together (or 10 s passed), so the
// highest concurrency shows up reliably on 2 cores.
class Rendezvous final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  static inline Concurrency* shared = nullptr;
  static inline int wanted = 4;
  void process(Context& ctx) override {
    const int now = ++shared->inside;
    for (int most = shared->most; now > most && !shared->most.compare_exchange_weak(most, now);) {
    }
    wait_until([&] { return shared->most.load() >= wanted; }, std::chrono::seconds(10));
    sleep_us(2000);
    --shared->inside;
    ctx.emit(out, ctx.get(in));
  }
};

// Emits each input `times` times, tagged: value * 100 + copy.
class Spread final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<int> times{*this, "times", 1, "copies"};
  void process(Context& ctx) override {
    for (int copy = 0; copy < *times; ++copy) ctx.emit(out, ctx.get(in) * 100 + copy);
  }
};

class Sub : public Pipeline {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  explicit Sub(int times = 1) : Pipeline("sub") {
    auto& spread = add<Spread>("spread", {{"times", times}});
    auto& work = add<Rendezvous>("work", json::object(), ScaleUp{2});
    connect(spread.out, work.in);
    expose(spread.in, in);
    expose(work.out, out);
  }
};

int clones_of(const Pipeline& p, const std::string& path) {
  for (const auto& cell : p.stats().cells)
    if (cell.path == path) return cell.clones;
  return -1;
}

// `items` items through Sub(times) with 2 clones, whose work cell has 2 clones; returns what
// came out and sets `most` to the highest number of work instances seen running together.
std::vector<int> run_through_sub(int items, int times, std::size_t max_in_flight, int& most) {
  Concurrency c;
  Rendezvous::shared = &c;
  Rendezvous::wanted = 4;
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", items}});
  auto& sub = static_cast<Sub&>(p.add(
      "sub", [times] { return std::unique_ptr<Cell>(new Sub(times)); }, json::object(),
      ScaleUp{2}));
  p.connect(src.out, sub.in);
  p.expose(sub.out, "y");
  p.set_options({.max_in_flight = max_in_flight});
  auto out = run_collect<int>(p, "y");
  most = c.most.load();
  return out;
}

std::vector<int> tagged(int items, int times) {
  std::vector<int> expected;
  for (int i = 0; i < items; ++i)
    for (int copy = 0; copy < times; ++copy) expected.push_back(i * 100 + copy);
  return expected;
}

TEST(NestedClones, TwoClonesOfAPipelineWithACellClonedTwiceRunFourInstances) {
  int most = 0;
  EXPECT_EQ(run_through_sub(40, 1, 16, most), tagged(40, 1));
  EXPECT_EQ(most, 4);
}

TEST(NestedClones, OneItemsValuesSpreadOverEveryInnerInstance) {
  int most = 0;
  // One item at a time: only its 8 values can run together.
  EXPECT_EQ(run_through_sub(3, 8, 1, most), tagged(3, 8));
  EXPECT_EQ(most, 4);
}

TEST(NestedClones, ScaleWorksOnTheNestedPipelineAndOnTheInnerCellWhileRunning) {
  Concurrency c;
  Rendezvous::shared = &c;
  Rendezvous::wanted = 1;
  Pipeline p{"p"};
  auto& sub = p.add<Sub>("sub", json::object(), ScaleUp{2});
  p.expose(sub.in, "x");
  p.expose(sub.out, "y");
  p.scale("sub/work", 3);  // before start: the inner cell's own count
  p.start();
  EXPECT_EQ(clones_of(p, "sub/work"), 6);
  std::vector<std::future<Result>> results;
  for (int i = 0; i < 30; ++i) {
    if (i == 10) p.scale("sub", 1);
    if (i == 20) p.scale("sub/work", 4);
    results.push_back(p.submit({{"x", i}}));
  }
  for (int i = 0; i < 30; ++i) EXPECT_EQ(results[i].get().get<int>("y"), i * 100);
  EXPECT_EQ(clones_of(p, "sub/work"), 4);
  const json described = p.describe()["cells"][0];
  EXPECT_EQ(described["clones"], 1);
  EXPECT_EQ(described["pipeline"]["cells"][1]["clones"], 4);
  EXPECT_TRUE(contains_all(error_text_of([&] { p.scale("sub/spread", 0); }),
                           {"clones for 'sub/spread' must be between 1 and"}));
  p.stop();
}

}  // namespace
}  // namespace cellflow::testing

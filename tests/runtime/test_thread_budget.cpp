// Intra-op thread budgets (ScaleUp::threads): parallel oneTBB code inside a clone's process()
// runs within the clone's budget, by default the cores shared out among the clones, so clones
// do not take threads from the flow graph or from each other.
#include <gtest/gtest.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "support/helpers.hpp"

namespace cellflow::testing {
namespace {

// Emits the arena's concurrency as process() sees it, and how many threads ran a parallel loop.
class BudgetProbe final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> budget{*this, "budget"};
  Output<int> loop_threads{*this, "loop_threads"};
  void process(Context& ctx) override {
    std::mutex mutex;
    std::set<std::thread::id> threads;
    tbb::parallel_for(0, 64, [&](int) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
    ctx.emit(budget, tbb::this_task_arena::max_concurrency());
    ctx.emit(loop_threads, static_cast<int>(threads.size()));
  }
};

std::unique_ptr<Pipeline> probe_pipeline(ScaleUp scale) {
  auto p = std::make_unique<Pipeline>("budget");
  auto& probe = p->add<BudgetProbe>("probe", {}, scale);
  p->expose(probe.in, "x");
  p->expose(probe.budget, "budget");
  p->expose(probe.loop_threads, "loop_threads");
  return p;
}

int cores() { return tbb::info::default_concurrency(); }

TEST(ThreadBudget, ByDefaultTheCoresAreSharedOutAmongTheClones) {
  for (const int clones : {1, 2, 4}) {
    auto p = probe_pipeline(ScaleUp{clones});
    p->start();
    const Result result = p->submit({{"x", 1}}).get();
    const int expected = std::max(1, cores() / clones);
    EXPECT_EQ(result.get<int>("budget"), expected) << clones << " clones";
    EXPECT_LE(result.get<int>("loop_threads"), expected) << clones << " clones";
  }
}

TEST(ThreadBudget, AOneThreadBudgetRunsParallelLoopsOnTheClonesOwnThread) {
  auto p = probe_pipeline(ScaleUp{.clones = 2, .threads = 1});
  p->start();
  for (int i = 0; i < 8; ++i) {
    const Result result = p->submit({{"x", i}}).get();
    EXPECT_EQ(result.get<int>("budget"), 1);
    EXPECT_EQ(result.get<int>("loop_threads"), 1);
  }
}

TEST(ThreadBudget, AnExplicitBudgetAndARescaleAreHonoured) {
  auto fixed = probe_pipeline(ScaleUp{.clones = 2, .threads = 3});
  fixed->start();
  EXPECT_EQ(fixed->submit({{"x", 1}}).get().get<int>("budget"), 3);
  auto rescaled = probe_pipeline(ScaleUp{1});
  rescaled->start();
  EXPECT_EQ(rescaled->submit({{"x", 1}}).get().get<int>("budget"), std::max(1, cores()));
  rescaled->scale("probe", 2 * cores());
  EXPECT_EQ(rescaled->submit({{"x", 2}}).get().get<int>("budget"), 1);
}

TEST(ThreadBudget, ThreadsFromAJsonConfig) {
  Registry registry;
  registry.add<BudgetProbe>("BudgetProbe");
  auto p = load_pipeline(json::parse(R"({"name": "budget",
      "cells": [{"name": "probe", "type": "BudgetProbe", "clones": 2, "threads": 3}],
      "inputs": {"x": "probe.in"}, "outputs": {"budget": "probe.budget"}})"),
                         registry);
  p->start();
  EXPECT_EQ(p->submit({{"x", 1}}).get().get<int>("budget"), 3);
}

TEST(ThreadBudget, ThreadsOutOfRangeAreAConfigError) {
  auto p = probe_pipeline(ScaleUp{.clones = 2, .threads = -1});
  const auto problems = problems_of([&] { p->validate(); });
  ASSERT_EQ(problems.size(), 1u) << join_lines(problems);
  EXPECT_TRUE(contains_all(problems[0], {"cell 'probe'", "threads must be between 0", "got -1"}))
      << problems[0];
}

}  // namespace
}  // namespace cellflow::testing

// Dynamic batching: a batched cell runs the items waiting for it together, up to max_size,
// waiting at most max_delay for more; each item keeps its own emissions, error and place.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Records its batches' sizes; per item v: fails v == 3 alone (BatchContext::fail), fails the
// whole batch when any v < 0 (throws), else emits v % 3 copies of v (0, 1 or 2 emissions). Each
// batch takes sleep_ms.
class BatchProbe final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  Param<double> sleep_ms{*this, "sleep_ms", 0.0, "per batch"};
  void process(Context&) override { throw std::logic_error("process_batch only"); }
  bool batches() const override { return true; }
  void process_batch(BatchContext& batch) override {
    {
      std::lock_guard lock(mutex);
      sizes.push_back(batch.size());
    }
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(*sleep_ms));
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (batch[i].get(in) < 0) throw std::runtime_error("the whole batch failed");
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const int v = batch[i].get(in);
      if (v == 3) {
        batch.fail(i, std::make_exception_ptr(std::runtime_error("three fails alone")));
        continue;
      }
      for (int k = 0; k < v % 3; ++k) batch[i].emit(out, v);
    }
  }
  static inline std::mutex mutex;
  static inline std::vector<std::size_t> sizes;
  static std::vector<std::size_t> take_sizes() {
    std::lock_guard lock(mutex);
    return std::exchange(sizes, {});
  }
};

// x -> probe (batched, `clones` clones) -> y, started in request mode.
std::unique_ptr<Pipeline> probe(Batch batch, double sleep_ms = 0, int clones = 1) {
  auto p = std::make_unique<Pipeline>("batched");
  auto& cell = p->add<BatchProbe>("probe", {{"sleep_ms", sleep_ms}}, ScaleUp{clones});
  p->expose(cell.in, "x");
  p->expose(cell.out, "y");
  p->set_batch("probe", std::move(batch));
  BatchProbe::take_sizes();
  p->start({.max_in_flight = 256, .on_error = ErrorPolicy::kContinue});
  return p;
}

// The message a failed item's future throws ("" when it did not fail).
std::string failure_of(std::future<Result>& result) {
  try {
    result.get();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::vector<std::future<Result>> submit_all(Pipeline& p, const std::vector<int>& values) {
  std::vector<std::future<Result>> results;
  for (const int v : values) results.push_back(p.submit({{"x", v}}));
  return results;
}

TEST(Batching, BatchesFormUpToMaxSizeAndNotBeyond) {
  // The first batch sleeps while 39 more items arrive: they wait in batches of at most 4.
  auto p = probe(Batch::up_to(4, 20), 20);
  auto results = submit_all(*p, std::vector<int>(40, 4));
  for (auto& r : results) EXPECT_EQ(r.get().values("y").size(), 1u);
  p->stop();
  const auto sizes = BatchProbe::take_sizes();
  std::size_t total = 0, full = 0;
  for (const auto size : sizes) {
    EXPECT_LE(size, 4u);
    total += size;
    full += size == 4;
  }
  EXPECT_EQ(total, 40u) << "every item ran once";
  EXPECT_GE(full, 5u) << "items that waited together ran together";
}

TEST(Batching, ALoneItemLeavesAfterMaxDelay) {
  auto p = probe(Batch::up_to(8, 60));
  const auto start = Clock::now();
  Result r = p->submit({{"x", 1}}).get();
  const auto waited = Clock::now() - start;
  p->stop();
  EXPECT_EQ(r.get<int>("y"), 1);
  EXPECT_GE(waited, std::chrono::milliseconds(55)) << "it waited for company";
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_EQ(BatchProbe::take_sizes(), std::vector<std::size_t>{1});
}

TEST(Batching, APreferredSizeLeavesAtOnce) {
  auto p = probe(Batch::up_to(8, 5000, {3}));
  const auto start = Clock::now();
  auto results = submit_all(*p, {1, 1, 1});
  for (auto& r : results) EXPECT_TRUE(r.get().ok());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(4)) << "3 is preferred: no 5 s wait";
  p->stop();
  EXPECT_EQ(BatchProbe::take_sizes(), std::vector<std::size_t>{3});
}

TEST(Batching, EachItemKeepsItsOwnErrorAndEmissions) {
  // A batch of exactly 9 (preferred size): 0, 1 or 2 emissions each; 3 fails alone.
  auto p = probe(Batch::up_to(9, 5000, {9}));
  auto results = submit_all(*p, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  for (int v = 0; v < 9; ++v) {
    if (v == 3) {
      EXPECT_EQ(failure_of(results[v]), "cell 'probe' failed: three fails alone");
      continue;
    }
    Result r = results[v].get();
    const auto& values = r.values("y");
    ASSERT_EQ(values.size(), static_cast<std::size_t>(v % 3)) << v;
    for (const auto& value : values) EXPECT_EQ(value.get<int>(), v);
  }
  EXPECT_EQ(BatchProbe::take_sizes(), std::vector<std::size_t>{9});
  // A batch that throws fails each of its items.
  auto whole = submit_all(*p, {1, -1, 2, 4, 5, 7, 8, 10, 11});
  for (auto& r : whole) EXPECT_EQ(failure_of(r), "cell 'probe' failed: the whole batch failed");
  p->stop();
}

TEST(Batching, OrderHoldsWithEightClonesTakingBatchesUnderJitter) {
  Pipeline p{"ordered"};
  auto& src = p.add<cells::Counter>("src", {{"count", 400}});
  auto& work = p.add<cells::Delay>(
      "work", {{"sleep_ms", 1}, {"per_item_ms", 0.2}, {"jitter_ms", 1}, {"seed", 5}}, ScaleUp{8});
  p.connect(src.out, work.in);
  p.expose(work.out, "y");
  p.set_batch("work", Batch::up_to(8, 1));
  std::vector<int> got;
  for (const json& v : run_collect<json>(p, "y")) got.push_back(v.get<int>());
  EXPECT_EQ(got, iota_int(0, 400));
}

// sub: in -> probe (batched: up to 4, waiting up to 20 ms) -> [relay] -> out, for nesting.
class BatchedSub final : public Pipeline {
 public:
  Input<int> in{*this, "in"};
  Output<int> out{*this, "out"};
  // `relay_scale`: a second cell after the probe, with this ScaleUp (none when nullopt).
  explicit BatchedSub(std::optional<ScaleUp> relay_scale = std::nullopt) : Pipeline("sub") {
    auto& probe = add<BatchProbe>("probe", {{"sleep_ms", 20}});
    set_batch("probe", Batch::up_to(4, 20));
    expose(probe.in, in);
    if (!relay_scale) {
      expose(probe.out, out);
      return;
    }
    auto& relay = add<BatchProbe>("relay", json::object(), std::move(*relay_scale));
    connect(probe.out, relay.in);
    expose(relay.out, out);
  }
};

// A batched cell inside a nested pipeline cloned twice: the clones compose, so each of the two
// instances of the cell takes batches from the queue in front of it; answers keep their order.
TEST(Batching, ABatchedCellInsideAClonedNestedPipelineTakesBatches) {
  Pipeline p{"outer"};
  auto& sub = p.add<BatchedSub>("sub", json::object(), ScaleUp{2});
  p.expose(sub.in, "x");
  p.expose(sub.out, "y");
  BatchProbe::take_sizes();
  p.start({.max_in_flight = 64, .on_error = ErrorPolicy::kContinue});
  std::vector<int> values;
  for (int k = 0; k < 24; ++k) values.push_back(3 * k + 1);  // one emission each
  auto results = submit_all(p, values);
  for (std::size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(results[i].get().values("y").at(0).get<int>(), values[i]) << "in order";
  p.stop();
  const auto sizes = BatchProbe::take_sizes();
  EXPECT_GT(*std::max_element(sizes.begin(), sizes.end()), 1u) << "items ran in batches";
  EXPECT_LT(sizes.size(), values.size());
}

// A cloned nested pipeline that holds remote clones runs all its cells in sequence per item: a
// batched cell in it could never take a batch, so it is a build error naming both.
TEST(Batching, ABatchedCellInAClonedPipelineThatRunsAsOneUnitIsABuildError) {
  ScaleUp remote{2};
  remote.remote = 1;
  remote.make_remote = [](const Cell&, int) -> std::unique_ptr<Cell> {
    return std::make_unique<BatchProbe>();
  };
  Pipeline p{"outer"};
  auto& sub = static_cast<BatchedSub&>(p.add(
      "sub", [remote] { return std::make_unique<BatchedSub>(remote); }, json::object(),
      ScaleUp{2}));
  p.expose(sub.in, "x");
  p.expose(sub.out, "y");
  const auto problems = join_lines(problems_of([&] { p.validate(); }));
  EXPECT_TRUE(contains_all(problems, {"cell 'sub/probe': cannot run in batches inside 'sub'"}))
      << problems;
}

TEST(Batching, ConfigFromJsonAndItsErrors) {
  json config = json::parse(R"({"name": "batched", "cells": [
      {"name": "work", "type": "Delay", "batch": {"max_size": 4, "max_delay_ms": 2,
                                                  "preferred_sizes": [2, 4]}}],
    "inputs": {"x": "work.in"}, "outputs": {"y": "work.out"}})");
  auto p = load_pipeline(config, cells::builtin_registry());
  EXPECT_EQ(p->describe()["cells"][0]["batch"],
            json({{"max_size", 4}, {"max_delay_ms", 2.0}, {"preferred_sizes", {2, 4}}}));
  EXPECT_EQ(p->describe()["cells"][0]["clones"], nullptr) << "no ScaleUp given";
  p->start();
  EXPECT_EQ(p->submit({{"x", json(5)}}).get().get<json>("y"), 5);
  p->stop();
  config["cells"][0]["batch"] = {{"max_size", 0}, {"preferred_sizes", {9}}, {"size", 1}};
  auto problems =
      join_lines(problems_of([&] { load_pipeline(config, cells::builtin_registry()); }));
  EXPECT_TRUE(
      contains_all(problems, {"cells[0] 'work'.batch.max_size: expected an integer >= 1, got 0",
                              "cells[0] 'work'.batch.size: unknown key"}))
      << problems;
  config["cells"][0] = {{"name", "work"}, {"type", "Fail"}, {"batch", {{"max_size", 2}}}};
  problems = join_lines(
      problems_of([&] { load_pipeline(config, cells::builtin_registry())->validate(); }));
  EXPECT_TRUE(contains_all(problems, {"cell 'work': its type has no batch entry point"}))
      << problems;
}

}  // namespace
}  // namespace cellflow::testing

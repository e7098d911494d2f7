// RunOptions::observer: per-cell measurements for metrics.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "cellflow/cells/counter.hpp"
#include "cellflow/cells/fail.hpp"
#include "support/helpers.hpp"
#include "support/test_cells.hpp"

namespace cellflow::testing {
namespace {

class Recorder final : public PipelineObserver {
 public:
  void on_cell(const std::string& cell, int clone, std::chrono::nanoseconds compute,
               std::chrono::nanoseconds queue_wait, bool failed) override {
    std::lock_guard lock(mutex);
    calls[{cell, clone}]++;
    failures[cell] += failed ? 1 : 0;
    min_compute = std::min(min_compute, compute);
    total_wait += queue_wait;
  }
  std::mutex mutex;
  std::map<std::pair<std::string, int>, int> calls;
  std::map<std::string, int> failures;
  std::chrono::nanoseconds min_compute = std::chrono::hours(1);
  std::chrono::nanoseconds total_wait{0};
};

TEST(Observer, Observer_plainAndClonedCells_200items) {
  auto recorder = std::make_shared<Recorder>();
  Pipeline p{"p"};
  auto& src = p.add<IntSource>("src", {{"count", 200}});
  auto& plain = p.add<Scale>("plain");
  auto& cloned = p.add<Scale>("cloned", json::object(), ScaleUp{3});
  p.connect(src.out, plain.in);
  p.connect(plain.out, cloned.in);
  p.expose(cloned.out, "y");
  p.set_options({.max_in_flight = 16, .on_error = ErrorPolicy::kFailFast, .observer = recorder});
  EXPECT_EQ(run_collect<int>(p, "y").size(), 200u);
  int plain_calls = 0, cloned_calls = 0;
  for (const auto& [key, n] : recorder->calls) {
    if (key.first == "plain") {
      EXPECT_EQ(key.second, 0);
      plain_calls += n;
    } else if (key.first == "cloned") {
      EXPECT_LT(key.second, 3);
      cloned_calls += n;
    }
  }
  EXPECT_EQ(plain_calls, 200);
  EXPECT_EQ(cloned_calls, 200);
  EXPECT_EQ(recorder->calls.count({"src", 0}), 1u) << "sources are measured too";
  EXPECT_GT(recorder->min_compute.count(), 0);
}

TEST(Observer, Observer_reportsFailures_requestMode) {
  auto recorder = std::make_shared<Recorder>();
  Pipeline p{"p"};
  auto& fail = p.add<cells::Fail>("fail", {{"on", {3, 4}}}, ScaleUp{2});
  p.expose(fail.in, "x");
  p.expose(fail.out, "y");
  p.start({.max_in_flight = 4, .on_error = ErrorPolicy::kFailFast, .observer = recorder});
  int failed = 0;
  for (int i = 0; i < 10; ++i) {
    try {
      p.submit({{"x", json(i)}}).get();
    } catch (const CellFailure&) {
      failed++;
    }
  }
  p.stop();
  EXPECT_EQ(failed, 2);
  EXPECT_EQ(recorder->failures["fail"], 2);
}

}  // namespace
}  // namespace cellflow::testing

// OpenCV's parallel loops inside cells follow cellflow's thread budgets (route_opencv_threads):
// a clone with a budget of 1 runs cv::parallel_for_ on its own thread only, and OpenCV sees the
// budget as its thread count, instead of spreading every call over OpenCV's process-wide pool.
#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <set>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/vision/opencv_threads.hpp"

namespace cellflow::testing {
namespace {

// Runs a cv::parallel_for_ and reports how many threads ran it and OpenCV's thread count.
class OpenCvLoop final : public Cell {
 public:
  Input<int> in{*this, "in"};
  Output<int> loop_threads{*this, "loop_threads"};
  Output<int> opencv_threads{*this, "opencv_threads"};
  void process(Context& ctx) override {
    std::mutex mutex;
    std::set<std::thread::id> threads;
    cv::parallel_for_(cv::Range(0, 64), [&](const cv::Range&) {
      std::this_thread::sleep_for(std::chrono::microseconds(300));
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    });
    ctx.emit(loop_threads, static_cast<int>(threads.size()));
    ctx.emit(opencv_threads, cv::getNumThreads());
  }
};

TEST(OpenCvThreads, AOneThreadCloneRunsOpenCvLoopsOnItsOwnThread) {
  vision::route_opencv_threads();
  Pipeline p{"loops"};
  auto& loop = p.add<OpenCvLoop>("loop", {}, ScaleUp{.clones = 2, .threads = 1});
  p.expose(loop.in, "x");
  p.expose(loop.loop_threads, "loop_threads");
  p.expose(loop.opencv_threads, "opencv_threads");
  p.start();
  for (int i = 0; i < 6; ++i) {
    const Result result = p.submit({{"x", i}}).get();
    EXPECT_EQ(result.get<int>("loop_threads"), 1) << i;
    EXPECT_EQ(result.get<int>("opencv_threads"), 1) << i;
  }
}

TEST(OpenCvThreads, ALargerBudgetLetsOpenCvUseIt) {
  vision::route_opencv_threads();
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 cores";
  Pipeline p{"loops"};
  auto& loop = p.add<OpenCvLoop>("loop", {}, ScaleUp{.clones = 1, .threads = 2});
  p.expose(loop.in, "x");
  p.expose(loop.opencv_threads, "opencv_threads");
  p.expose(loop.loop_threads, "loop_threads");
  p.start();
  EXPECT_EQ(p.submit({{"x", 1}}).get().get<int>("opencv_threads"), 2);
}

}  // namespace
}  // namespace cellflow::testing

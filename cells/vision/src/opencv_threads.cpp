#include "cellflow/vision/opencv_threads.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <opencv2/core/parallel/parallel_backend.hpp>
#include <string_view>

namespace cellflow::vision {
namespace {

// OpenCV's ParallelForAPI on oneTBB in the caller's arena (its stock TBB backend uses an arena
// of its own for every caller).
class ArenaParallelFor final : public cv::parallel::ParallelForAPI {
 public:
  void parallel_for(int tasks, FN_parallel_for_body_cb_t body, void* data) override {
    tbb::this_task_arena::isolate([&] {
      tbb::parallel_for(tbb::blocked_range<int>(0, tasks),
                        [&](const tbb::blocked_range<int>& r) { body(r.begin(), r.end(), data); });
    });
  }
  int getThreadNum() const override {
    return std::max(0, tbb::this_task_arena::current_thread_index());
  }
  int getNumThreads() const override { return tbb::this_task_arena::max_concurrency(); }
  // The budget is the arena's; cv::setNumThreads(1) still makes every loop serial (OpenCV
  // checks it before calling the backend).
  int setNumThreads(int) override { return getNumThreads(); }
  const char* getName() const override { return "cellflow-tbb-arena"; }
};

}  // namespace

void route_opencv_threads() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* backend = std::getenv("CELLFLOW_OPENCV_BACKEND");
    if (backend != nullptr && std::string_view(backend) == "opencv") return;
    cv::parallel::setParallelForBackend(std::make_shared<ArenaParallelFor>(), false);
  });
}

}  // namespace cellflow::vision

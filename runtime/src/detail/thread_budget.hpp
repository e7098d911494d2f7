// ThreadBudget: how many threads nested oneTBB parallelism (OpenCV's parallel_for_, cv::dnn,
// user code calling tbb::parallel_for) may use inside one call of a clone. The clone's own
// thread runs the call inside a task_arena of that many slots, one of them its own, so a
// budget of 1 runs nested parallel loops serially on the clone's thread and takes no worker
// away from the flow graph or from other clones.
#pragma once

#include <functional>
#include <memory>

namespace cellflow::detail {

class ThreadBudget {
 public:
  ThreadBudget();
  ~ThreadBudget();
  ThreadBudget(const ThreadBudget&) = delete;
  ThreadBudget& operator=(const ThreadBudget&) = delete;

  /// Runs `work` on the calling thread within a budget of `threads` (>= 1). The arena is made
  /// once and remade only when `threads` changes. Not thread-safe: one owner thread.
  void run(int threads, const std::function<void()>& work);

  /// The default budget of one clone among `clones`: the cores shared out, at least 1.
  static int share_of_cores(int clones);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::detail

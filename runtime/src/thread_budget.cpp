#include "detail/thread_budget.hpp"

#include <tbb/info.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <optional>

namespace cellflow::detail {

struct ThreadBudget::Impl {
  std::optional<tbb::task_arena> arena;
  int threads = 0;
};

ThreadBudget::ThreadBudget() : impl_(std::make_unique<Impl>()) {}

ThreadBudget::~ThreadBudget() = default;

void ThreadBudget::run(int threads, const std::function<void()>& work) {
  threads = std::max(1, threads);
  if (!impl_->arena || impl_->threads != threads) {
    // One slot is reserved for the calling thread: workers may fill the other threads - 1.
    impl_->arena.emplace(threads, 1);
    impl_->threads = threads;
  }
  impl_->arena->execute(work);
}

int ThreadBudget::share_of_cores(int clones) {
  static const int cores = tbb::info::default_concurrency();  // asked once, not per item
  return std::max(1, cores / std::max(1, clones));
}

}  // namespace cellflow::detail

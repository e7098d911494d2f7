#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace cellflow::detail {

/// A counting bound on items in flight. acquire() blocks at the cap; close() wakes every waiter
/// and makes further acquires fail; wait_idle() returns once every credit is back.
class Credits {
 public:
  explicit Credits(std::size_t max) : max_(max) {}

  bool acquire() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return closed_ || used_ < max_; });
    if (closed_) return false;
    ++used_;
    return true;
  }
  /// acquire() that gives up after `wait` (0: does not wait).
  template <class Duration>
  bool acquire_for(Duration wait) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, wait, [&] { return closed_ || used_ < max_; });
    if (closed_ || used_ >= max_) return false;
    ++used_;
    return true;
  }
  void release() {
    bool idle = false;
    {
      std::lock_guard lock(mutex_);
      idle = --used_ == 0;
    }
    // One credit frees one waiter; only wait_idle() needs everyone to look.
    if (idle)
      changed_.notify_all();
    else
      changed_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return used_ == 0; });
  }
  std::size_t used() const {
    std::lock_guard lock(mutex_);
    return used_;
  }

 private:
  const std::size_t max_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t used_ = 0;
  bool closed_ = false;
};

}  // namespace cellflow::detail

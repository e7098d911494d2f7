// Credits: the one bound on items in flight, in both modes. Request mode: submit() takes a
// credit (blocking at the cap), completion gives it back. Stream mode: the pump takes one
// (never blocking: it is only woken with one free) before it calls the sources, completion gives
// it back and wakes the pump. Taking and returning a credit is one atomic operation; the mutex and
// condition variable are only touched when someone waits (at the cap, or for idle).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

namespace cellflow::detail {

class Credits {
 public:
  explicit Credits(std::size_t max) : max_(max) {}

  /// Changes the cap (a live stream's follows its widest clone group); items over a lowered cap
  /// finish, and no new one is admitted until they have.
  void set_max(std::size_t max) {
    max_.store(max);
    { std::lock_guard lock(mutex_); }
    changed_.notify_all();
  }
  /// Takes a credit if one is free; never waits.
  bool try_acquire() {
    std::size_t used = used_.load();
    while (used < max_.load(std::memory_order_relaxed) && !closed_.load())
      if (used_.compare_exchange_weak(used, used + 1)) return true;
    return false;
  }
  /// Waits for a credit; false once closed.
  bool acquire() {
    return wait_for_credit([](auto& cv, auto& lock, auto ready) { cv.wait(lock, ready); });
  }
  /// acquire() that gives up after `wait` (0: does not wait).
  template <class Duration>
  bool acquire_for(Duration wait) {
    if (wait <= Duration::zero()) return try_acquire();
    return wait_for_credit(
        [&](auto& cv, auto& lock, auto ready) { cv.wait_for(lock, wait, ready); });
  }
  void release() {
    const bool idle = used_.fetch_sub(1) == 1;
    if (waiters_.load() == 0) return;
    // Taking the lock orders this wake-up after a waiter's check (it counts itself first).
    { std::lock_guard lock(mutex_); }
    // One credit frees one waiter; only wait_idle() needs everyone to look.
    if (idle)
      changed_.notify_all();
    else
      changed_.notify_one();
  }
  /// Wakes every waiter; later acquires fail.
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
  }
  /// Returns once every credit is back.
  void wait_idle() {
    std::unique_lock lock(mutex_);
    ++waiters_;
    changed_.wait(lock, [&] { return used_.load() == 0; });
    --waiters_;
  }
  std::size_t used() const { return used_.load(); }

 private:
  template <class Wait>
  bool wait_for_credit(Wait wait) {
    // A credit usually comes back within microseconds: yield a few times before sleeping, so a
    // submitter at the cap does not pay a futex sleep and wake per item.
    for (int spin = 0; spin < 16; ++spin) {
      if (try_acquire()) return true;
      if (closed_.load()) return false;
      std::this_thread::yield();
    }
    std::unique_lock lock(mutex_);
    ++waiters_;
    bool got = false;
    wait(changed_, lock, [&] { return closed_.load() || (got = try_acquire()); });
    --waiters_;
    return got;
  }

  std::atomic<std::size_t> max_;
  std::atomic<std::size_t> used_{0};
  std::atomic<int> waiters_{0};
  std::atomic<bool> closed_{false};
  std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace cellflow::detail

// InFlight: a stream's bounds on items in flight. `work` is max_in_flight: a credit held from
// admission until the item completes, or until a queue drops it. A dropped item keeps its place
// in sequence order without a credit (it passes the cells after the drop without running them),
// so a leaky queue never holds its producer back; `frames` bounds those items too, so memory
// stays bounded however fast a source drops. Without dropping queues an item's frame and its
// credit are one thing, and only `work` is counted.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>

#include "detail/credits.hpp"

namespace cellflow::detail {

class InFlight {
 public:
  /// `frames` 0: no dropping queue, a frame per credit.
  InFlight(std::size_t work, std::size_t frames) : work_(work) {
    if (frames > 0) frames_.emplace(frames);
  }
  /// The frames an item ring needs: enough for the credits and the dropped items in flight.
  static std::size_t frames_for(std::size_t max_in_flight, bool drops) {
    return drops ? max_in_flight * kDroppedPerCredit + kDroppedSpare : 0;
  }

  /// Takes a frame and a credit if both are free; never waits.
  bool try_acquire() {
    if (frames_ && !frames_->try_acquire()) return false;
    if (work_.try_acquire()) return true;
    if (frames_) frames_->release();
    return false;
  }
  /// Waits for both; false once closed.
  bool acquire() {
    if (frames_ && !frames_->acquire()) return false;
    if (work_.acquire()) return true;
    if (frames_) frames_->release();
    return false;
  }
  /// acquire() that gives up after `wait` in all (0: does not wait).
  bool acquire_for(std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    if (frames_ && !frames_->acquire_for(wait)) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (work_.acquire_for(std::max(left, std::chrono::milliseconds(0)))) return true;
    if (frames_) frames_->release();
    return false;
  }
  /// A queue dropped the item whose flag is `credit_back`: its credit comes back now, once.
  /// True when this call gave it back.
  bool release_dropped(std::atomic<bool>& credit_back) {
    if (credit_back.exchange(true, std::memory_order_acq_rel)) return false;
    work_.release();
    return true;
  }
  /// The item completed (or was never admitted): its credit, unless a drop gave it back, and
  /// its frame.
  void release_completed(std::atomic<bool>& credit_back) {
    if (!frames_) return work_.release();
    if (!credit_back.exchange(true, std::memory_order_acq_rel)) work_.release();
    frames_->release();
  }
  /// An admission that never became an item gives its frame and credit back.
  void cancel() {
    work_.release();
    if (frames_) frames_->release();
  }
  void set_max(std::size_t max) { work_.set_max(max); }
  /// Wakes every waiter; later acquires fail.
  void close() {
    work_.close();
    if (frames_) frames_->close();
  }
  /// Returns once every item is complete, dropped ones too.
  void wait_idle() {
    work_.wait_idle();
    if (frames_) frames_->wait_idle();
  }

 private:
  static constexpr std::size_t kDroppedPerCredit = 4, kDroppedSpare = 64;
  Credits work_;
  std::optional<Credits> frames_;
};

}  // namespace cellflow::detail

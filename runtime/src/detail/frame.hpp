// Frame: the state of one item between ingress and completion. Slots hold the values each leaf
// output emitted for this item; a slot is cleared once its last reader is done, so big payloads
// do not outlive their use.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cellflow/item.hpp"
#include "cellflow/result.hpp"
#include "cellflow/value.hpp"
#include "detail/plan.hpp"

namespace cellflow::detail {

struct Frame {
  ItemInfo info;
  std::size_t stream = 0;  // the stream it belongs to (info.seq counts within it)
  // An item of a synchroniser: per input of the synchronised cell, its value's own stamp.
  std::vector<std::chrono::nanoseconds> input_stamps;
  std::vector<std::vector<Value>> slots;
  std::unique_ptr<std::atomic<int>[]> readers;  // per slot
  // Per unit (join countdown), then per stream (its completion's countdown).
  std::unique_ptr<std::atomic<int>[]> pending;
  std::atomic<bool> failed{false};
  // Dropping queues (Plan::drops): per unit, kSkip when a queue before it dropped this item,
  // kDroppedHere when its own queue did (always before the unit's body started it); `dropped`
  // once any queue did.
  static constexpr std::uint8_t kSkip = 1, kDroppedHere = 2;
  std::unique_ptr<std::atomic<std::uint8_t>[]> skip;
  std::atomic<bool> dropped{false};
  std::atomic<bool> credit_back{false};  // a drop gave its credit back (InFlight)
  std::uint8_t skip_mark(std::size_t unit) const {
    return skip ? skip[unit].load(std::memory_order_acquire) : 0;
  }
  /// Unit `unit` skips this item (`mark`: kDroppedHere when its own gate dropped it); true the
  /// first time it is marked.
  bool mark_skipped(std::size_t unit, std::uint8_t mark) {
    std::uint8_t none = 0;
    return skip[unit].compare_exchange_strong(none, mark);
  }
  std::exception_ptr error;  // written once, by whoever sets `failed`
  std::string error_cell;
  std::function<void(Result&&)> done;  // request mode
  std::mutex completion_mutex;         // cells of parallel branches may register at once
  std::vector<std::function<void(bool)>> on_complete;  // Context::on_complete

  /// Records the first failure of this item; later ones are dropped.
  void fail(const std::string& cell, std::exception_ptr e) {
    bool expected = false;
    if (failed.compare_exchange_strong(expected, true)) {
      error_cell = cell;
      error = std::move(e);
    }
  }
  /// Done with `slot`: clears it when no other reader is left.
  void release(std::size_t slot) {
    if (readers[slot].fetch_sub(1, std::memory_order_acq_rel) == 1) slots[slot].clear();
  }
};

/// The frames of the items in flight, one per credit, without a lock: item `seq` takes frame
/// `seq % capacity`. That frame is free: completions run in sequence order and return their
/// credit after recycle(), so with at most `capacity` credits the item `seq - capacity` has
/// been recycled before `seq` can be admitted (the credit's atomic operations order the two).
/// Slot vectors keep their capacity from one use to the next.
class FramePool {
 public:
  /// Frames of stream `stream` of `plan`.
  FramePool(const Plan& plan, std::size_t stream, std::size_t capacity);
  /// The frame of item `seq`, stamped with the wall clock; `stamp` false: left unstamped
  /// (timestamp kUnstamped) for sources, which run first (stamp_after_sources).
  Frame* acquire(std::uint64_t seq, bool stamp = true);
  static constexpr std::chrono::nanoseconds kUnstamped = std::chrono::nanoseconds::min();
  /// A frame outside the ring (a live source's waiting item), moved into a ring frame by
  /// move_into once it has a credit.
  std::unique_ptr<Frame> make_spare() const;
  /// Moves what the sources put in `from` (values, stamps, failure, callbacks) into `to`.
  static void move_into(Frame& from, Frame& to);
  /// Admission is now; the timestamp too unless a source set one.
  static void stamp_after_sources(Frame& frame);
  void recycle(Frame* frame);
  ~FramePool();

 private:
  const Plan& plan_;
  std::size_t stream_;
  std::vector<int> join_counts_;
  std::vector<std::unique_ptr<Frame>> ring_;  // made on first use
};

}  // namespace cellflow::detail

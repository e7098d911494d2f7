// CloneGroup: N instances of one unit, each on its own thread, so clones that block (sleep, I/O,
// accelerators) still run in parallel on a 2-core machine where TBB has 2 threads. Frames go to
// whichever clone is free; finished frames leave through `emit` in sequence order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cellflow/cell.hpp"
#include "detail/frame.hpp"
#include "detail/plan.hpp"

namespace cellflow::detail {

class CloneGroup {
 public:
  using Emit = std::function<void(Frame*)>;
  /// `instances[k]` holds clone k's leaf cells, in the unit's depth-first leaf order.
  CloneGroup(const Plan& plan, const UnitPlan& unit, std::vector<std::vector<Cell*>> instances);
  ~CloneGroup();

  /// Must be set before the first push; called with frames in sequence order, serially.
  void set_emit(Emit emit) { emit_ = std::move(emit); }
  /// Hands a frame to a free clone. Any thread.
  void push(Frame* frame);
  /// Joins the clone threads once their queue is empty.
  void stop();

 private:
  void work(int clone);
  void finish(Frame* frame);

  const Plan& plan_;
  const UnitPlan& unit_;
  std::vector<std::vector<Cell*>> instances_;
  Emit emit_;

  std::mutex queue_mutex_;
  std::condition_variable queue_ready_;
  std::deque<Frame*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;

  std::mutex order_mutex_;
  std::map<std::uint64_t, Frame*> done_;  // finished out of order, waiting for their turn
  std::uint64_t next_seq_ = 0;
};

}  // namespace cellflow::detail

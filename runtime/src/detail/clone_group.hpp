// CloneGroup: N instances of one unit, each on its own thread, so clones that block (sleep, I/O,
// accelerators) still run in parallel on a 2-core machine where TBB has 2 threads. Frames go to
// whichever clone is free (one shared FIFO queue); finished frames leave through `emit` as they
// finish (the flow graph's sequencer after the group puts them back in order). Clones can be added
// or retired while frames flow: a retiring clone finishes its current frame and takes no other, so
// nothing is lost, duplicated or reordered. When an item carries several values for a single-cell
// unit (an upstream cell emitted N values), its N process() calls are queued separately so free
// clones run them in parallel; their outputs are put back together in value order before the item
// moves on. A dropping queue (UnitPlan::queue) bounds the items waiting for a free clone: the
// item it drops leaves at once, skipping the unit, and the sequencer keeps it in its place. A
// batched unit (its child has a Batch) takes up to max_size waiting calls at once, waiting at
// most max_delay for more while the batch is below a preferred size.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "cellflow/batch.hpp"
#include "cellflow/cell.hpp"
#include "cellflow/observer.hpp"
#include "detail/frame.hpp"
#include "detail/plan.hpp"
#include "detail/thread_budget.hpp"

namespace cellflow::detail {

class CloneGroup {
 public:
  using Emit = std::function<void(Frame*)>;
  /// Marks a frame dropped by the unit's queue (and counts it); it is then emitted.
  using Drop = std::function<void(Frame*)>;
  /// Clone k's cells: the unit's leaves in depth-first order, or one cell that runs the whole
  /// unit through its exposed ports (UnitPlan::whole).
  struct CloneCells {
    std::vector<Cell*> cells;
    bool whole = false;
  };
  /// Builds and opens clone k.
  using MakeClone = std::function<CloneCells(int k)>;

  CloneGroup(const Plan& plan, const UnitPlan& unit, PipelineObserver* observer);
  ~CloneGroup();

  /// Must be set before the first push; called from the clone threads as frames finish (out of
  /// order, concurrently).
  void set_emit(Emit emit) { emit_ = std::move(emit); }
  /// Must be set before the first push when the unit has a dropping queue.
  void set_drop(Drop drop) { drop_ = std::move(drop); }
  /// Grows to `n` clones (making new ones with `make`) or retires clones down to `n`. Returns the
  /// retired clones' cells, which no thread uses any more (the caller closes them).
  std::vector<Cell*> resize(int n, const MakeClone& make);
  int size() const;
  /// Calls waiting for a free clone (an item whose values run on several clones counts once per
  /// value). Any thread.
  std::size_t queued() const;
  /// Hands a frame to a free clone. Any thread.
  void push(Frame* frame);
  /// Lets the clones finish the queue, then joins their threads.
  void stop();

 private:
  struct Clone {
    int index;
    std::vector<Cell*> cells;
    bool whole = false;  // cells[0] runs the whole unit (a remote clone of a nested pipeline)
    std::thread thread;
    bool retiring = false;  // asked to leave after its current frame
    bool retired = false;   // has left its loop
    ThreadBudget budget;    // used by the clone's own thread only
  };
  // The calls of one item split across clones: outputs[call][output port] until all are done.
  struct Split {
    explicit Split(std::size_t calls) : remaining(calls), outputs(calls) {}
    std::atomic<std::size_t> remaining;
    std::vector<std::vector<std::vector<Value>>> outputs;
  };
  struct Queued {
    Frame* frame;
    std::shared_ptr<Split> split;  // null: the whole item
    std::size_t call;
    std::chrono::steady_clock::time_point since;
  };
  void work(Clone& clone);
  // Under queue_mutex_ (`lock`), with the queue not empty: the next call, or a batch of them.
  std::vector<Queued> take(std::unique_lock<std::mutex>& lock, const Clone& clone);
  void run(Clone& clone, const Queued& work, std::chrono::nanoseconds waited);
  void run_batch(Clone& clone, std::vector<Queued>& batch);
  void done_with(const Queued& work);  // the call is done: the item moves on once complete
  void run_whole(Clone& clone, Frame& frame, std::chrono::nanoseconds waited);
  void assemble(Split& split, Frame& frame) const;
  int free_index() const;
  int threads_per_clone() const;  // under queue_mutex_
  void finish(Frame* frame);
  Frame* make_room(Frame* incoming);  // under queue_mutex_: the frame its queue drops, if any

  const Plan& plan_;
  const UnitPlan& unit_;
  const Batch* batch_;  // a batched unit's policy, else null
  Emit emit_;
  Drop drop_;
  std::mutex resize_mutex_;  // one resize at a time

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  PipelineObserver* observer_;
  std::deque<Queued> queue_;
  std::vector<std::unique_ptr<Clone>> clones_;
  bool stopping_ = false;
};

}  // namespace cellflow::detail

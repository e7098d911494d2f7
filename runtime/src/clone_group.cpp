#include "detail/clone_group.hpp"

#include <algorithm>

#include "detail/leaf_runner.hpp"

namespace cellflow::detail {

CloneGroup::CloneGroup(const Plan& plan, const UnitPlan& unit, PipelineObserver* observer)
    : plan_(plan),
      unit_(unit),
      batch_(unit.child != nullptr && unit.child->batch && unit.leaves.size() == 1 && !unit.whole
                 ? &*unit.child->batch
                 : nullptr),
      observer_(observer) {}

CloneGroup::~CloneGroup() { stop(); }

int CloneGroup::size() const {
  std::lock_guard lock(queue_mutex_);
  return static_cast<int>(clones_.size());
}

std::size_t CloneGroup::queued() const {
  std::lock_guard lock(queue_mutex_);
  return queue_.size();
}

std::vector<Cell*> CloneGroup::resize(int n, const MakeClone& make) {
  std::lock_guard resizing(resize_mutex_);
  const int current = size();
  for (int k = current; k < n; ++k) {
    const int index = free_index();
    auto clone = std::make_unique<Clone>();
    clone->index = index;
    auto made = make(index);
    clone->cells = std::move(made.cells);
    clone->whole = made.whole;
    Clone& ref = *clone;
    std::lock_guard lock(queue_mutex_);
    clones_.push_back(std::move(clone));
    ref.thread = std::thread([this, &ref] { work(ref); });
  }
  std::vector<Cell*> retired;
  if (n >= current) return retired;
  // The highest indexes leave, so the remaining clones keep indexes 0..n-1.
  std::unique_lock lock(queue_mutex_);
  std::sort(clones_.begin(), clones_.end(),
            [](const auto& a, const auto& b) { return a->index < b->index; });
  for (int k = n; k < current; ++k) clones_[k]->retiring = true;
  queue_changed_.notify_all();
  queue_changed_.wait(lock, [&] {
    return std::all_of(clones_.begin() + n, clones_.end(),
                       [](const auto& c) { return c->retired; });
  });
  for (int k = n; k < current; ++k) {
    clones_[k]->thread.join();  // it has left its loop already
    retired.insert(retired.end(), clones_[k]->cells.begin(), clones_[k]->cells.end());
  }
  clones_.resize(n);
  return retired;
}

// Clone indexes stay dense (0..n-1) across resizes, so clone_params[index] stays meaningful.
int CloneGroup::free_index() const {
  std::lock_guard lock(queue_mutex_);
  for (int index = 0;; ++index) {
    const bool used = std::any_of(clones_.begin(), clones_.end(),
                                  [&](const auto& c) { return c->index == index; });
    if (!used) return index;
  }
}

void CloneGroup::push(Frame* frame) {
  const auto now = std::chrono::steady_clock::now();
  const bool single_cell = unit_.leaves.size() == 1 && !unit_.whole;
  const std::size_t calls = single_cell ? calls_for(plan_.leaves[unit_.leaves[0]], *frame) : 1;
  Frame* dropped = nullptr;
  {
    std::lock_guard lock(queue_mutex_);
    dropped = make_room(frame);
    if (dropped == frame) {
      // drop_newest: the waiting items keep their places
    } else if (calls <= 1) {
      queue_.push_back({frame, nullptr, 0, now});
    } else {
      auto split = std::make_shared<Split>(calls);
      for (std::size_t call = 0; call < calls; ++call) queue_.push_back({frame, split, call, now});
    }
  }
  if (dropped != nullptr) {
    drop_(dropped);
    finish(dropped);
  }
  if (dropped == frame) return;
  if (calls <= 1)
    queue_changed_.notify_one();
  else
    queue_changed_.notify_all();
}

// With `capacity` whole items waiting, drop_oldest takes the oldest one out, drop_newest turns
// `incoming` away. An item split across clones is never dropped halfway.
Frame* CloneGroup::make_room(Frame* incoming) {
  const auto& queue = unit_.queue;
  if (!queue || !queue->drops() || queue_.size() < queue->capacity) return nullptr;
  if (queue->overflow == Queue::Overflow::kDropNewest) return incoming;
  const auto oldest =
      std::find_if(queue_.begin(), queue_.end(), [](const Queued& q) { return !q.split; });
  if (oldest == queue_.end()) return nullptr;
  Frame* frame = oldest->frame;
  queue_.erase(oldest);
  return frame;
}

void CloneGroup::stop() {
  std::vector<std::unique_ptr<Clone>> clones;
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
    clones.swap(clones_);
  }
  queue_changed_.notify_all();
  for (auto& clone : clones)
    if (clone->thread.joinable()) clone->thread.join();
}

int CloneGroup::threads_per_clone() const {
  const int set = unit_.child != nullptr ? unit_.child->scale.threads : 0;
  return set > 0 ? set : ThreadBudget::share_of_cores(static_cast<int>(clones_.size()));
}

void CloneGroup::work(Clone& clone) {
  for (;;) {
    std::vector<Queued> next;
    int threads = 1;
    {
      std::unique_lock lock(queue_mutex_);
      queue_changed_.wait(lock, [&] { return stopping_ || clone.retiring || !queue_.empty(); });
      if (clone.retiring) {
        clone.retired = true;
        queue_changed_.notify_all();
        return;
      }
      if (queue_.empty()) return;  // stopping, and nothing left
      next = take(lock, clone);
      threads = threads_per_clone();
    }
    if (batch_) {
      clone.budget.run(threads, [&] { run_batch(clone, next); });
      continue;
    }
    const auto waited =
        observer_ ? std::chrono::steady_clock::now() - next[0].since : std::chrono::nanoseconds(0);
    clone.budget.run(threads, [&] { run(clone, next[0], waited); });
  }
}

std::vector<CloneGroup::Queued> CloneGroup::take(std::unique_lock<std::mutex>& lock,
                                                 const Clone& clone) {
  std::vector<Queued> taken;
  const auto pop = [&] {
    taken.push_back(std::move(queue_.front()));
    queue_.pop_front();
  };
  pop();
  if (!batch_) return taken;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double, std::milli>(batch_->max_delay_ms));
  for (bool timed_out = false;;) {
    while (!queue_.empty() && taken.size() < batch_->max_size) pop();
    if (timed_out || batch_->satisfied(taken.size()) || stopping_ || clone.retiring) break;
    timed_out = queue_changed_.wait_until(lock, deadline) == std::cv_status::timeout;
  }
  return taken;
}

void CloneGroup::run(Clone& clone, const Queued& work, std::chrono::nanoseconds waited) {
  Frame& frame = *work.frame;
  if (clone.whole) return run_whole(clone, frame, waited);
  if (!work.split) {
    for (const std::size_t leaf : unit_.leaves)
      run_leaf(plan_.leaves[leaf], *clone.cells[leaf - unit_.first_leaf], frame, clone.index,
               observer_, waited);
    return finish(&frame);
  }
  const std::size_t leaf = unit_.leaves[0];
  run_leaf_call(plan_.leaves[leaf], *clone.cells[leaf - unit_.first_leaf], frame, clone.index,
                work.call, work.split->outputs[work.call], observer_, waited);
  done_with(work);
}

// One process_batch call over the batch's calls (a batched unit is one cell); then each item
// moves on once its calls are done.
void CloneGroup::run_batch(Clone& clone, std::vector<Queued>& batch) {
  const std::size_t leaf = unit_.leaves[0];
  const LeafPlan& plan = plan_.leaves[leaf];
  const auto now = std::chrono::steady_clock::now();
  std::vector<BatchItem> items;
  for (Queued& work : batch) {
    auto* outputs = work.split ? &work.split->outputs[work.call] : nullptr;
    if (outputs) outputs->resize(plan.prototype->outputs().size());
    // An item whose plain inputs hold no value makes no call (as run_leaf would not).
    if (!work.split && calls_for(plan, *work.frame) == 0) continue;
    items.push_back({work.frame, work.call, outputs, now - work.since});
  }
  run_leaf_batch(plan, *clone.cells[leaf - unit_.first_leaf], items, clone.index, observer_);
  for (const Queued& work : batch) {
    if (!work.split) release_inputs(plan, *work.frame);
    done_with(work);
  }
}

void CloneGroup::done_with(const Queued& work) {
  if (!work.split) return finish(work.frame);
  if (work.split->remaining.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  assemble(*work.split, *work.frame);  // the last call of the item to finish puts it together
  finish(work.frame);
}

// One call through the nested pipeline's exposed ports; its leaves' reads are all released, so
// every slot's readers count down as when the leaves run here.
void CloneGroup::run_whole(Clone& clone, Frame& frame, std::chrono::nanoseconds waited) {
  run_calls(*unit_.whole, *clone.cells[0], frame, clone.index, observer_, waited);
  for (const std::size_t leaf : unit_.leaves) release_inputs(plan_.leaves[leaf], frame);
  finish(&frame);
}

void CloneGroup::assemble(Split& split, Frame& frame) const {
  const LeafPlan& leaf = plan_.leaves[unit_.leaves[0]];
  for (auto& call : split.outputs)
    for (std::size_t port = 0; port < call.size(); ++port)
      for (Value& value : call[port])
        frame.slots[leaf.output_slots[port]].push_back(std::move(value));
  release_inputs(leaf, frame);
}

// Leaves as soon as it is done; the graph's sequencer after the group restores item order.
void CloneGroup::finish(Frame* frame) { emit_(frame); }

}  // namespace cellflow::detail

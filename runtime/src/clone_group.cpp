#include "detail/clone_group.hpp"

#include "detail/leaf_runner.hpp"

namespace cellflow::detail {

CloneGroup::CloneGroup(const Plan& plan, const UnitPlan& unit,
                       std::vector<std::vector<Cell*>> instances)
    : plan_(plan), unit_(unit), instances_(std::move(instances)) {
  for (int k = 0; k < static_cast<int>(instances_.size()); ++k) threads_.emplace_back([this, k] { work(k); });
}

CloneGroup::~CloneGroup() { stop(); }

void CloneGroup::push(Frame* frame) {
  {
    std::lock_guard lock(queue_mutex_);
    queue_.push_back(frame);
  }
  queue_ready_.notify_one();
}

void CloneGroup::stop() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_ready_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void CloneGroup::work(int clone) {
  auto& cells = instances_[clone];
  for (;;) {
    Frame* frame = nullptr;
    {
      std::unique_lock lock(queue_mutex_);
      queue_ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      frame = queue_.front();
      queue_.pop_front();
    }
    for (const std::size_t leaf : unit_.leaves)
      run_leaf(plan_.leaves[leaf], *cells[leaf - unit_.first_leaf], *frame, clone);
    finish(frame);
  }
}

// Emits under the lock so that successors receive frames in sequence order.
void CloneGroup::finish(Frame* frame) {
  std::lock_guard lock(order_mutex_);
  done_.emplace(frame->info.seq, frame);
  for (auto it = done_.begin(); it != done_.end() && it->first == next_seq_; it = done_.erase(it)) {
    ++next_seq_;
    emit_(it->second);
  }
}

}  // namespace cellflow::detail

#include "detail/synchroniser.hpp"

#include <algorithm>

#include "detail/structure.hpp"

namespace cellflow::detail {
namespace {

std::size_t driver_index(const LeafPlan& leaf, const Sync& sync) {
  const auto& inputs = leaf.prototype->inputs();
  for (std::size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i]->name() == sync.driver) return i;
  return 0;
}

// Per input: its own queue, else the cell's.
std::vector<Queue> queues_of(const LeafPlan& leaf, const Structure::Child& child) {
  std::vector<Queue> queues;
  for (const auto* in : leaf.prototype->inputs()) {
    const auto own = child.queues.find(in->name());
    queues.push_back(own != child.queues.end() ? own->second : child.queue.value_or(Queue{}));
  }
  return queues;
}

const char* reason_name(SyncBuffers::Reason reason) {
  switch (reason) {
    case SyncBuffers::Reason::kUnmatched:
      return "unmatched";
    case SyncBuffers::Reason::kStale:
      return "stale";
    case SyncBuffers::Reason::kSuperseded:
      return "superseded";
    case SyncBuffers::Reason::kUnused:
      return "unused";
    case SyncBuffers::Reason::kQueueFull:
      return "queue_full";
    case SyncBuffers::Reason::kUsed:
      break;
  }
  return "used";
}

}  // namespace

Synchroniser::Synchroniser(const Plan& plan, std::size_t unit, Hooks hooks)
    : plan_(plan),
      leaf_(plan.leaves[plan.units[unit].first_leaf]),
      hooks_(std::move(hooks)),
      buffers_(*plan.units[unit].sync, leaf_.input_slots.size(),
               driver_index(leaf_, *plan.units[unit].sync),
               queues_of(leaf_, *plan.units[unit].child)),
      inputs_(leaf_.input_slots.size()) {
  for (std::size_t t = 0; t < plan.taps.size(); ++t)
    if (plan.taps[t].sync_unit == unit) inputs_[plan.taps[t].input].tap = t;
}

void Synchroniser::offer(std::size_t tap, Frame* frame) {
  const TapPlan& plan = plan_.taps[tap];
  Actions actions;
  {
    std::lock_guard lock(mutex_);
    auto& values = frame->slots[plan.slot];
    if (!frame->failed.load(std::memory_order_acquire) && !values.empty())
      buffers_.push(plan.input,
                    {frame->info.timestamp, values.front(), frame, frame->info.admitted});
    else
      actions.release.emplace_back(tap, frame);
    frame->release(plan.slot);  // the tap read its value
    ++inputs_[plan.input].offered;
    check_ended(plan.input);
    drain(actions);
  }
  perform(actions);
}

void Synchroniser::input_total(std::size_t input, std::uint64_t total) {
  Actions actions;
  {
    std::lock_guard lock(mutex_);
    inputs_[input].total = total;
    check_ended(input);
    drain(actions);
  }
  perform(actions);
}

void Synchroniser::poll() {
  Actions actions;
  {
    std::lock_guard lock(mutex_);
    drain(actions);
  }
  perform(actions);
}

std::vector<std::uint64_t> Synchroniser::drops() const {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> out;
  for (const auto& in : inputs_) out.push_back(in.drops);
  return out;
}

std::vector<std::size_t> Synchroniser::waiting() const {
  std::lock_guard lock(mutex_);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < inputs_.size(); ++i) out.push_back(buffers_.size(i));
  return out;
}

void Synchroniser::check_ended(std::size_t input) {
  Input& in = inputs_[input];
  if (in.ended || !in.total || in.offered < *in.total) return;
  in.ended = true;
  buffers_.end(input);
}

// Ships tuples while its stream has credits; the entries SyncBuffers let go are released.
void Synchroniser::drain(Actions& actions) {
  for (;;) {
    if (!pending_) pending_ = buffers_.next();
    if (!pending_) break;
    Frame* frame = hooks_.acquire();
    if (frame == nullptr) break;
    frame->info.timestamp = pending_->ts;
    frame->input_stamps = pending_->stamps;
    frame->info.admitted = pending_->admitted;
    for (std::size_t i = 0; i < pending_->values.size(); ++i)
      if (pending_->values[i]) frame->slots[leaf_.input_slots[i]].push_back(*pending_->values[i]);
    pending_.reset();
    actions.emit.push_back(frame);
  }
  collect_released(actions);
  if (!ended_ && !pending_ && buffers_.finished()) ended_ = actions.ended = true;
}

void Synchroniser::collect_released(Actions& actions) {
  for (const auto& r : buffers_.take_released()) {
    actions.release.emplace_back(inputs_[r.input].tap, static_cast<Frame*>(r.token));
    if (r.reason == SyncBuffers::Reason::kUsed) continue;
    ++inputs_[r.input].drops;
    actions.dropped.emplace_back(r.input, reason_name(r.reason));
  }
}

// Outside the lock: the hooks put items into the graph.
void Synchroniser::perform(Actions& actions) {
  for (const auto& [input, reason] : actions.dropped)
    if (hooks_.dropped) hooks_.dropped(leaf_.prototype->inputs()[input]->name(), reason);
  for (Frame* frame : actions.emit) hooks_.emit(frame);
  for (const auto& [tap, frame] : actions.release) hooks_.release(tap, frame);
  if (actions.ended) hooks_.ended();
}

}  // namespace cellflow::detail

#include "detail/leaf_runner.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <stdexcept>

#include "cellflow/batch.hpp"
#include "detail/live_params.hpp"

namespace cellflow::detail {
namespace {

class LeafContext final : public Context {
 public:
  LeafContext(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
              std::vector<std::vector<Value>>* emit_to = nullptr)
      : leaf_(leaf),
        instance_(instance),
        frame_(frame),
        clone_index_(clone_index),
        emit_to_(emit_to) {}

  std::size_t index = 0;
  bool ended = false;

  int clone_index() const noexcept override { return clone_index_; }
  std::chrono::nanoseconds time_of(const PortBase& port) const override {
    slot_of(port, PortKind::kInput);
    const auto& stamps = frame_.input_stamps;
    return leaf_.synced && port.index() < stamps.size() ? stamps[port.index()]
                                                        : frame_.info.timestamp;
  }
  void end_of_stream() override {
    if (!instance_.is_source()) throw std::logic_error("end_of_stream() is for sources only");
    ended = true;
  }
  void set_timestamp(std::chrono::nanoseconds timestamp) override {
    if (!instance_.is_source()) throw std::logic_error("set_timestamp() is for sources only");
    frame_.info.timestamp = timestamp;
  }
  void on_complete(std::function<void(bool)> callback) override {
    std::lock_guard lock(frame_.completion_mutex);
    frame_.on_complete.push_back(std::move(callback));
  }

 protected:
  const ItemInfo& info() const noexcept override { return frame_.info; }
  std::size_t count(const PortBase& port) const override {
    return frame_.slots[slot_of(port, PortKind::kInput)].size();
  }
  const Value& input(const PortBase& port) const override {
    const std::size_t slot = slot_of(port, PortKind::kInput);
    if (frame_.slots[slot].empty()) absent(port);
    return frame_.slots[slot].at(port.gathers() ? 0 : index);
  }
  Value take_input(const PortBase& port) override {
    return take_input_at(port, port.gathers() ? 0 : index);
  }
  Value take_input_at(const PortBase& port, std::size_t at) override {
    const std::size_t slot = slot_of(port, PortKind::kInput);
    if (frame_.slots[slot].empty()) absent(port);
    Value& v = frame_.slots[slot].at(at);
    // The last reader of a single-use value may move it; anyone else shares the box.
    if (frame_.readers[slot].load(std::memory_order_acquire) == 1) return std::move(v);
    return v;
  }
  void emit_value(const PortBase& port, Value value) override {
    const std::size_t slot = slot_of(port, PortKind::kOutput);
    if (emit_to_) return (*emit_to_)[port.index()].push_back(std::move(value));
    frame_.slots[slot].push_back(std::move(value));
  }

 private:
  [[noreturn]] void absent(const PortBase& port) const {
    throw std::logic_error("input '" + port.name() + "' of cell '" + leaf_.path +
                           "' has no value in this tuple (its synchroniser formed it without "
                           "one): check ctx.has(" +
                           port.name() + ") first");
  }
  std::size_t slot_of(const PortBase& port, PortKind kind) const {
    if (&port.owner() != &instance_ || port.kind() != kind)
      throw std::logic_error("port '" + port.path() + "' is not an " +
                             (kind == PortKind::kInput ? "input" : "output") + " of cell '" +
                             leaf_.path + "'");
    return kind == PortKind::kInput ? leaf_.input_slots[port.index()]
                                    : leaf_.output_slots[port.index()];
  }

  const LeafPlan& leaf_;
  Cell& instance_;
  Frame& frame_;
  int clone_index_;
  std::vector<std::vector<Value>>* emit_to_;  // one call of a split item: its own outputs
};

}  // namespace

// Once per value, zipped over the plain inputs; gathering inputs do not multiply the calls, so a
// cell whose inputs all gather runs exactly once per item.
std::size_t calls_for(const LeafPlan& leaf, const Frame& frame) {
  if (leaf.synced) return 1;  // one tuple
  std::size_t n = leaf.input_slots.empty() ? 1 : std::numeric_limits<std::size_t>::max();
  bool all_gather = true;
  for (std::size_t i = 0; i < leaf.input_slots.size(); ++i) {
    if (leaf.prototype->inputs()[i]->gathers()) continue;
    all_gather = false;
    n = std::min(n, frame.slots[leaf.input_slots[i]].size());
  }
  return all_gather ? 1 : n;
}

namespace {

void report(PipelineObserver* observer, const LeafPlan& leaf, int clone_index, const Frame& frame,
            std::chrono::steady_clock::time_point start, std::chrono::nanoseconds queue_wait,
            bool failed) {
  if (!observer) return;
  const auto compute = std::chrono::steady_clock::now() - start;
  observer->on_cell(leaf.path, clone_index, compute, queue_wait, failed);
  observer->on_span(
      {leaf.path, clone_index, frame.info.seq, frame.stream, start, compute, queue_wait, failed});
}

std::chrono::steady_clock::time_point start_time(PipelineObserver* observer) {
  return observer ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
}

}  // namespace

bool run_leaf(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
              PipelineObserver* observer, std::chrono::nanoseconds queue_wait) {
  const bool live = run_calls(leaf, instance, frame, clone_index, observer, queue_wait);
  release_inputs(leaf, frame);
  return live;
}

bool run_calls(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
               PipelineObserver* observer, std::chrono::nanoseconds queue_wait) {
  LeafContext ctx(leaf, instance, frame, clone_index);
  if (leaf.live) leaf.live->apply(instance, frame.info.seq);
  if (!frame.failed.load(std::memory_order_acquire)) {
    const auto start = start_time(observer);
    const std::size_t calls = calls_for(leaf, frame);
    bool failed = false;
    try {
      for (ctx.index = 0; ctx.index < calls; ++ctx.index) instance.process(ctx);
    } catch (...) {
      frame.fail(leaf.path, std::current_exception());
      ctx.ended = ctx.ended || instance.is_source();
      failed = true;
    }
    report(observer, leaf, clone_index, frame, start, queue_wait, failed);
  }
  return !ctx.ended;
}

void run_leaf_call(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
                   std::size_t index, std::vector<std::vector<Value>>& outputs,
                   PipelineObserver* observer, std::chrono::nanoseconds queue_wait) {
  if (frame.failed.load(std::memory_order_acquire)) return;
  outputs.resize(leaf.prototype->outputs().size());
  if (leaf.live) leaf.live->apply(instance, frame.info.seq);
  LeafContext ctx(leaf, instance, frame, clone_index, &outputs);
  ctx.index = index;
  const auto start = start_time(observer);
  bool failed = false;
  try {
    instance.process(ctx);
  } catch (...) {
    frame.fail(leaf.path, std::current_exception());
    failed = true;
  }
  report(observer, leaf, clone_index, frame, start, queue_wait, failed);
}

namespace {

// The items of one batch, each through its own LeafContext.
class LeafBatch final : public BatchContext {
 public:
  LeafBatch(const LeafPlan& leaf, Cell& instance, std::vector<BatchItem*> items, int clone_index)
      : leaf_(leaf), items_(std::move(items)) {
    for (BatchItem* item : items_) {
      contexts_.push_back(
          std::make_unique<LeafContext>(leaf, instance, *item->frame, clone_index, item->outputs));
      contexts_.back()->index = item->call;
    }
  }
  std::size_t size() const override { return items_.size(); }
  Context& operator[](std::size_t item) override { return *contexts_.at(item); }
  void fail(std::size_t item, std::exception_ptr error) override {
    items_.at(item)->frame->fail(leaf_.path, std::move(error));
  }
  void fail_all(const std::exception_ptr& error) {
    for (BatchItem* item : items_) item->frame->fail(leaf_.path, error);
  }
  BatchItem& item(std::size_t i) { return *items_[i]; }

 private:
  const LeafPlan& leaf_;
  std::vector<BatchItem*> items_;
  std::vector<std::unique_ptr<LeafContext>> contexts_;
};

}  // namespace

void run_leaf_batch(const LeafPlan& leaf, Cell& instance, std::vector<BatchItem>& items,
                    int clone_index, PipelineObserver* observer) {
  std::vector<BatchItem*> live;
  for (BatchItem& item : items)
    if (!item.frame->failed.load(std::memory_order_acquire)) live.push_back(&item);
  if (live.empty()) return;
  // Live params: the batch runs with the values of its newest item (items are in queue order).
  if (leaf.live) leaf.live->apply(instance, live.back()->frame->info.seq);
  LeafBatch batch(leaf, instance, std::move(live), clone_index);
  const auto start = std::chrono::steady_clock::now();
  try {
    instance.process_batch(batch);
  } catch (...) {
    batch.fail_all(std::current_exception());
  }
  if (!observer) return;
  const auto compute = std::chrono::steady_clock::now() - start;
  const auto share = compute / static_cast<long>(batch.size());
  observer->on_batch(leaf.path, clone_index, batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const BatchItem& item = batch.item(i);
    const bool failed = item.frame->failed.load(std::memory_order_acquire);
    observer->on_cell(leaf.path, clone_index, share, item.waited, failed);
    observer->on_span({leaf.path, clone_index, item.frame->info.seq, item.frame->stream, start,
                       compute, item.waited, failed});
  }
}

void release_inputs(const LeafPlan& leaf, Frame& frame) {
  for (const std::size_t slot : leaf.input_slots) frame.release(slot);
}

}  // namespace cellflow::detail

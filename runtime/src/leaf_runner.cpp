#include "detail/leaf_runner.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace cellflow::detail {
namespace {

class LeafContext final : public Context {
 public:
  LeafContext(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index)
      : leaf_(leaf), instance_(instance), frame_(frame), clone_index_(clone_index) {}

  std::size_t index = 0;
  bool ended = false;

  int clone_index() const noexcept override { return clone_index_; }
  void end_of_stream() override {
    if (!instance_.is_source()) throw std::logic_error("end_of_stream() is for sources only");
    ended = true;
  }
  void set_timestamp(std::chrono::nanoseconds timestamp) override {
    if (!instance_.is_source()) throw std::logic_error("set_timestamp() is for sources only");
    frame_.info.timestamp = timestamp;
  }

 protected:
  const ItemInfo& info() const noexcept override { return frame_.info; }
  std::size_t count(const PortBase& port) const override {
    return frame_.slots[slot_of(port, PortKind::kInput)].size();
  }
  const Value& input(const PortBase& port) const override {
    const std::size_t slot = slot_of(port, PortKind::kInput);
    return frame_.slots[slot].at(port.gathers() ? 0 : index);
  }
  Value take_input(const PortBase& port) override {
    return take_input_at(port, port.gathers() ? 0 : index);
  }
  Value take_input_at(const PortBase& port, std::size_t at) override {
    const std::size_t slot = slot_of(port, PortKind::kInput);
    Value& v = frame_.slots[slot].at(at);
    // The last reader of a single-use value may move it; anyone else shares the box.
    if (frame_.readers[slot].load(std::memory_order_acquire) == 1) return std::move(v);
    return v;
  }
  void emit_value(const PortBase& port, Value value) override {
    frame_.slots[slot_of(port, PortKind::kOutput)].push_back(std::move(value));
  }

 private:
  std::size_t slot_of(const PortBase& port, PortKind kind) const {
    if (&port.owner() != &instance_ || port.kind() != kind)
      throw std::logic_error("port '" + port.path() + "' is not an " +
                             (kind == PortKind::kInput ? "input" : "output") + " of cell '" +
                             leaf_.path + "'");
    return kind == PortKind::kInput ? leaf_.input_slots[port.index()]
                                    : leaf_.first_slot + port.index();
  }

  const LeafPlan& leaf_;
  Cell& instance_;
  Frame& frame_;
  int clone_index_;
};

// Once per value, zipped over the plain inputs; gathering inputs do not multiply the calls, so a
// cell whose inputs all gather runs exactly once per item.
std::size_t calls_for(const LeafPlan& leaf, const Frame& frame) {
  std::size_t n = leaf.input_slots.empty() ? 1 : std::numeric_limits<std::size_t>::max();
  bool all_gather = true;
  for (std::size_t i = 0; i < leaf.input_slots.size(); ++i) {
    if (leaf.prototype->inputs()[i]->gathers()) continue;
    all_gather = false;
    n = std::min(n, frame.slots[leaf.input_slots[i]].size());
  }
  return all_gather ? 1 : n;
}

}  // namespace

bool run_leaf(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
              PipelineObserver* observer, std::chrono::nanoseconds queue_wait) {
  LeafContext ctx(leaf, instance, frame, clone_index);
  if (!frame.failed.load(std::memory_order_acquire)) {
    const auto start =
        observer ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
    const std::size_t calls = calls_for(leaf, frame);
    bool failed = false;
    try {
      for (ctx.index = 0; ctx.index < calls; ++ctx.index) instance.process(ctx);
    } catch (...) {
      frame.fail(leaf.path, std::current_exception());
      ctx.ended = ctx.ended || instance.is_source();
      failed = true;
    }
    if (observer)
      observer->on_cell(leaf.path, clone_index, std::chrono::steady_clock::now() - start,
                        queue_wait, failed);
  }
  for (const std::size_t slot : leaf.input_slots) frame.release(slot);
  return !ctx.ended;
}

}  // namespace cellflow::detail

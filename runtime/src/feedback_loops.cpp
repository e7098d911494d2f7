#include "detail/feedback_loops.hpp"

#include <algorithm>

namespace cellflow::detail {

struct FeedbackLoops::Gate {
  std::vector<std::size_t> loops;         // indexes into plan.feedback
  std::vector<std::deque<Value>> values;  // per loop of the gate, oldest first
  std::deque<Frame*> waiting;
  Forward forward;
  std::mutex mutex;

  // Under `mutex`: every waiting item whose values all exist goes on, in order.
  void release(const Plan& plan) {
    const auto ready = [&] {
      return std::none_of(values.begin(), values.end(), [](const auto& v) { return v.empty(); });
    };
    while (!waiting.empty() && ready()) {
      Frame* frame = waiting.front();
      waiting.pop_front();
      for (std::size_t i = 0; i < loops.size(); ++i) {
        auto& slot = frame->slots[plan.feedback[loops[i]].slot];
        slot.clear();
        slot.push_back(std::move(values[i].front()));
        values[i].pop_front();
      }
      forward(frame);
    }
  }
};

FeedbackLoops::FeedbackLoops(const Plan& plan) : plan_(plan), gates_(plan.units.size()) {
  for (std::size_t e = 0; e < plan.feedback.size(); ++e) {
    last_.push_back(plan.feedback[e].initial);
    for (const std::size_t unit : plan.feedback[e].consumer_units) {
      if (!gates_[unit]) gates_[unit] = std::make_unique<Gate>();
      gates_[unit]->loops.push_back(e);
      gates_[unit]->values.push_back({plan.feedback[e].initial});
    }
  }
}

FeedbackLoops::~FeedbackLoops() = default;

bool FeedbackLoops::produces(std::size_t unit) const {
  return std::any_of(plan_.feedback.begin(), plan_.feedback.end(),
                     [&](const FeedbackPlan& loop) { return loop.producer_unit == unit; });
}

bool FeedbackLoops::gated(std::size_t unit) const { return gates_[unit] != nullptr; }

void FeedbackLoops::set_forward(std::size_t unit, Forward forward) {
  gates_[unit]->forward = std::move(forward);
}

void FeedbackLoops::arrive(std::size_t unit, Frame* frame) {
  Gate& gate = *gates_[unit];
  std::lock_guard lock(gate.mutex);
  gate.waiting.push_back(frame);
  gate.release(plan_);
}

void FeedbackLoops::produced(std::size_t unit, Frame& frame) {
  for (std::size_t e = 0; e < plan_.feedback.size(); ++e) {
    const FeedbackPlan& loop = plan_.feedback[e];
    if (loop.producer_unit != unit) continue;
    // The last value emitted for this item; none (or a failed item): the one before carries on.
    if (const auto& emitted = frame.slots[loop.source_slot]; !emitted.empty())
      last_[e] = emitted.back();
    frame.release(loop.source_slot);
    for (const std::size_t consumer : loop.consumer_units) {
      Gate& gate = *gates_[consumer];
      std::lock_guard lock(gate.mutex);
      const auto at = std::find(gate.loops.begin(), gate.loops.end(), e) - gate.loops.begin();
      gate.values[at].push_back(last_[e]);
      gate.release(plan_);
    }
  }
}

}  // namespace cellflow::detail

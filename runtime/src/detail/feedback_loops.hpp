// FeedbackLoops: the feedback connections of a running plan. A unit that reads feedback has a
// gate in front of it: item k waits there until every feedback value it reads (what the producer
// emitted for item k-1, or the start value for the first item) exists; the gate then fills those
// slots and forwards the item. So the cells from a feedback input round to its producer run one
// item at a time, in item order, and never wait inside a thread: a held item is parked, and the
// producer's next value releases it.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "cellflow/value.hpp"
#include "detail/frame.hpp"
#include "detail/plan.hpp"

namespace cellflow::detail {

class FeedbackLoops {
 public:
  using Forward = std::function<void(Frame*)>;

  explicit FeedbackLoops(const Plan& plan);
  ~FeedbackLoops();

  /// True when `unit` produces a feedback value.
  bool produces(std::size_t unit) const;
  /// True when `unit` reads feedback (it needs a gate).
  bool gated(std::size_t unit) const;
  /// Where unit `unit`'s gate sends items on (its entry); set before the first item.
  void set_forward(std::size_t unit, Forward forward);
  /// Item `frame` reached the gate of `unit`. Items arrive in sequence order.
  void arrive(std::size_t unit, Frame* frame);
  /// Unit `unit` is done with `frame`: its feedback values go to their gates. Called in sequence
  /// order, before the item moves on.
  void produced(std::size_t unit, Frame& frame);

 private:
  struct Gate;
  const Plan& plan_;
  std::vector<std::unique_ptr<Gate>> gates_;  // per unit; null when not gated
  std::vector<Value> last_;                   // per feedback connection: the value it carries
};

}  // namespace cellflow::detail

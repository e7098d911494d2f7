#pragma once

#include <chrono>

#include "cellflow/cell.hpp"
#include "cellflow/observer.hpp"
#include "detail/frame.hpp"
#include "detail/plan.hpp"

namespace cellflow::detail {

/// Runs one leaf instance on one item: once per input value (zip over several inputs), or once
/// for a source. Never throws: a failure is recorded on the frame with the leaf's path. Releases
/// the leaf's input slots afterwards. Returns false when a source signalled end of stream.
/// With an observer, reports the compute time and `queue_wait` (time spent waiting for a clone).
bool run_leaf(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
              PipelineObserver* observer = nullptr,
              std::chrono::nanoseconds queue_wait = std::chrono::nanoseconds(0));

}  // namespace cellflow::detail

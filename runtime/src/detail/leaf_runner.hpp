#pragma once

#include "cellflow/cell.hpp"
#include "detail/frame.hpp"
#include "detail/plan.hpp"

namespace cellflow::detail {

/// Runs one leaf instance on one item: once per input value (zip over several inputs), or once
/// for a source. Never throws: a failure is recorded on the frame with the leaf's path. Releases
/// the leaf's input slots afterwards. Returns false when a source signalled end of stream.
bool run_leaf(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index);

}  // namespace cellflow::detail

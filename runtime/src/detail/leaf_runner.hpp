#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

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

/// run_leaf without releasing the input slots (the caller releases them).
bool run_calls(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
               PipelineObserver* observer, std::chrono::nanoseconds queue_wait);

/// How many process() calls the leaf makes for this frame: one per value, zipped over its plain
/// inputs (gathering inputs do not count); one for a source or a cell whose inputs all gather.
std::size_t calls_for(const LeafPlan& leaf, const Frame& frame);

/// Runs only call `index` of the leaf on `frame` (the value at `index` of each plain input) and
/// appends what it emits to `outputs` (one vector per output port) instead of the frame, so
/// several clones can run the calls of one item in parallel. Records a failure on the frame.
/// Does not release the input slots.
void run_leaf_call(const LeafPlan& leaf, Cell& instance, Frame& frame, int clone_index,
                   std::size_t index, std::vector<std::vector<Value>>& outputs,
                   PipelineObserver* observer, std::chrono::nanoseconds queue_wait);

/// One item of a batch: call `call` of `frame` (the value at that index of each plain input),
/// emitting to `outputs` (a split item's call) or, when null, into the frame.
struct BatchItem {
  Frame* frame;
  std::size_t call = 0;
  std::vector<std::vector<Value>>* outputs = nullptr;
  std::chrono::nanoseconds waited{0};  // for a free clone
};

/// Runs the leaf's process_batch once over `items` (those whose frame has not failed). A failed
/// item (BatchContext::fail) fails its frame only; an exception fails every item's frame. With
/// an observer: each item's share of the time (on_cell, on_span) and the batch (on_batch). Does
/// not release the input slots.
void run_leaf_batch(const LeafPlan& leaf, Cell& instance, std::vector<BatchItem>& items,
                    int clone_index, PipelineObserver* observer);

/// The leaf is done reading `frame`: releases its input slots.
void release_inputs(const LeafPlan& leaf, Frame& frame);

}  // namespace cellflow::detail

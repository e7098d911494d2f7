// Plan: a pipeline flattened into leaf cells and execution units.
//  - Every leaf output port owns one slot of the per-item Frame; every top-level exposed input
//    owns one slot too. A leaf input reads the slot of its (resolved) producer.
//  - A unit is one node of the graph: a single leaf, or a cloned nested pipeline whose leaves a
//    clone runs in topological order. Units are in topological order.
#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include "cellflow/pipeline.hpp"
#include "detail/structure.hpp"

namespace cellflow::detail {

inline constexpr std::size_t kIngress = std::numeric_limits<std::size_t>::max();
inline constexpr std::size_t kFeedback = kIngress - 1;  // owner of a feedback slot

class LiveParams;

struct LeafPlan {
  Cell* prototype = nullptr;
  std::string path;
  std::vector<std::size_t> input_slots;   // per inputs()[i]
  std::vector<std::size_t> output_slots;  // per outputs()[i]
  LiveParams* live = nullptr;             // set by the Runner for a leaf with live params
  bool synced = false;  // a synchronised cell: one call per tuple, some inputs may be absent
};

struct UnitPlan {
  std::string path;
  std::size_t first_leaf = 0;       // the unit's leaves are [first_leaf, first_leaf + count) in
  std::size_t leaf_count = 0;       // depth-first order (the order leaves_of() gives)
  std::vector<std::size_t> leaves;  // the same leaves in topological order
  const Structure::Child* child = nullptr;  // factory, params, scale
  int clones = 1;
  bool cloned = false;  // a clone group (dedicated threads, rescalable), not a plain node
  bool source = false;
  std::vector<std::size_t> predecessors;  // distinct unit indexes, or kIngress
  std::vector<std::size_t> successors;    // distinct unit indexes
  // A cloned nested pipeline with remote clones, seen as one leaf through its exposed ports: a
  // remote clone runs the whole pipeline in one call (its prototype is the nested pipeline).
  std::optional<LeafPlan> whole;
  // A cell inside cloned nested pipelines that compose (see make_plan): those pipelines,
  // outermost first. Its clone count is the product of theirs and its own.
  std::vector<const Structure::Child*> within;
  std::size_t stream = 0;      // the stream whose items this unit sees
  std::optional<Sync> sync;    // a synchronised cell: origin of its own stream, fed by taps
  std::optional<Queue> queue;  // a dropping queue in front of it
  std::vector<std::size_t> downstream;  // itself and every unit after it in its stream
};

// Where a synchronised cell's input is fed from another stream: after `from_unit` (a source
// unit: the stream's ingress), each item of `stream` hands the values of `slot` to input
// `input` of the synchroniser of `sync_unit`.
struct TapPlan {
  std::size_t from_unit = 0;
  std::size_t slot = 0;
  std::size_t sync_unit = 0;
  std::size_t input = 0;
  std::size_t stream = 0;
};

// A stream: items numbered in one order, with their own credits and completion. Its origin is
// the sources (or the exposed inputs) for stream 0, a source of its own when sources are
// independent, or a synchronised cell.
struct StreamPlan {
  std::string name;                         // the origin's path(s), for messages
  std::size_t sync_unit = kIngress;         // the synchronised cell that starts it, if any
  std::vector<std::size_t> source_units;    // the sources that start it, if any
  std::vector<std::size_t> terminal_units;  // its units without a successor in it
  std::vector<std::size_t> taps;            // indexes into Plan::taps that its items pass
  std::vector<int> readers;                 // per slot: readers among its units, taps, outputs
  std::vector<std::size_t> outputs;         // indexes into Plan::outputs it fills
  bool live = false;  // a live source: one item in flight, newer items replace the waiting one
  bool source_thread = false;  // its sources run on a thread of their own (Cell::waits, or
                               // several independent sources)
};

// A feedback connection: before a consumer unit runs item k, `slot` receives what the producer
// emitted on `source_slot` for item k-1 (or `initial`).
struct FeedbackPlan {
  std::string name;  // "from -> to", for messages
  std::size_t slot = 0;
  std::size_t source_slot = 0;
  std::size_t producer_unit = 0;
  std::vector<std::size_t> consumer_units;
  Value initial;
};

struct ExposedSlot {
  std::string name;
  std::size_t slot;
  const std::type_info* type;
  std::size_t stream = 0;  // outputs: the stream whose items fill it
};

struct Plan {
  std::vector<LeafPlan> leaves;
  std::vector<UnitPlan> units;
  std::size_t slot_count = 0;
  std::vector<int> readers;  // per slot: consumer ports (+1 when exposed as an output)
  std::vector<ExposedSlot> inputs;
  std::vector<ExposedSlot> outputs;
  std::vector<std::size_t> source_units;
  std::vector<std::size_t> terminal_units;  // non-source units without successors
  std::vector<FeedbackPlan> feedback;
  std::vector<StreamPlan> streams;  // at least one
  std::vector<TapPlan> taps;
  bool drops = false;  // some unit has a dropping queue: frames carry skip marks
};

/// Assigns every unit of `plan` to a stream, with the taps of synchronised cells, the per-stream
/// readers and the dropping queues (make_plan's last step). `slot_owner`: the leaf that fills
/// each slot (kIngress, kFeedback). Throws Error listing every problem.
void plan_streams(const Pipeline& top, Plan& plan, const std::vector<std::size_t>& slot_owner);

/// Flattens a validated pipeline.
Plan make_plan(const Pipeline& top);

/// The leaf cells of a freshly built clone of a nested pipeline, in the same order as the
/// prototype's leaves in make_plan (construction is deterministic).
std::vector<Cell*> leaves_of(const Pipeline& pipeline);

}  // namespace cellflow::detail

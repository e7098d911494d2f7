// FlowGraph: the oneTBB flow graph of a plan (the only place that includes TBB).
//   per stream: ingress (broadcast) -> unit nodes -> completion (serial, in sequence order)
// A plain unit is a serial multifunction_node that forwards from inside its body (in order); a
// cloned unit is an async_node feeding a CloneGroup. A unit with several predecessors sits behind a
// join gate (per-item countdown) and a sequencer_node, so it sees items in order and exactly once.
// Stream mode adds a serial pump in front of the ingress that calls the sources once per wake-up
// (with a credit, see Credits); each completion wakes it. Request mode adds a sequencer in front
// of the ingress, so that submitters need no lock. With several source streams, each source runs
// on a thread of its own (a paced source sleeps without taking a TBB thread) and puts its items
// in through a gateway. A tap after a unit hands each item of its stream to a synchroniser and
// holds it (with its credit) until the synchroniser lets it go on (pass_tap); the
// synchroniser's own items enter its stream through put_stream.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "detail/clone_group.hpp"
#include "detail/feedback_loops.hpp"
#include "detail/frame.hpp"
#include "detail/plan.hpp"

namespace cellflow::detail {

class FlowGraph {
 public:
  struct Callbacks {
    std::function<void(std::size_t unit, Frame& frame)> run_unit;  // plain units
    std::function<CloneGroup*(std::size_t unit)> clone_group;      // nullptr for plain units
    std::function<void(Frame* frame)> complete;                    // serial, sequence order
    // Stream mode: the next item of source stream `stream`, or nullptr (the stream ended, or,
    // unless `wait`, no credit is free now). `wait`: a source thread, which may block.
    std::function<Frame*(std::size_t stream, bool wait)> next_from_sources;
    std::function<void(std::size_t tap, Frame* frame)> offer;  // an item reached a tap
    // A unit's queue dropped `frame` (it keeps its place in order and skips what follows).
    std::function<void(std::size_t unit, Frame& frame)> dropped;
  };

  FlowGraph(const Plan& plan, Callbacks callbacks, bool stream, std::size_t max_in_flight);
  ~FlowGraph();

  /// Request-mode ingress, any thread, concurrently: every sequence number from 0 on must be put
  /// exactly once (in any order).
  void put(Frame* frame);
  /// Stream mode: pulls the sources until they end (or next_from_sources returns nullptr) and
  /// returns when every item has completed. The calling thread works in the graph meanwhile.
  void run_stream();
  /// Waits until the graph is idle.
  void wait();
  /// A synchroniser is done with `frame` at tap `tap`: it goes on. Any thread.
  void pass_tap(std::size_t tap, Frame* frame);
  /// Puts a synchroniser's item into its stream. Any thread, in sequence order.
  void put_stream(std::size_t stream, Frame* frame);
  /// A credit of source stream `stream` came back outside a completion (a drop): the pump
  /// looks for a new item. Any thread.
  void wake(std::size_t stream);
  /// Items waiting at plain unit `unit` (arrived, not started). Any thread; a snapshot.
  std::size_t queued(std::size_t unit) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::detail

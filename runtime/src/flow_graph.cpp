#include "detail/flow_graph.hpp"

#include <tbb/flow_graph.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <vector>

namespace cellflow::detail {
namespace flow = tbb::flow;

using Sender = flow::sender<Frame*>;
using Receiver = flow::receiver<Frame*>;
using Gate = flow::multifunction_node<Frame*, std::tuple<Frame*>>;
using Async = flow::async_node<Frame*, Frame*>;

// The graph lives in its own arena: threads outside it (submitters, clone threads) then enqueue
// work, which TBB guarantees to run, instead of spawning into a pool nobody drains.
std::unique_ptr<flow::graph> make_graph(tbb::task_arena& arena) {
  std::unique_ptr<flow::graph> graph;
  arena.execute([&] { graph = std::make_unique<flow::graph>(); });
  return graph;
}

struct FlowGraph::Impl {
  const Plan& plan;
  Callbacks callbacks;
  tbb::task_arena arena{tbb::task_arena::automatic, 1};
  std::unique_ptr<flow::graph> graph_owner = make_graph(arena);  // destroyed after the nodes
  flow::graph& graph = *graph_owner;
  std::vector<std::unique_ptr<flow::graph_node>> nodes;
  using Pump = flow::multifunction_node<flow::continue_msg, std::tuple<Frame*>>;
  using Completion = flow::function_node<Frame*, flow::continue_msg>;
  // Per stream: where its items enter, the pump of a source stream run inside the graph, the
  // gateway of one fed from outside (source threads, synchronisers), its completion.
  struct Stream {
    flow::broadcast_node<Frame*>* ingress = nullptr;
    Pump* pump = nullptr;
    Async* entry = nullptr;
    Completion* completion = nullptr;
  };
  std::vector<Stream> streams;
  std::size_t pump_wakeups = 0;
  // Request mode: submitters put concurrently, each with the sequence number it drew; this puts
  // the items back in that order before anything sees them.
  std::optional<flow::sequencer_node<Frame*>> admission;
  std::vector<Async*> taps;        // per Plan::taps
  std::vector<Receiver*> entries;  // per unit
  std::vector<Sender*> exits;      // per unit
  // Queue depth of plain units: items that reached each unit minus those it started. Each counter
  // has its own cache line: neighbouring units count from different threads.
  struct alignas(64) Counter {
    std::atomic<std::uint64_t> value{0};
  };
  std::unique_ptr<Counter[]> arrived, started;
  // drop_newest: items its gate let through, and those of them its body started (the gate's
  // view of the queue, whatever the delay between an item's arrival and its gate).
  std::unique_ptr<Counter[]> accepted, accepted_started;
  // Per unit, then each stream's ingress: the successors that have it as their only
  // predecessor (an item reaches them when it leaves it; a joined unit counts in its join gate).
  std::vector<std::vector<std::size_t>> sole_successors;
  FeedbackLoops loops;
  // drop_oldest units: the items let through and not yet started, oldest first.
  class WaitingLine {
   public:
    // Lines `f` up; when the line held `capacity`, the oldest leaves it and `displaced` drops
    // it, under the line's lock, so the body never starts it half-dropped.
    template <class Displaced>
    void admit(Frame* f, std::size_t capacity, Displaced displaced) {
      std::lock_guard lock(mutex_);
      if (line_.size() >= capacity) {
        displaced(*line_.front());
        line_.pop_front();
      }
      line_.push_back(f);
    }
    // The body starts `f`: it leaves the line (unless it was displaced: then it is no longer
    // there, and its skip marks were set before it left).
    void start(Frame* f) {
      std::lock_guard lock(mutex_);
      if (!line_.empty() && line_.front() == f) line_.pop_front();
    }

   private:
    std::mutex mutex_;
    std::deque<Frame*> line_;
  };
  std::vector<std::unique_ptr<WaitingLine>> oldest_first;  // per unit

  Impl(const Plan& p, Callbacks c)
      : plan(p), callbacks(std::move(c)), loops(p), oldest_first(p.units.size()) {
    count_queues();
  }

  void count_queues() {
    const std::size_t n = plan.units.size();
    arrived = std::make_unique<Counter[]>(n);
    started = std::make_unique<Counter[]>(n);
    accepted = std::make_unique<Counter[]>(n);
    accepted_started = std::make_unique<Counter[]>(n);
    sole_successors.resize(n + plan.streams.size());
    for (std::size_t u = 0; u < n; ++u) {
      const auto& preds = plan.units[u].predecessors;
      if (plan.units[u].source || preds.size() != 1) continue;
      sole_successors[preds[0] == kIngress ? n + plan.units[u].stream : preds[0]].push_back(u);
    }
  }
  // One writer at a time (a serial node's body): a plain increment, no locked instruction.
  static void count_serially(Counter& counter) {
    counter.value.store(counter.value.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
  }
  // Clone threads and concurrent submitters count with fetch_add; a plain unit's body is serial.
  void item_left(std::size_t from, bool serial = false, std::size_t stream = 0) {
    const std::size_t at = from == kIngress ? plan.units.size() + stream : from;
    for (const std::size_t s : sole_successors[at]) {
      if (serial)
        count_serially(arrived[s]);
      else
        arrived[s].value.fetch_add(1, std::memory_order_relaxed);
    }
  }

  template <class Node, class... Args>
  Node& make(Args&&... args) {
    auto node = std::make_unique<Node>(graph, std::forward<Args>(args)...);
    Node& ref = *node;
    nodes.push_back(std::move(node));
    return ref;
  }

  // Countdown per item, then restore sequence order: what joins need.
  Receiver& join_front(std::size_t counter, Receiver& target) {
    auto& gate =
        make<Gate>(flow::unlimited, [this, counter](Frame* const& f, Gate::output_ports_type& out) {
          if (f->pending[counter].fetch_sub(1, std::memory_order_acq_rel) != 1) return;
          if (counter < plan.units.size())
            arrived[counter].value.fetch_add(1, std::memory_order_relaxed);
          std::get<0>(out).try_put(f);
        });
    auto& sequencer =
        make<flow::sequencer_node<Frame*>>([](Frame* const& f) { return f->info.seq; });
    flow::make_edge(flow::output_port<0>(gate), sequencer);
    flow::make_edge(sequencer, target);
    return gate;
  }

  // A feedback producer's values leave in item order (serial, forwarding inside the body).
  Sender& after_ordered(std::size_t u, Sender& ordered) {
    auto& node = make<Gate>(flow::serial, [this, u](Frame* const& f, Gate::output_ports_type& out) {
      loops.produced(u, *f);
      std::get<0>(out).try_put(f);
    });
    flow::make_edge(ordered, node);
    return flow::output_port<0>(node);
  }

  // Items wait here (in order) for the feedback values of the items before them.
  Receiver& feedback_gate(std::size_t u, Receiver& entry) {
    loops.set_forward(u, [&entry](Frame* f) { entry.try_put(f); });
    return make<flow::function_node<Frame*, flow::continue_msg>>(flow::serial, [this, u](Frame* f) {
      loops.arrive(u, f);
      return flow::continue_msg();
    });
  }

  void make_unit(std::size_t u) {
    if (CloneGroup* group = callbacks.clone_group(u)) {
      auto& node =
          make<Async>(flow::serial, [this, u, group](Frame* const& f, Async::gateway_type& gw) {
            gw.reserve_wait();
            if (!f->skip_mark(u)) return group->push(f);
            item_left(u);  // a queue before it dropped this item: it only passes
            gw.try_put(f);
            gw.release_wait();
          });
      group->set_drop([this, u](Frame* f) { drop(u, *f); });
      group->set_emit([this, u, &node](Frame* f) {
        item_left(u);
        node.gateway().try_put(f);
        node.gateway().release_wait();
      });
      entries.push_back(&node);
      // Clones finish out of order: the sequencer puts items back in order, as at every join.
      auto& ordered =
          make<flow::sequencer_node<Frame*>>([](Frame* const& f) { return f->info.seq; });
      flow::make_edge(flow::output_port<0>(node), ordered);
      // A sequencer hands each item to one successor; the broadcast gives it to all of them.
      auto& out = make<flow::broadcast_node<Frame*>>();
      flow::make_edge(ordered, out);
      exits.push_back(&out);
      if (loops.produces(u)) exits.back() = &after_ordered(u, out);
      return;
    }
    // Forwarding from inside the body, while the serial slot is still held, keeps items in
    // order; function_node would start the next item before forwarding this one. Isolation: a
    // cell that parallelises inside (OpenCV) waits for its own loop only, instead of taking up
    // another node's item on the same thread and returning late.
    const bool produces = loops.produces(u);  // decided once, not per item
    const auto& queue = plan.units[u].queue;
    if (plan.drops) {
      auto& node = make<Gate>(flow::serial,
                              [this, u, produces](Frame* const& f, Gate::output_ports_type& out) {
                                if (oldest_first[u]) oldest_first[u]->start(f);
                                // Dropped at this unit's own gate: counted there already.
                                if (f->skip_mark(u) != Frame::kDroppedHere)
                                  started[u].value.fetch_add(1, std::memory_order_relaxed);
                                if (!f->skip_mark(u)) {
                                  count_serially(accepted_started[u]);
                                  tbb::this_task_arena::isolate([&] { callbacks.run_unit(u, *f); });
                                }
                                forward(u, produces, *f, out);
                              });
      entries.push_back(&node);
      exits.push_back(&flow::output_port<0>(node));
      if (queue && queue->overflow == Queue::Overflow::kDropNewest)
        entries.back() = &newest_gate(u, node);
      if (queue && queue->overflow == Queue::Overflow::kDropOldest)
        entries.back() = &oldest_gate(u, node);
      return;
    }
    auto& node = make<Gate>(flow::serial,
                            [this, u, produces](Frame* const& f, Gate::output_ports_type& out) {
                              count_serially(started[u]);
                              tbb::this_task_arena::isolate([&] { callbacks.run_unit(u, *f); });
                              forward(u, produces, *f, out);
                            });
    entries.push_back(&node);
    exits.push_back(&flow::output_port<0>(node));
  }

  void forward(std::size_t u, bool produces, Frame& f, Gate::output_ports_type& out) {
    if (produces) loops.produced(u, f);
    item_left(u, true);
    std::get<0>(out).try_put(&f);
  }

  // The item skips `u` and what follows it; the values only those cells would read go now.
  void drop(std::size_t u, Frame& f) {
    for (const std::size_t v : plan.units[u].downstream) {
      if (!f.mark_skipped(v, v == u ? Frame::kDroppedHere : Frame::kSkip)) continue;
      for (const std::size_t leaf : plan.units[v].leaves)
        for (const std::size_t slot : plan.leaves[leaf].input_slots) f.release(slot);
    }
    f.dropped.store(true, std::memory_order_release);
    callbacks.dropped(u, f);
  }

  std::size_t queued(std::size_t u) const {
    const auto s = started[u].value.load(std::memory_order_relaxed);
    const auto a = arrived[u].value.load(std::memory_order_relaxed);
    return a > s ? static_cast<std::size_t>(a - s) : 0;
  }

  // drop_newest: an item that finds `capacity` items let through and not yet started skips the
  // unit (and is counted as started, since it never waits for the body).
  Receiver& newest_gate(std::size_t u, Receiver& entry) {
    auto& gate = make<Gate>(flow::serial, [this, u](Frame* const& f, Gate::output_ports_type& out) {
      if (!f->skip_mark(u)) {
        const auto waiting = accepted[u].value.load(std::memory_order_relaxed) -
                             accepted_started[u].value.load(std::memory_order_relaxed);
        if (waiting >= plan.units[u].queue->capacity) {
          drop(u, *f);
          started[u].value.fetch_add(1, std::memory_order_relaxed);
        } else {
          count_serially(accepted[u]);
        }
      }
      std::get<0>(out).try_put(f);
    });
    flow::make_edge(flow::output_port<0>(gate), entry);
    return gate;
  }

  // drop_oldest: an item that finds `capacity` items waiting (let through, not yet started)
  // drops the oldest of them at once; that one passes the unit's body without running it.
  Receiver& oldest_gate(std::size_t u, Receiver& entry) {
    oldest_first[u] = std::make_unique<WaitingLine>();
    auto& gate = make<Gate>(flow::serial, [this, u](Frame* const& f, Gate::output_ports_type& out) {
      if (!f->skip_mark(u))
        oldest_first[u]->admit(f, plan.units[u].queue->capacity, [&](Frame& oldest) {
          drop(u, oldest);
          started[u].value.fetch_add(1, std::memory_order_relaxed);
        });
      std::get<0>(out).try_put(f);
    });
    flow::make_edge(flow::output_port<0>(gate), entry);
    return gate;
  }

  // Where the items of `stream` leave unit `u` (a source unit: the stream's ingress).
  Sender& exit_of(std::size_t u, std::size_t stream) {
    if (u == kIngress || plan.units[u].source) return *streams[stream].ingress;
    return *exits[u];
  }

  void link() {
    for (std::size_t u = 0; u < plan.units.size(); ++u) {
      const auto& unit = plan.units[u];
      if (unit.source) continue;
      Receiver* front = entries[u];
      if (loops.gated(u)) front = &feedback_gate(u, *front);
      if (unit.predecessors.size() > 1) front = &join_front(u, *front);
      for (const std::size_t pred : unit.predecessors)
        flow::make_edge(exit_of(pred, unit.stream), *front);
    }
    for (std::size_t t = 0; t < plan.taps.size(); ++t) make_tap(t);
    for (std::size_t s = 0; s < plan.streams.size(); ++s) link_completion(s);
  }

  // Holds each item at the tap until the synchroniser passes it (pass_tap).
  void make_tap(std::size_t t) {
    const TapPlan& tap = plan.taps[t];
    auto& node = make<Async>(flow::serial, [this, t](Frame* const& f, Async::gateway_type& gw) {
      gw.reserve_wait();
      callbacks.offer(t, f);
    });
    flow::make_edge(exit_of(tap.from_unit, tap.stream), node);
    taps.push_back(&node);
  }

  // A stream's items complete once they left every terminal unit and tap of it.
  void link_completion(std::size_t s) {
    std::vector<Sender*> ends;
    for (const std::size_t t : plan.streams[s].terminal_units) ends.push_back(exits[t]);
    for (const std::size_t t : plan.streams[s].taps)
      ends.push_back(&flow::output_port<0>(*taps[t]));
    Completion& completion = *streams[s].completion;
    if (ends.empty()) return flow::make_edge(*streams[s].ingress, completion);
    if (ends.size() == 1) return flow::make_edge(*ends[0], completion);
    Receiver& front = join_front(plan.units.size() + s, completion);
    for (Sender* end : ends) flow::make_edge(*end, front);
  }

  void make_streams(bool stream_mode, std::size_t max_in_flight) {
    pump_wakeups = max_in_flight;
    for (std::size_t s = 0; s < plan.streams.size(); ++s) {
      Stream stream;
      stream.ingress = &make<flow::broadcast_node<Frame*>>();
      stream.completion = &make<Completion>(flow::serial, [this](Frame* f) {
        callbacks.complete(f);
        return flow::continue_msg();
      });
      if (!stream_mode) {
        admission.emplace(graph, [](Frame* const& f) { return f->info.seq; });
        flow::make_edge(*admission, *stream.ingress);
      } else if (plan.streams[s].source_units.empty()) {
        // A synchroniser's items may be put from two threads at once: back in order first.
        stream.entry = &make<Async>(flow::unlimited, [](Frame* const&, Async::gateway_type&) {});
        auto& in_order =
            make<flow::sequencer_node<Frame*>>([](Frame* const& f) { return f->info.seq; });
        flow::make_edge(flow::output_port<0>(*stream.entry), in_order);
        flow::make_edge(in_order, *stream.ingress);
      } else if (plan.streams[s].source_thread) {
        stream.entry = &make<Async>(flow::unlimited, [](Frame* const&, Async::gateway_type&) {});
        flow::make_edge(flow::output_port<0>(*stream.entry), *stream.ingress);
      } else {
        stream.pump = &make_pump(s);
        flow::make_edge(flow::output_port<0>(*stream.pump), *stream.ingress);
        flow::make_edge(*stream.completion, *stream.pump);
      }
      streams.push_back(stream);
    }
  }

  // The pump calls the sources once per wake-up, with a credit (Runner::next_from_sources takes
  // it); every completion returns its credit and wakes the pump. At most max_in_flight wake-ups
  // circulate, and the serial pump emits items in order.
  Pump& make_pump(std::size_t s) {
    return make<Pump>(flow::serial,
                      [this, s](const flow::continue_msg&, Pump::output_ports_type& out) {
                        if (Frame* f = callbacks.next_from_sources(s, false)) {
                          item_left(kIngress, true, s);  // the pump is serial
                          std::get<0>(out).try_put(f);
                        }
                      });
  }

  // A source thread: takes a credit (waiting for one), runs its sources, puts the item in.
  void run_source_thread(std::size_t s) {
    auto& gateway = streams[s].entry->gateway();
    while (Frame* f = callbacks.next_from_sources(s, true)) {
      item_left(kIngress, false, s);
      gateway.try_put(f);
    }
    gateway.release_wait();
  }
};

FlowGraph::FlowGraph(const Plan& plan, Callbacks callbacks, bool stream, std::size_t max_in_flight)
    : impl_(std::make_unique<Impl>(plan, std::move(callbacks))) {
  auto& i = *impl_;
  i.make_streams(stream, max_in_flight);
  for (std::size_t u = 0; u < plan.units.size(); ++u) {
    if (plan.units[u].source) {
      i.entries.push_back(nullptr);
      i.exits.push_back(nullptr);
    } else {
      i.make_unit(u);
    }
  }
  i.link();
}

FlowGraph::~FlowGraph() { impl_->graph.wait_for_all(); }

void FlowGraph::put(Frame* frame) {
  impl_->item_left(kIngress);
  impl_->admission->try_put(frame);
}

void FlowGraph::pass_tap(std::size_t tap, Frame* frame) {
  auto& gateway = impl_->taps[tap]->gateway();
  gateway.try_put(frame);
  gateway.release_wait();
}

void FlowGraph::put_stream(std::size_t stream, Frame* frame) {
  impl_->item_left(kIngress, false, stream);
  impl_->streams[stream].entry->gateway().try_put(frame);
}

void FlowGraph::wake(std::size_t stream) {
  if (auto* pump = impl_->streams[stream].pump) pump->try_put(flow::continue_msg());
}

std::size_t FlowGraph::queued(std::size_t unit) const { return impl_->queued(unit); }

void FlowGraph::run_stream() {
  auto& i = *impl_;
  std::vector<std::thread> sources;
  for (std::size_t s = 0; s < i.streams.size(); ++s) {
    if (i.plan.streams[s].source_units.empty()) continue;
    if (i.streams[s].pump) {
      for (std::size_t c = 0; c < i.pump_wakeups; ++c)
        i.streams[s].pump->try_put(flow::continue_msg());
    } else {
      i.streams[s].entry->gateway().reserve_wait();  // held until the thread is done
      sources.emplace_back([&i, s] { i.run_source_thread(s); });
    }
  }
  i.graph.wait_for_all();
  for (auto& thread : sources) thread.join();
}

void FlowGraph::wait() { impl_->graph.wait_for_all(); }

}  // namespace cellflow::detail

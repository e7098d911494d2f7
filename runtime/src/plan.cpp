#include "detail/plan.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <optional>
#include <unordered_map>

#include "cellflow/error.hpp"
#include "detail/structure.hpp"

namespace cellflow::detail {
namespace {

// Streams: which items each unit sees. Sources are one stream when there is one source or they
// are zipped, else one stream each; a synchronised cell starts a stream; any other unit is in the
// stream of its inputs, and inputs from two streams without a synchroniser are a build error.
class StreamBuilder {
 public:
  StreamBuilder(const Pipeline& top, Plan& plan, const std::vector<std::size_t>& slot_owner)
      : top_(top), plan_(plan), slot_owner_(slot_owner), unit_of_(plan.leaves.size()) {
    for (std::size_t u = 0; u < plan.units.size(); ++u)
      for (std::size_t l = 0; l < plan.units[u].leaf_count; ++l)
        unit_of_[plan.units[u].first_leaf + l] = u;
  }

  void build() {
    place_queues();
    for (const auto& unit : plan_.units)
      if (unit.child != nullptr && unit.child->sync && unit.child->cell->is_pipeline())
        problems_.push_back("cell '" + unit.path +
                            "': a synchroniser applies to a cell, not to a nested pipeline; give "
                            "it to the cell inside that takes the inputs");
    start_source_streams();
    assign_units();
    if (problems_.empty()) count_readers();
    if (!problems_.empty()) throw Error(std::move(problems_));
  }

 private:
  static constexpr std::size_t kUnassigned = std::numeric_limits<std::size_t>::max();

  // A dropping queue in front of a plain unit; a synchronised cell's queues bound its inputs'
  // buffers instead (Synchroniser). Within a stream all inputs of a cell receive an item
  // together, so a per-input queue there is the cell's queue.
  void place_queues() {
    for (std::size_t u = 0; u < plan_.units.size(); ++u) {
      auto& unit = plan_.units[u];
      if (unit.child == nullptr || unit.source) continue;
      std::optional<Queue> queue = unit.child->queue;
      if (!queue && !unit.child->queues.empty()) queue = unit.child->queues.begin()->second;
      if (!queue || !queue->drops() || unit.child->sync) continue;
      if (unit.cloned) {
        problems_.push_back("cell '" + unit.path +
                            "': a dropping queue in front of a clone group is not supported yet; "
                            "put it on a plain cell before the clones, or use \"block\"");
        continue;
      }
      unit.queue = queue;
      plan_.drops = true;
      add_downstream(u, u);
    }
  }
  void add_downstream(std::size_t u, std::size_t from) {
    auto& list = plan_.units[u].downstream;
    if (std::find(list.begin(), list.end(), from) != list.end()) return;
    list.push_back(from);
    for (const std::size_t s : plan_.units[from].successors) add_downstream(u, s);
  }

  static StreamPlan stream_from(std::string name, std::size_t sync_unit,
                                std::vector<std::size_t> sources) {
    StreamPlan stream;
    stream.name = std::move(name);
    stream.sync_unit = sync_unit;
    stream.source_units = std::move(sources);
    return stream;
  }

  void start_source_streams() {
    stream_of_.assign(plan_.units.size(), kUnassigned);
    const auto& sources = plan_.source_units;
    const bool independent = sources.size() > 1 && !top_.zip_sources();
    if (!independent) {
      StreamPlan stream = stream_from(sources.empty() ? "exposed inputs" : "", kIngress, sources);
      for (const std::size_t u : sources) {
        stream.name += (stream.name.empty() ? "" : " + ") + plan_.units[u].path;
        stream_of_[u] = 0;
      }
      stream.live = std::any_of(sources.begin(), sources.end(), [&](std::size_t u) {
        return plan_.leaves[plan_.units[u].first_leaf].prototype->live();
      });
      stream.source_thread =
          stream.live || std::any_of(sources.begin(), sources.end(), [&](std::size_t u) {
            return plan_.leaves[plan_.units[u].first_leaf].prototype->waits();
          });
      plan_.streams.push_back(std::move(stream));
      return;
    }
    for (const std::size_t u : sources) {
      stream_of_[u] = plan_.streams.size();
      plan_.streams.push_back(stream_from(plan_.units[u].path, kIngress, {u}));
      plan_.streams.back().source_thread = true;
      plan_.streams.back().live = plan_.leaves[plan_.units[u].first_leaf].prototype->live();
    }
  }

  // The unit that produces `slot` (kIngress: an exposed input; kFeedback: a feedback slot).
  std::size_t producer_of(std::size_t slot) const {
    const std::size_t owner = slot_owner_[slot];
    return owner == kIngress || owner == kFeedback ? owner : unit_of_[owner];
  }

  // Units in any order whose producers have their streams: repeated until nothing changes.
  void assign_units() {
    for (bool changed = true; changed;) {
      changed = false;
      for (std::size_t u = 0; u < plan_.units.size(); ++u)
        if (stream_of_[u] == kUnassigned && try_assign(u)) changed = true;
    }
    for (std::size_t u = 0; u < plan_.units.size(); ++u) {
      if (stream_of_[u] == kUnassigned && problems_.empty())
        problems_.push_back("cell '" + plan_.units[u].path +
                            "': its inputs depend on its own output through a synchronised cell; "
                            "mark the connection that closes the loop as feedback");
      plan_.units[u].stream = stream_of_[u] == kUnassigned ? 0 : stream_of_[u];
    }
  }

  bool try_assign(std::size_t u) {
    const auto& unit = plan_.units[u];
    std::vector<std::size_t> streams;
    for (std::size_t l = unit.first_leaf; l < unit.first_leaf + unit.leaf_count; ++l) {
      for (const std::size_t slot : plan_.leaves[l].input_slots) {
        const std::size_t producer = producer_of(slot);
        if (producer == kFeedback || producer == u) continue;
        const std::size_t stream = producer == kIngress ? 0 : stream_of_[producer];
        if (stream == kUnassigned) return false;
        if (std::find(streams.begin(), streams.end(), stream) == streams.end())
          streams.push_back(stream);
      }
    }
    if (unit.sync) return start_sync_stream(u), true;
    if (streams.size() > 1) joined_without_sync(u, streams);
    stream_of_[u] = streams.empty() ? 0 : streams.front();
    return true;
  }

  void joined_without_sync(std::size_t u, const std::vector<std::size_t>& streams) {
    std::string names;
    for (const std::size_t s : streams)
      names += (names.empty() ? "'" : "' and '") + plan_.streams[s].name;
    problems_.push_back(
        "cell '" + plan_.units[u].path + "' takes items of independent streams (from " + names +
        "'): give it a synchroniser (\"sync\": {\"policy\": \"exact\" | \"realtime\" | "
        "\"latest\" | \"zip\"}; C++: cellflow::Sync), or pair all sources by index with "
        "\"zip_sources\": true");
  }

  void start_sync_stream(std::size_t u) {
    auto& unit = plan_.units[u];
    stream_of_[u] = plan_.streams.size();
    plan_.streams.push_back(stream_from(unit.path, u, {}));
    const LeafPlan& leaf = plan_.leaves[unit.first_leaf];
    const auto& inputs = leaf.prototype->inputs();
    if (!plan_.inputs.empty())
      problems_.push_back("cell '" + unit.path +
                          "': synchronisers join the streams of sources; a pipeline with "
                          "exposed inputs serves requests, which form one stream");
    if (inputs.size() < 2)
      problems_.push_back("cell '" + unit.path +
                          "': a synchroniser needs at least 2 inputs, it has " +
                          std::to_string(inputs.size()));
    if (unit.sync->policy == Sync::Policy::kLatest && !unit.sync->driver.empty() &&
        std::none_of(inputs.begin(), inputs.end(),
                     [&](const PortBase* in) { return in->name() == unit.sync->driver; }))
      problems_.push_back("cell '" + unit.path + "': sync.driver '" + unit.sync->driver +
                          "' is not one of its inputs");
    for (std::size_t i = 0; i < leaf.input_slots.size(); ++i) {
      const std::size_t producer = producer_of(leaf.input_slots[i]);
      if (producer == kIngress || producer == kFeedback) {
        problems_.push_back("cell '" + unit.path + "': input '" + inputs[i]->name() +
                            "' of a synchronised cell must come from a cell of a stream " +
                            "(not an exposed input or a feedback connection)");
        continue;
      }
      plan_.taps.push_back({producer, leaf.input_slots[i], u, i, stream_of_[producer]});
    }
  }

  void count_readers() {
    for (auto& stream : plan_.streams) stream.readers.assign(plan_.slot_count, 0);
    for (std::size_t l = 0; l < plan_.leaves.size(); ++l)
      for (const std::size_t slot : plan_.leaves[l].input_slots)
        plan_.streams[plan_.units[unit_of_[l]].stream].readers[slot]++;
    for (std::size_t t = 0; t < plan_.taps.size(); ++t) {
      auto& stream = plan_.streams[plan_.taps[t].stream];
      stream.readers[plan_.taps[t].slot]++;
      stream.taps.push_back(t);
    }
    for (const auto& loop : plan_.feedback) {
      const std::size_t stream = plan_.units[loop.producer_unit].stream;
      plan_.streams[stream].readers[loop.source_slot]++;
      for (const std::size_t c : loop.consumer_units)
        if (plan_.units[c].stream != stream)
          problems_.push_back("feedback connection " + loop.name +
                              ": it must stay within one stream, but it joins the streams of '" +
                              plan_.streams[stream].name + "' and '" +
                              plan_.streams[plan_.units[c].stream].name + "'");
    }
    for (std::size_t o = 0; o < plan_.outputs.size(); ++o) {
      const std::size_t producer = producer_of(plan_.outputs[o].slot);
      const std::size_t stream = producer == kIngress ? 0 : plan_.units[producer].stream;
      plan_.streams[stream].readers[plan_.outputs[o].slot]++;
      plan_.streams[stream].outputs.push_back(o);
    }
    for (const std::size_t u : plan_.terminal_units)
      plan_.streams[plan_.units[u].stream].terminal_units.push_back(u);
  }

  const Pipeline& top_;
  Plan& plan_;
  const std::vector<std::size_t>& slot_owner_;
  std::vector<std::size_t> unit_of_;  // per leaf
  std::vector<std::size_t> stream_of_;
  std::vector<std::string> problems_;
};

class PlanBuilder {
 public:
  explicit PlanBuilder(const Pipeline& top) : top_(top) {}

  Plan build() {
    for (const auto* in : top_.inputs()) {
      input_slot_[in] = plan_.slot_count;
      plan_.inputs.push_back({in->name(), plan_.slot_count++, &in->type()});
    }
    add_leaves(top_, std::nullopt);
    add_feedback(top_);
    plan_.readers.assign(plan_.slot_count, 0);
    slot_owner_.assign(plan_.slot_count, kIngress);
    for (std::size_t i = 0; i < plan_.leaves.size(); ++i)
      for (const std::size_t slot : plan_.leaves[i].output_slots) slot_owner_[slot] = i;
    for (const auto& loop : plan_.feedback) {
      slot_owner_[loop.slot] = kFeedback;
      plan_.readers[loop.source_slot]++;  // read when the producer is done with an item
    }
    wire_inputs();
    for (auto& unit : plan_.units) unit.whole = whole_leaf(unit);
    for (const auto* out : top_.outputs()) {
      const std::size_t slot =
          resolve(*detail::PipelineAccess::structure(top_).producer_of(*out)->from);
      plan_.readers[slot]++;
      plan_.outputs.push_back({out->name(), slot, &out->type()});
    }
    link_units();
    sort_units();
    place_feedback();
    StreamBuilder(top_, plan_, slot_owner_).build();
    return std::move(plan_);
  }

 private:
  void add_leaves(const Pipeline& p, std::optional<std::size_t> unit) {
    for (const auto& child : detail::PipelineAccess::structure(p).children) {
      const Cell* cell = child.cell.get();
      const bool own_unit = !unit.has_value();
      if (own_unit && composes(child)) {
        // Its cells become clone groups of their own: clones multiply down the tree.
        chain_.push_back(&child);
        add_leaves(static_cast<const Pipeline&>(*cell), std::nullopt);
        chain_.pop_back();
      } else if (own_unit && (!cell->is_pipeline() || child.scaled)) {
        const bool cloned = (child.scaled || !chain_.empty()) && !cell->is_source();
        UnitPlan u{cell->path(),
                   plan_.leaves.size(),
                   0,
                   {},
                   &child,
                   child.scale.clones,
                   cloned,
                   cell->is_source(),
                   {},
                   {},
                   std::nullopt,
                   chain_,
                   0,
                   std::nullopt,
                   std::nullopt,
                   {}};
        u.clones = child.scaled ? child.scale.clones : 1;
        for (const auto* outer : chain_) u.clones *= outer->scale.clones;
        plan_.units.push_back(std::move(u));
        add_cell(*cell, plan_.units.size() - 1);
      } else {
        add_cell(*cell, unit);
      }
    }
  }

  // A cloned nested pipeline composes with the clone groups inside it (2 clones of a pipeline
  // whose cell has 2 clones: 4 instances of that cell) unless it runs remotely as a whole or
  // holds a source or remote clones: then its clones run its cells in sequence, as one unit.
  static bool composes(const Structure::Child& child) {
    if (!child.cell->is_pipeline() || !child.scaled || child.scale.make_remote) return false;
    bool scaled_inside = false, refused = false;
    const std::function<void(const Pipeline&)> visit = [&](const Pipeline& p) {
      for (const auto& inner : detail::PipelineAccess::structure(p).children) {
        scaled_inside = scaled_inside || inner.scaled;
        refused = refused || inner.cell->is_source() || inner.scale.make_remote;
        if (inner.cell->is_pipeline()) visit(static_cast<const Pipeline&>(*inner.cell));
      }
    };
    visit(static_cast<const Pipeline&>(*child.cell));
    return scaled_inside && !refused;
  }

  void add_cell(const Cell& cell, std::optional<std::size_t> unit) {
    if (cell.is_pipeline()) return add_leaves(static_cast<const Pipeline&>(cell), unit);
    leaf_of_[&cell] = plan_.leaves.size();
    unit_of_leaf_.push_back(*unit);
    plan_.units[*unit].leaf_count++;
    LeafPlan leaf{const_cast<Cell*>(&cell), cell.path(), {}, {}, nullptr};
    for (std::size_t o = 0; o < cell.outputs().size(); ++o)
      leaf.output_slots.push_back(plan_.slot_count++);
    plan_.leaves.push_back(std::move(leaf));
  }

  // A slot per feedback connection, anywhere in the tree.
  void add_feedback(const Pipeline& p) {
    for (const auto& c : detail::PipelineAccess::structure(p).connections) {
      if (!c.feedback) continue;
      feedback_slot_[&c] = plan_.slot_count;
      plan_.feedback.push_back({c.from->path() + " -> " + c.to->path(),
                                plan_.slot_count++,
                                resolve(*c.from),
                                0,
                                {},
                                *c.feedback});
    }
    for (const auto* child : p.children())
      if (child->is_pipeline()) add_feedback(static_cast<const Pipeline&>(*child));
  }

  // Which units produce and read each feedback value (after sort_units).
  void place_feedback() {
    std::vector<std::size_t> unit_of(plan_.leaves.size());
    for (std::size_t u = 0; u < plan_.units.size(); ++u)
      for (std::size_t l = 0; l < plan_.units[u].leaf_count; ++l)
        unit_of[plan_.units[u].first_leaf + l] = u;
    for (auto& loop : plan_.feedback) {
      const std::size_t producer = slot_owner_[loop.source_slot];
      if (producer == kIngress || producer == kFeedback || plan_.units[unit_of[producer]].source)
        throw Error("feedback connection " + loop.name +
                    ": it must start at an output of a cell that is not a source");
      loop.producer_unit = unit_of[producer];
      for (std::size_t l = 0; l < plan_.leaves.size(); ++l) {
        const auto& slots = plan_.leaves[l].input_slots;
        if (std::find(slots.begin(), slots.end(), loop.slot) != slots.end() &&
            std::find(loop.consumer_units.begin(), loop.consumer_units.end(), unit_of[l]) ==
                loop.consumer_units.end())
          loop.consumer_units.push_back(unit_of[l]);
      }
    }
  }

  // The slot an input reads: its producer's, or its feedback connection's own.
  std::size_t resolve_input(const PortBase& in) const {
    const auto& c = *detail::PipelineAccess::structure(*in.owner().parent()).producer_of(in);
    return c.feedback ? feedback_slot_.at(&c) : resolve(*c.from);
  }

  // The slots a nested pipeline's exposed ports read and fill, for clones that run it whole.
  std::optional<LeafPlan> whole_leaf(const UnitPlan& unit) const {
    if (!unit.cloned || !unit.child->cell->is_pipeline() || !unit.child->scale.make_remote)
      return std::nullopt;
    LeafPlan leaf{unit.child->cell.get(), unit.path, {}, {}, nullptr};
    for (const auto* in : leaf.prototype->inputs()) leaf.input_slots.push_back(resolve(*in));
    for (const auto* out : leaf.prototype->outputs()) leaf.output_slots.push_back(resolve(*out));
    return leaf;
  }

  // The slot holding what `from` produces: follow exposures through nested pipelines.
  std::size_t resolve(const PortBase& from) const {
    const Cell& owner = from.owner();
    if (from.kind() == PortKind::kOutput) {
      if (!owner.is_pipeline()) return plan_.leaves[leaf_of_.at(&owner)].output_slots[from.index()];
      return resolve(*detail::PipelineAccess::structure(static_cast<const Pipeline&>(owner))
                          .producer_of(from)
                          ->from);
    }
    if (&owner == &top_) return input_slot_.at(&from);
    return resolve_input(from);
  }

  void wire_inputs() {
    for (auto& leaf : plan_.leaves) {
      for (const auto* in : leaf.prototype->inputs()) {
        const std::size_t slot = resolve_input(*in);
        leaf.input_slots.push_back(slot);
        plan_.readers[slot]++;
      }
    }
  }

  // Unit edges; a source unit runs at ingress, so its consumers hang off the ingress. A
  // synchronised cell starts a stream of its own: its inputs arrive through taps, not edges.
  void link_units() {
    for (std::size_t u = 0; u < plan_.units.size(); ++u) {
      auto& unit = plan_.units[u];
      if (unit.child->sync && !unit.child->cell->is_pipeline()) {
        unit.sync = unit.child->sync;
        plan_.leaves[unit.first_leaf].synced = true;
      }
      for (std::size_t l = unit.first_leaf; l < unit.first_leaf + unit.leaf_count; ++l) {
        if (unit.sync) break;
        for (const std::size_t slot : plan_.leaves[l].input_slots) {
          const std::size_t owner = slot_owner_[slot];
          if (owner == kFeedback) continue;  // the previous item's value: no edge
          std::size_t pred = owner == kIngress ? kIngress : unit_of_leaf_[owner];
          if (pred == u) continue;
          if (pred != kIngress && plan_.units[pred].source) pred = kIngress;
          if (std::find(unit.predecessors.begin(), unit.predecessors.end(), pred) ==
              unit.predecessors.end())
            unit.predecessors.push_back(pred);
        }
      }
      if (unit.predecessors.empty() && !unit.source) unit.predecessors.push_back(kIngress);
      for (const std::size_t pred : unit.predecessors)
        if (pred != kIngress) plan_.units[pred].successors.push_back(u);
      order_leaves(unit);
    }
  }

  // Topological order of a unit's own leaves (a cloned nested pipeline runs them in sequence).
  void order_leaves(UnitPlan& unit) const {
    std::vector<std::size_t> pending(unit.leaf_count);
    for (std::size_t i = 0; i < unit.leaf_count; ++i) pending[i] = unit.first_leaf + i;
    while (!pending.empty()) {
      auto ready = std::find_if(pending.begin(), pending.end(), [&](std::size_t l) {
        return std::all_of(plan_.leaves[l].input_slots.begin(), plan_.leaves[l].input_slots.end(),
                           [&](std::size_t s) {
                             const std::size_t owner = slot_owner_[s];
                             return owner == kIngress || owner == kFeedback ||
                                    unit_of_leaf_[owner] != unit_of_leaf_[l] ||
                                    std::find(unit.leaves.begin(), unit.leaves.end(), owner) !=
                                        unit.leaves.end();
                           });
      });
      unit.leaves.push_back(*ready);
      pending.erase(ready);
    }
  }

  // Kahn's algorithm over units; renumbers every unit reference.
  void sort_units() {
    const std::size_t n = plan_.units.size();
    std::vector<std::size_t> indegree(n, 0), order;
    for (const auto& unit : plan_.units)
      for (const std::size_t s : unit.successors) indegree[s]++;
    std::deque<std::size_t> ready;
    for (std::size_t u = 0; u < n; ++u)
      if (indegree[u] == 0) ready.push_back(u);
    while (!ready.empty()) {
      const std::size_t u = ready.front();
      ready.pop_front();
      order.push_back(u);
      for (const std::size_t s : plan_.units[u].successors)
        if (--indegree[s] == 0) ready.push_back(s);
    }
    std::vector<std::size_t> rank(n);
    for (std::size_t i = 0; i < n; ++i) rank[order[i]] = i;
    std::vector<UnitPlan> sorted;
    for (const std::size_t u : order) sorted.push_back(std::move(plan_.units[u]));
    for (auto& unit : sorted) {
      for (auto& p : unit.predecessors) p = p == kIngress ? kIngress : rank[p];
      for (auto& s : unit.successors) s = rank[s];
    }
    plan_.units = std::move(sorted);
    for (std::size_t u = 0; u < n; ++u) {
      if (plan_.units[u].source)
        plan_.source_units.push_back(u);
      else if (plan_.units[u].successors.empty())
        plan_.terminal_units.push_back(u);
    }
  }

  const Pipeline& top_;
  Plan plan_;
  std::unordered_map<const Cell*, std::size_t> leaf_of_;
  std::unordered_map<const PortBase*, std::size_t> input_slot_;
  std::unordered_map<const Structure::Connection*, std::size_t> feedback_slot_;
  std::vector<std::size_t> unit_of_leaf_;
  std::vector<const Structure::Child*> chain_;  // the composing cloned pipelines being entered
  std::vector<std::size_t> slot_owner_;
};

void collect_leaves(const Pipeline& p, std::vector<Cell*>& out) {
  for (auto* child : p.children()) {
    if (child->is_pipeline())
      collect_leaves(static_cast<const Pipeline&>(*child), out);
    else
      out.push_back(child);
  }
}

}  // namespace

Plan make_plan(const Pipeline& top) { return PlanBuilder(top).build(); }

std::vector<Cell*> leaves_of(const Pipeline& pipeline) {
  std::vector<Cell*> out;
  collect_leaves(pipeline, out);
  return out;
}

}  // namespace cellflow::detail

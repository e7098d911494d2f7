#include "detail/plan.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <optional>
#include <unordered_map>

#include "cellflow/error.hpp"
#include "detail/structure.hpp"

namespace cellflow::detail {
namespace {

class PlanBuilder {
 public:
  explicit PlanBuilder(const Pipeline& top) : top_(top) {}

  Plan build() {
    for (const auto* in : top_.inputs()) {
      input_slot_[in] = plan_.slot_count;
      plan_.inputs.push_back({in->name(), plan_.slot_count++, &in->type(), 0});
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
      plan_.outputs.push_back({out->name(), slot, &out->type(), 0});
    }
    link_units();
    sort_units();
    place_feedback();
    plan_streams(top_, plan_, slot_owner_);
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
        // A batched cell runs as a clone group: its clones take batches from one queue.
        const bool cloned = (child.scaled || child.batch || !chain_.empty()) && !cell->is_source();
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

  // A cloned nested pipeline composes with the clone groups (and batched cells) inside it (2
  // clones of a pipeline whose cell has 2 clones: 4 instances of that cell) unless it runs
  // remotely as a whole or holds a source or remote clones: then its clones run its cells in
  // sequence, as one unit (validation refuses a batched cell there).
  static bool composes(const Structure::Child& child) {
    if (!child.cell->is_pipeline() || !child.scaled || child.scale.make_remote) return false;
    const auto inside = detail::nested_units(static_cast<const Pipeline&>(*child.cell));
    return (inside.scaled || !inside.batched.empty()) && !inside.runs_as_one_unit;
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

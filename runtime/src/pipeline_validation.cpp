// Pipeline::validate: every wiring and config problem of this level and all nested levels.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "cellflow/error.hpp"
#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"
#include "detail/pipeline_impl.hpp"
#include "detail/plan.hpp"

namespace cellflow {
namespace {

using detail::Structure;

void check_names(const Pipeline& p, std::vector<std::string>& out) {
  std::set<std::string> seen;
  for (const auto* child : p.children()) {
    if (auto problem = name_problem(child->name()); !problem.empty())
      out.push_back("cell in pipeline '" + p.name() + "': " + problem);
    else if (!seen.insert(child->name()).second)
      out.push_back("duplicate cell name '" + child->name() + "' in pipeline '" + p.name() + "'");
  }
}

void check_declarations(const Cell& cell, const std::string& label, std::vector<std::string>& out) {
  for (const auto& problem : cell.declaration_problems()) out.push_back(label + ": " + problem);
}

void check_coverage(const Pipeline& p, const Structure& s, std::vector<std::string>& out) {
  for (const auto* child : p.children())
    for (const auto* in : child->inputs())
      if (!s.producer_of(*in)) out.push_back("unconnected input '" + in->path() + "'");
  for (const auto* own : p.outputs())
    if (!s.producer_of(*own))
      out.push_back("output '" + own->path() + "' of pipeline '" + p.name() + "' has no producer");
  for (const auto* own : p.inputs()) {
    bool used = false;
    for (const auto& c : s.connections) used = used || c.from == own;
    if (!used)
      out.push_back("input '" + own->path() + "' of pipeline '" + p.name() +
                    "' feeds no inner port");
  }
}

// Depth-first search over child -> child edges; reports each cycle once by its members.
void check_cycles(const Pipeline& p, const Structure& s, std::vector<std::string>& out) {
  std::map<const Cell*, std::vector<const Cell*>> next;
  for (const auto& c : s.connections)
    if (&c.from->owner() != &p && &c.to->owner() != &p && !c.feedback)
      next[&c.from->owner()].push_back(&c.to->owner());
  std::map<const Cell*, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<const Cell*> stack;
  std::function<void(const Cell*)> visit = [&](const Cell* cell) {
    state[cell] = 1;
    stack.push_back(cell);
    for (const auto* succ : next[cell]) {
      if (state[succ] == 1) {
        std::string ring;
        auto it = std::find(stack.begin(), stack.end(), succ);
        for (; it != stack.end(); ++it) ring += (*it)->path() + " -> ";
        out.push_back("cycle: " + ring + succ->path() +
                      " (to carry a value on to the next item, make one of these connections a "
                      "feedback: connect(out, in, cellflow::Feedback{initial}), in JSON "
                      "[\"a.out\", \"b.in\", {\"feedback\": initial}])");
      } else if (state[succ] == 0) {
        visit(succ);
      }
    }
    stack.pop_back();
    state[cell] = 2;
  };
  for (const auto* child : p.children())
    if (state[child] == 0) visit(child);
}

// Clone counts may change on the prototype (scale() before start reaches every clone).
void erase_clone_counts(nlohmann::json& j) {
  if (j.is_object()) {
    j.erase("clones");
    j.erase("remote_clones");
    j.erase("running");
  }
  if (j.is_structured())
    for (auto& item : j) erase_clone_counts(item);
}

// What a clone built by the factory must share with the prototype: params, and for a pipeline
// its whole topology.
nlohmann::json shape_of(const Cell& cell) {
  if (cell.is_pipeline()) {
    auto shape = detail::describe_structure(static_cast<const Pipeline&>(cell));
    erase_clone_counts(shape);
    return shape;
  }
  nlohmann::json params = nlohmann::json::object();
  for (const ParamBase* param : cell.params()) params[param->name()] = param->value_json();
  return params;
}

// A cloned child's clones come from its factory: changes made to the prototype that add()
// returned (cells added to a nested pipeline, configure() called again) would not reach them.
void check_prototype(const Structure::Child& child, std::vector<std::string>& out) {
  if (!child.scaled || !child.factory || child.scale.make_remote) return;
  std::unique_ptr<Cell> fresh;
  try {
    fresh = child.factory();
    detail::CellAccess::set_identity(*fresh, child.cell->name(), child.cell->parent());
    fresh->configure(child.params.is_null() ? nlohmann::json::object() : child.params);
  } catch (...) {
    return;  // its config problems are reported on their own
  }
  if (shape_of(*fresh) == shape_of(*child.cell)) return;
  out.push_back("cell '" + child.cell->path() + "' was changed after add() returned it (" +
                (child.cell->is_pipeline() ? "cells, connections or params added or changed"
                                           : "params changed") +
                "), but it is cloned and its clones are built by its factory, without those "
                "changes; build it completely in its constructor (a Pipeline subclass) or pass "
                "add() a factory that does");
}

void check_scale(const Pipeline& p, const Structure& s, std::vector<std::string>& out) {
  for (const auto& child : s.children) {
    const auto& scale = child.scale;
    const std::string where = "cell '" + child.cell->path() + "': ";
    if (scale.clones < 1 || scale.clones > ScaleUp::kMaxClones)
      out.push_back(where + "clones must be between 1 and " + std::to_string(ScaleUp::kMaxClones) +
                    ", got " + std::to_string(scale.clones));
    if (scale.threads < 0 || scale.threads > ScaleUp::kMaxClones)
      out.push_back(where +
                    "threads must be between 0 (the cores shared out among the clones) "
                    "and " +
                    std::to_string(ScaleUp::kMaxClones) + ", got " + std::to_string(scale.threads));
    if (child.scaled && scale.clones > 1 && child.cell->is_source())
      out.push_back(where + "a source cannot be cloned (it has no input to share out)");
    if (!scale.clone_params.empty() &&
        scale.clone_params.size() != static_cast<size_t>(scale.clones))
      out.push_back(where + "clone_params has " + std::to_string(scale.clone_params.size()) +
                    " entries for " + std::to_string(scale.clones) + " clones");
  }
  (void)p;
  for (const auto& child : s.children) check_prototype(child, out);
}

// A cloned nested pipeline holding a source or remote clones runs all its cells in sequence, one
// item at a time per clone: a batched cell inside could not take batches.
void check_batches_in_cloned_pipelines(const Structure& s, std::vector<std::string>& out) {
  for (const auto& child : s.children) {
    if (!child.cell->is_pipeline() || !child.scaled || child.scale.make_remote) continue;
    const auto inside = detail::nested_units(static_cast<const Pipeline&>(*child.cell));
    if (!inside.runs_as_one_unit) continue;
    for (const Cell* batched : inside.batched)
      out.push_back("cell '" + batched->path() + "': cannot run in batches inside '" +
                    child.cell->path() +
                    "', whose clones run its cells one item at a time (it holds a source or "
                    "remote clones); batch a cell outside it, or do not clone it");
  }
}

// A batch needs a cell that runs batches: one with a batch entry point, fed items (not a
// source), one call per item (not a synchroniser's tuples). Remote clones take batches too: a
// batch travels to a worker as one entry.
void check_batches(const Structure& s, std::vector<std::string>& out) {
  for (const auto& child : s.children) {
    if (!child.batch) continue;
    const Cell& cell = *child.cell;
    const std::string where = "cell '" + cell.path() + "': ";
    if (cell.is_pipeline())
      out.push_back(where +
                    "a batch applies to a cell, not to a nested pipeline; give it to the "
                    "cell inside that runs batches");
    else if (!cell.batches())
      out.push_back(where + "its type has no batch entry point (process_batch): remove " +
                    "\"batch\", or implement process_batch and batches()");
    if (cell.is_source()) out.push_back(where + "a source cannot run in batches");
    if (child.sync) out.push_back(where + "a synchronised cell cannot run in batches");
  }
  check_batches_in_cloned_pipelines(s, out);
}

// zip_sources pairs the sources of the whole run: only the top-level pipeline can say so.
void check_sources(const Pipeline& p, std::vector<std::string>& out) {
  if (p.parent() != nullptr && p.zip_sources())
    out.push_back("pipeline '" + p.path() +
                  "': zip_sources applies to the top-level pipeline only");
}

// Streams and synchronisers are checked when the plan is made; a pipeline with other problems
// is not planned (its wiring may be incomplete).
void check_streams(const Pipeline& p, std::vector<std::string>& out) {
  if (p.parent() != nullptr || !out.empty()) return;
  try {
    detail::make_plan(p);
  } catch (const Error& e) {
    out.insert(out.end(), e.problems().begin(), e.problems().end());
  }
}

}  // namespace

void collect_problems(const Pipeline& p, std::vector<std::string>& out);

void collect_problems(const Pipeline& p, std::vector<std::string>& out) {
  const auto& s = detail::PipelineAccess::structure(p);
  out.insert(out.end(), s.problems.begin(), s.problems.end());
  for (const auto& [cell, problem] : s.cell_problems)
    out.push_back("cell '" + cell->path() + "': " + problem);
  if (p.parent() == nullptr) {
    if (auto problem = name_problem(p.name()); !problem.empty())
      out.push_back("top-level pipeline: " + problem);
    check_declarations(p, "pipeline '" + p.name() + "'", out);
  }
  check_names(p, out);
  for (const auto* child : p.children()) {
    check_declarations(*child, "cell '" + child->path() + "'", out);
    if (child->is_pipeline()) collect_problems(static_cast<const Pipeline&>(*child), out);
  }
  check_coverage(p, s, out);
  check_cycles(p, s, out);
  check_scale(p, s, out);
  check_batches(s, out);
  check_sources(p, out);
  check_streams(p, out);
}

void Pipeline::validate() const {
  std::vector<std::string> problems;
  collect_problems(*this, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace cellflow

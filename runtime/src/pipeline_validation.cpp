// Pipeline::validate: every wiring and config problem of this level and all nested levels.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "cellflow/error.hpp"
#include "cellflow/pipeline.hpp"
#include "detail/pipeline_impl.hpp"

namespace cellflow {
namespace {

using Structure = Pipeline::Structure;

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
    if (&c.from->owner() != &p && &c.to->owner() != &p)
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
        out.push_back("cycle: " + ring + succ->path());
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

void check_scale(const Pipeline& p, const Structure& s, std::vector<std::string>& out) {
  for (const auto& child : s.children) {
    const auto& scale = child.scale;
    const std::string where = "cell '" + child.cell->path() + "': ";
    if (scale.clones < 1 || scale.clones > ScaleUp::kMaxClones)
      out.push_back(where + "clones must be between 1 and " + std::to_string(ScaleUp::kMaxClones) +
                    ", got " + std::to_string(scale.clones));
    if (child.scaled && scale.clones > 1 && child.cell->is_source())
      out.push_back(where + "a source cannot be cloned (it has no input to share out)");
    if (!scale.clone_params.empty() &&
        scale.clone_params.size() != static_cast<size_t>(scale.clones))
      out.push_back(where + "clone_params has " + std::to_string(scale.clone_params.size()) +
                    " entries for " + std::to_string(scale.clones) + " clones");
  }
  (void)p;
}

}  // namespace

void collect_problems(const Pipeline& p, std::vector<std::string>& out);

void collect_problems(const Pipeline& p, std::vector<std::string>& out) {
  const auto& s = p.structure();
  out.insert(out.end(), s.problems.begin(), s.problems.end());
  if (p.parent() == nullptr) check_declarations(p, "pipeline '" + p.name() + "'", out);
  check_names(p, out);
  for (const auto* child : p.children()) {
    check_declarations(*child, "cell '" + child->path() + "'", out);
    if (child->is_pipeline()) collect_problems(static_cast<const Pipeline&>(*child), out);
  }
  check_coverage(p, s, out);
  check_cycles(p, s, out);
  check_scale(p, s, out);
}

void Pipeline::validate() const {
  std::vector<std::string> problems;
  collect_problems(*this, problems);
  if (!problems.empty()) throw Error(std::move(problems));
}

}  // namespace cellflow

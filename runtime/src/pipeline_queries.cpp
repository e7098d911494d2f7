// Questions about a built pipeline: which request inputs a cell reads, how long a stream is.
#include <algorithm>

#include "cellflow/pipeline.hpp"
#include "detail/plan.hpp"

namespace cellflow {

std::vector<std::string> Pipeline::inputs_read_by(std::string_view cell_path) const {
  validate();
  const detail::Plan plan = detail::make_plan(*this);
  const auto leaf = std::find_if(plan.leaves.begin(), plan.leaves.end(),
                                 [&](const detail::LeafPlan& l) { return l.path == cell_path; });
  std::vector<std::string> names;
  if (leaf == plan.leaves.end()) return names;
  for (const auto& input : plan.inputs) {
    const auto& slots = leaf->input_slots;
    if (std::find(slots.begin(), slots.end(), input.slot) != slots.end())
      names.push_back(input.name);
  }
  return names;
}

}  // namespace cellflow

namespace cellflow {

std::optional<std::uint64_t> Pipeline::expected_items() const {
  std::optional<std::uint64_t> smallest;
  for (const std::string& path : cell_paths()) {
    const Cell& c = cell(path);
    if (c.is_pipeline() || !c.is_source()) continue;
    const auto hint = c.expected_items();
    if (hint && (!smallest || *hint < *smallest)) smallest = hint;
  }
  return smallest;
}

}  // namespace cellflow

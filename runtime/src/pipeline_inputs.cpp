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

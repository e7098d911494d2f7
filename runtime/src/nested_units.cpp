#include "detail/structure.hpp"

namespace cellflow::detail {

namespace {

void visit(const Pipeline& p, NestedUnits& found) {
  for (const auto& inner : PipelineAccess::structure(p).children) {
    found.scaled = found.scaled || inner.scaled;
    if (inner.batch) found.batched.push_back(inner.cell.get());
    found.runs_as_one_unit =
        found.runs_as_one_unit || inner.cell->is_source() || inner.scale.make_remote;
    if (inner.cell->is_pipeline()) visit(static_cast<const Pipeline&>(*inner.cell), found);
  }
}

}  // namespace

NestedUnits nested_units(const Pipeline& pipeline) {
  NestedUnits found;
  visit(pipeline, found);
  return found;
}

}  // namespace cellflow::detail

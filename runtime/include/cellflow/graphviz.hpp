#pragma once

#include <string>

#include "cellflow/pipeline.hpp"

namespace cellflow {

/// Graphviz DOT of a pipeline, drawn from Pipeline::describe(): one cluster per nested pipeline,
/// one node per cell (with its clone count), one edge per connection labelled with the port
/// names and type.
std::string to_dot(const Pipeline& pipeline);

}  // namespace cellflow

// Resolving "cell.port" strings and explaining bad connection endpoints.
#pragma once

#include <string>
#include <string_view>

#include "cellflow/pipeline.hpp"

namespace cellflow::detail {

/// The port named by "cell.port" among `pipeline`'s children, of the given kind; nullptr with
/// `problem` set otherwise (unknown cell/port, wrong direction), listing what exists.
const PortBase* resolve_port(const Pipeline& pipeline, std::string_view ref, PortKind kind,
                             std::string& problem);

/// Why `port` cannot be the start (`is_from`) or end of a connection inside `pipeline`.
std::string endpoint_problem(const PortBase& port, const Pipeline& pipeline, bool is_from);

}  // namespace cellflow::detail

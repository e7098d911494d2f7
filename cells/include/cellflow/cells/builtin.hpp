#pragma once

#include "cellflow/registry.hpp"

namespace cellflow::cells {

/// Registers the utility cells Delay, Fail, Counter and Repeat (JSON values, ports in/out).
void register_builtin(Registry& registry);

/// A registry holding the built-in cells.
Registry builtin_registry();

}  // namespace cellflow::cells

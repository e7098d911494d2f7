#pragma once

#include "cellflow/registry.hpp"

namespace cellflow::cells {

/// Registers the utility cells Add, Delay, Fail, Counter, Repeat, Ticker and Join (JSON values).
void register_builtin(Registry& registry);

/// A registry holding the built-in cells.
Registry builtin_registry();

}  // namespace cellflow::cells

// Umbrella header of cellflow::cells.
#pragma once

#include "cellflow/cells/add.hpp"
#include "cellflow/cells/builtin.hpp"
#include "cellflow/cells/counter.hpp"
#include "cellflow/cells/delay.hpp"
#include "cellflow/cells/fail.hpp"
#include "cellflow/cells/join.hpp"
#include "cellflow/cells/repeat.hpp"
#include "cellflow/cells/ticker.hpp"

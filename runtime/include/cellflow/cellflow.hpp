// Umbrella header.
#pragma once

#include "cellflow/cell.hpp"
#include "cellflow/cell_runner.hpp"
#include "cellflow/context.hpp"
#include "cellflow/error.hpp"
#include "cellflow/graphviz.hpp"
#include "cellflow/item.hpp"
#include "cellflow/loader.hpp"
#include "cellflow/observer.hpp"
#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"
#include "cellflow/port.hpp"
#include "cellflow/registry.hpp"
#include "cellflow/result.hpp"
#include "cellflow/scale_up.hpp"
#include "cellflow/trace.hpp"
#include "cellflow/value.hpp"

// WorkerConfig (internal): what a worker serves, from its options and the coordinator's config:
// a one-cell pipeline (the cell at the path, with the worker's clones, its inputs and outputs
// exposed under the cell's port names) and the queue's Redis URL and name.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/redis/worker.hpp"

namespace cellflow::redis {

struct WorkerConfig {
  nlohmann::json pipeline;
  std::string redis, queue;
  int clones = 1;
  int claim_idle_ms = 2000;
};

/// Throws Error listing the problems: unreadable config, unknown cell path, no queue.
WorkerConfig worker_config(const WorkerOptions& options, const Registry& registry);

}  // namespace cellflow::redis

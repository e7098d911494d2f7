// A remote-clone worker: runs `clones` local clones of one cell of a pipeline config and serves
// the Redis queue that the coordinator's remote clones of that cell send to. `cellflow worker`
// is this function with its command-line options.
//
// Tasks are read through the queue stream's consumer group "workers"; tasks another worker
// took and has not acknowledged for claim_idle_ms (it died) are claimed (XAUTOCLAIM) and done
// here. Each task is acknowledged once its reply is written. The worker announces itself with
// a key cellflow:worker:QUEUE:ID (host, pid, clones, items done; expires 5 s after it stops).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/registry.hpp"

namespace cellflow::redis {

struct WorkerOptions {
  std::string config;               ///< the pipeline config file the coordinator uses
  std::string cell;                 ///< path of the cell in it ("detect", "outer/detect")
  std::string redis;                ///< empty: the cell's "remote".redis
  std::string queue;                ///< empty: the cell's "remote".queue
  int clones = 1;                   ///< local clones of the cell in this worker
  std::vector<std::string> params;  ///< "cell.param=value" overrides, as for `cellflow run`
  int claim_idle_ms = -1;           ///< -1: the cell's "remote".claim_idle_ms, or 2000
};

/// Serves the queue until `stop` turns true, then finishes the tasks it holds (their replies
/// are written and acknowledged) and returns. Throws Error for config problems (unknown cell,
/// no queue) and RedisError when Redis cannot be reached at start.
void run_worker(const WorkerOptions& options, const Registry& registry, const CodecRegistry& codecs,
                const std::atomic<bool>& stop);

}  // namespace cellflow::redis

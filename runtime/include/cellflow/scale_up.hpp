#pragma once

#include <nlohmann/json.hpp>
#include <vector>

namespace cellflow {

/// Deployment choice for one cell or nested pipeline: run `clones` independent instances, each
/// built fresh from the cell's factory with the same params, merged with clone_params[i] for
/// clone i when given (e.g. {"device": i}). Items go to any free clone; outputs leave in input
/// order. Clone threads are dedicated, so clones that block (sleep, I/O) still run in parallel.
struct ScaleUp {
  /// Upper bound for `clones` (each clone owns a thread).
  static constexpr int kMaxClones = 256;
  int clones = 1;
  std::vector<nlohmann::json> clone_params = {};
  /// Intra-op thread budget of each clone: how many threads parallel code inside one process()
  /// call may use (oneTBB loops, and OpenCV's once cellflow::vision routes it to oneTBB). It is
  /// applied on the clone's own thread. 0: the cores shared out among the clones (2 cores and
  /// 2 clones: 1 each), recomputed when the group is rescaled; clones are the parallelism, and
  /// two single-threaded calls beat one call spread over two cores.
  int threads = 0;
};

}  // namespace cellflow

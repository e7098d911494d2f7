#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace cellflow {

class Cell;

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
  /// Remote clones: the last `remote` of the `clones` are made by `make_remote` instead of the
  /// cell's factory: cells with the prototype's ports whose process() has the work done
  /// elsewhere (cellflow::redis sends it to worker processes). They serve the group beside the
  /// local clones, with the same ordering, credits and 0..N emissions. Leaf cells only.
  int remote = 0;
  std::function<std::unique_ptr<Cell>(const Cell& prototype, int clone)> make_remote = {};
};

}  // namespace cellflow

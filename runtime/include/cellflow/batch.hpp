// Batch: dynamic batching for a cell with a batch entry point (Cell::process_batch). The items
// waiting for the cell are run together, up to `max_size` at once; when fewer than a preferred
// size are waiting, the cell waits at most `max_delay_ms` for more (Triton's dynamic batcher).
// With clones, each free clone takes the next batch; a remote clone sends its batch to a worker
// as one Redis entry. Each item keeps its identity: its own
// emissions, its own error, its own place in the output order. Given per cell (JSON "batch":
// {"max_size": 8, "max_delay_ms": 2, "preferred_sizes": [4, 8]}; C++ Pipeline::set_batch); a
// batched cell runs as a clone group (1 clone unless told otherwise).
#pragma once

#include <cstddef>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/context.hpp"

namespace cellflow {

struct Batch {
  std::size_t max_size = 8;                  ///< items per batch at most, >= 1
  double max_delay_ms = 0;                   ///< the longest wait for more items, >= 0
  std::vector<std::size_t> preferred_sizes;  ///< sizes worth waiting for; empty: max_size

  /// Batches of up to `max_size`, waiting at most `max_delay_ms` for more (see above).
  static Batch up_to(std::size_t max_size, double max_delay_ms = 0,
                     std::vector<std::size_t> preferred_sizes = {}) {
    return {max_size, max_delay_ms, std::move(preferred_sizes)};
  }
  /// Whether a batch of `size` items may leave without waiting for more.
  bool satisfied(std::size_t size) const;

  nlohmann::json to_json() const;
  /// Reads {"max_size", "max_delay_ms", "preferred_sizes"}; problems are appended with `path`
  /// in front (each size in 1..max_size).
  static Batch from_json(const nlohmann::json& config, const std::string& path,
                         std::vector<std::string>& problems);
};

/// What Cell::process_batch sees: the items of one batch, each through its own Context (its
/// inputs, its emissions), in the order they arrived.
class BatchContext {
 public:
  virtual ~BatchContext() = default;
  virtual std::size_t size() const = 0;
  virtual Context& operator[](std::size_t item) = 0;
  /// Fails item `item` only (the others go on); throwing from process_batch fails them all.
  virtual void fail(std::size_t item, std::exception_ptr error) = 0;
};

}  // namespace cellflow

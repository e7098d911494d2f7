#pragma once

#include <chrono>
#include <string>

namespace cellflow {

/// Receives per-cell measurements of a running pipeline (e.g. to export metrics). Set it in
/// RunOptions::observer. Called on the thread that ran the cell, concurrently for different
/// cells and clones: implementations must be thread-safe and cheap.
class PipelineObserver {
 public:
  virtual ~PipelineObserver() = default;
  /// Leaf cell `cell` (its path), clone `clone` (0 when not cloned), finished one item:
  /// `compute` spent in process(), `queue_wait` waiting for a free clone (0 for plain cells).
  virtual void on_cell(const std::string& cell, int clone, std::chrono::nanoseconds compute,
                       std::chrono::nanoseconds queue_wait, bool failed) = 0;
  /// A value on input `input` of cell `cell` was dropped unused: `reason` is "unmatched",
  /// "stale", "superseded" or "unused" (a synchroniser), or "queue_full" (a dropping queue).
  virtual void on_drop(const std::string& /*cell*/, const std::string& /*input*/,
                       const char* /*reason*/) {}
};

}  // namespace cellflow

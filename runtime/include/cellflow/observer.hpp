#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cellflow {

/// One cell's work on one item, for tracers (PipelineObserver::on_span).
struct CellSpan {
  const std::string& cell;  ///< the cell's path
  int clone;                ///< 0 when not cloned
  std::uint64_t seq;        ///< the item's sequence number within its stream
  std::size_t stream;       ///< the stream (0 unless a pipeline has several sources)
  std::chrono::steady_clock::time_point start;  ///< when process() began
  std::chrono::nanoseconds compute;             ///< time in process()
  std::chrono::nanoseconds queue_wait;          ///< waiting for a free clone before it
  bool failed;
};

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
  /// The same work as on_cell, with the item's identity and start time (called right after it).
  virtual void on_span(const CellSpan& /*span*/) {}
  /// A batched cell ran `size` items in one process_batch call (then on_cell for each item, with
  /// its share of the time).
  virtual void on_batch(const std::string& /*cell*/, int /*clone*/, std::size_t /*size*/) {}
};

/// Several observers as one (e.g. metrics and a trace): each call goes to each, in order.
class Observers final : public PipelineObserver {
 public:
  explicit Observers(std::vector<std::shared_ptr<PipelineObserver>> observers)
      : observers_(std::move(observers)) {}
  void on_cell(const std::string& cell, int clone, std::chrono::nanoseconds compute,
               std::chrono::nanoseconds queue_wait, bool failed) override {
    for (const auto& o : observers_) o->on_cell(cell, clone, compute, queue_wait, failed);
  }
  void on_drop(const std::string& cell, const std::string& input, const char* reason) override {
    for (const auto& o : observers_) o->on_drop(cell, input, reason);
  }
  void on_span(const CellSpan& span) override {
    for (const auto& o : observers_) o->on_span(span);
  }
  void on_batch(const std::string& cell, int clone, std::size_t size) override {
    for (const auto& o : observers_) o->on_batch(cell, clone, size);
  }

 private:
  std::vector<std::shared_ptr<PipelineObserver>> observers_;
};

}  // namespace cellflow

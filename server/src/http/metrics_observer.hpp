// MetricsObserver: the PipelineObserver that Metrics::observer_for returns. It feeds the
// per-cell families (items, failures, compute and queue wait histograms) of one pipeline.
// on_cell runs concurrently on runtime threads for every item, so each (cell, clone)'s series
// are looked up in the families once and cached; later calls take only a shared lock.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "cellflow/observer.hpp"

namespace cellflow::server::detail {

/// Histogram buckets in seconds for cell compute, queue wait and HTTP latency: 100 µs to 10 s.
const prometheus::Histogram::BucketBoundaries& latency_buckets();

/// The families an observer feeds; they are owned by `registry`, which the observer keeps alive
/// (a pipeline may outlive the Metrics that made its observer).
struct CellFamilies {
  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Counter>* items = nullptr;
  prometheus::Family<prometheus::Counter>* failures = nullptr;
  prometheus::Family<prometheus::Histogram>* compute = nullptr;
  prometheus::Family<prometheus::Histogram>* queue_wait = nullptr;
  prometheus::Family<prometheus::Counter>* dropped = nullptr;
  prometheus::Family<prometheus::Histogram>* batch_size = nullptr;
};

class MetricsObserver final : public PipelineObserver {
 public:
  MetricsObserver(CellFamilies families, std::string pipeline);

  void on_cell(const std::string& cell, int clone, std::chrono::nanoseconds compute,
               std::chrono::nanoseconds queue_wait, bool failed) override;
  /// cellflow_dropped_total{pipeline, cell, input, reason}: rare next to on_cell (a drop is an
  /// item a queue or synchroniser let go unused), so the family's own lock is enough.
  void on_drop(const std::string& cell, const std::string& input, const char* reason) override;
  /// cellflow_batch_size{pipeline, cell}: items per process_batch call (its _count is the number
  /// of batches). Once per batch, so the family's own lock is enough.
  void on_batch(const std::string& cell, int clone, std::size_t size) override;

 private:
  /// One (cell, clone)'s series; the metrics live as long as the registry.
  struct Series {
    prometheus::Counter* items = nullptr;
    prometheus::Counter* failures = nullptr;
    prometheus::Histogram* compute = nullptr;
    prometheus::Histogram* queue_wait = nullptr;  // per cell, shared by its clones
  };

  Series series(const std::string& cell, int clone);
  Series add_series(const std::string& cell, int clone);

  CellFamilies families_;
  std::string pipeline_;
  std::shared_mutex mutex_;
  /// By cell path, then indexed by clone (entries with items == nullptr are not made yet).
  std::unordered_map<std::string, std::vector<Series>> cache_;
};

}  // namespace cellflow::server::detail

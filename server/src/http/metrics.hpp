// Metrics: a prometheus-cpp registry with cellflow's families, fed by the HTTP layer and by each
// pipeline's PipelineObserver, serialized in the Prometheus text format for GET /metrics.
// Names start with cellflow_; counters end in _total, histograms in _seconds; labels pipeline,
// cell, clone, route, code.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cellflow/observer.hpp"
#include "cellflow/pipeline.hpp"

namespace cellflow::server {

class Metrics {
 public:
  Metrics();
  ~Metrics();

  /// An observer for one pipeline: per cell/clone items processed, failures, compute time and
  /// queue wait histograms.
  std::shared_ptr<PipelineObserver> observer_for(const std::string& pipeline);
  /// Gauges read at scrape time: items in flight (pipeline.stats()) and pending requests.
  /// `pipeline` must stay alive until untrack() or the end of this Metrics. Tracking the same
  /// pipeline again replaces its pending_requests function.
  void track(const Pipeline& pipeline, std::function<std::size_t()> pending_requests);
  /// Stops reading `pipeline`'s gauges (they keep their last value). No-op if not tracked.
  void untrack(const Pipeline& pipeline);
  /// One HTTP request: counter by route and status code, latency histogram by route.
  void observe_request(const std::string& route, int status, double seconds);
  /// The cellflow section of the statistics extension for `pipeline` (see cell_statistics.hpp):
  /// per cell its clones, queue depth, items, failures, compute and queue-wait time.
  nlohmann::json cell_statistics(const Pipeline& pipeline) const;
  /// Prometheus text exposition of everything above (and per-cell queue depth and clones).
  std::string serialize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::server

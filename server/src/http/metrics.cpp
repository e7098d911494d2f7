#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <utility>
#include <vector>

#include "http/cell_statistics.hpp"
#include "http/metrics_http.hpp"
#include "http/metrics_observer.hpp"

namespace cellflow::server {

namespace {

detail::CellFamilies make_cell_families(std::shared_ptr<prometheus::Registry> registry) {
  detail::CellFamilies f;
  f.items = &prometheus::BuildCounter()
                 .Name("cellflow_cell_items_total")
                 .Help("Items processed by a cell clone, failed ones included.")
                 .Register(*registry);
  f.failures = &prometheus::BuildCounter()
                    .Name("cellflow_cell_failures_total")
                    .Help("Items whose process() threw in a cell clone.")
                    .Register(*registry);
  f.compute = &prometheus::BuildHistogram()
                   .Name("cellflow_cell_compute_seconds")
                   .Help("Time spent in process() per item, by cell clone.")
                   .Register(*registry);
  f.queue_wait = &prometheus::BuildHistogram()
                      .Name("cellflow_cell_queue_wait_seconds")
                      .Help("Time an item waited for a free clone (0 for plain cells), by cell.")
                      .Register(*registry);
  f.dropped = &prometheus::BuildCounter()
                   .Name("cellflow_dropped_total")
                   .Help(
                       "Values a bounded queue or a synchroniser dropped unused, by cell, input "
                       "and reason (queue_full, unmatched, stale, superseded, unused).")
                   .Register(*registry);
  f.batch_size = &prometheus::BuildHistogram()
                      .Name("cellflow_batch_size")
                      .Help("Items per batch of a batched cell (its _count: batches run), by cell.")
                      .Register(*registry);
  f.registry = std::move(registry);
  return f;
}

/// A pipeline whose gauges are read at scrape time.
struct Tracked {
  const Pipeline* pipeline = nullptr;
  std::function<std::size_t()> pending;
  prometheus::Gauge* in_flight = nullptr;
  prometheus::Gauge* pending_requests = nullptr;
};

}  // namespace

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  detail::CellFamilies cells = make_cell_families(registry);
  prometheus::Family<prometheus::Gauge>& in_flight =
      prometheus::BuildGauge()
          .Name("cellflow_pipeline_in_flight")
          .Help("Items between ingress and completion in a pipeline.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& pending_requests =
      prometheus::BuildGauge()
          .Name("cellflow_pipeline_pending_requests")
          .Help("Inference requests admitted and not yet answered, by pipeline (model).")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& queue_depth =
      prometheus::BuildGauge()
          .Name("cellflow_cell_queue_depth")
          .Help("Items waiting for a cell (for a free clone of a clone group), by cell.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& queue_size =
      prometheus::BuildGauge()
          .Name("cellflow_queue_size")
          .Help(
              "Values waiting at a cell's input (a synchronised cell buffers each input on "
              "its own), by cell and input.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& clones =
      prometheus::BuildGauge()
          .Name("cellflow_cell_clones")
          .Help("Current clone count of a clone group (0: a plain cell), by cell.")
          .Register(*registry);
  prometheus::Family<prometheus::Gauge>& remote_workers =
      prometheus::BuildGauge()
          .Name("cellflow_remote_workers")
          .Help("Live worker processes serving a cell's remote clones, by cell.")
          .Register(*registry);
  detail::HttpRequestMetrics http{*registry};
  std::mutex tracked_mutex;
  std::vector<Tracked> tracked;

  void update_gauges() {
    std::lock_guard lock(tracked_mutex);
    for (const Tracked& t : tracked) {
      const PipelineStats stats = t.pipeline->stats();
      t.in_flight->Set(static_cast<double>(stats.in_flight));
      t.pending_requests->Set(t.pending ? static_cast<double>(t.pending()) : 0.0);
      for (const CellStats& cell : stats.cells) {
        const prometheus::Labels labels = {{"pipeline", t.pipeline->name()}, {"cell", cell.path}};
        queue_depth.Add(labels).Set(static_cast<double>(cell.queued));
        clones.Add(labels).Set(cell.clones);
        for (const auto& [input, waiting] : cell.queued_by_input)
          queue_size.Add({{"pipeline", t.pipeline->name()}, {"cell", cell.path}, {"input", input}})
              .Set(static_cast<double>(waiting));
        if (cell.status.is_object() && cell.status.contains("workers"))
          remote_workers.Add(labels).Set(static_cast<double>(cell.status["workers"].size()));
      }
    }
  }
};

Metrics::Metrics() : impl_(std::make_unique<Impl>()) {}

Metrics::~Metrics() = default;

std::shared_ptr<PipelineObserver> Metrics::observer_for(const std::string& pipeline) {
  return std::make_shared<detail::MetricsObserver>(impl_->cells, pipeline);
}

void Metrics::track(const Pipeline& pipeline, std::function<std::size_t()> pending_requests) {
  const prometheus::Labels labels = {{"pipeline", pipeline.name()}};
  std::lock_guard lock(impl_->tracked_mutex);
  for (Tracked& t : impl_->tracked) {
    if (t.pipeline == &pipeline) {
      t.pending = std::move(pending_requests);
      return;
    }
  }
  impl_->tracked.push_back({&pipeline, std::move(pending_requests), &impl_->in_flight.Add(labels),
                            &impl_->pending_requests.Add(labels)});
}

void Metrics::untrack(const Pipeline& pipeline) {
  std::lock_guard lock(impl_->tracked_mutex);
  std::erase_if(impl_->tracked, [&](const Tracked& t) { return t.pipeline == &pipeline; });
}

void Metrics::observe_request(const std::string& route, int status, double seconds) {
  impl_->http.observe(route, status, seconds);
}

nlohmann::json Metrics::cell_statistics(const Pipeline& pipeline) const {
  return detail::cell_statistics(impl_->cells, pipeline);
}

std::string Metrics::serialize() const {
  impl_->update_gauges();
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace cellflow::server

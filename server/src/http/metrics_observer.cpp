#include "http/metrics_observer.hpp"

#include <mutex>
#include <utility>

namespace cellflow::server::detail {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return buckets;
}

MetricsObserver::MetricsObserver(CellFamilies families, std::string pipeline)
    : families_(std::move(families)), pipeline_(std::move(pipeline)) {}

void MetricsObserver::on_cell(const std::string& cell, int clone, std::chrono::nanoseconds compute,
                              std::chrono::nanoseconds queue_wait, bool failed) {
  const Series s = series(cell, clone < 0 ? 0 : clone);  // the runtime never passes < 0
  s.items->Increment();
  if (failed) s.failures->Increment();
  s.compute->Observe(std::chrono::duration<double>(compute).count());
  s.queue_wait->Observe(std::chrono::duration<double>(queue_wait).count());
}

void MetricsObserver::on_drop(const std::string& cell, const std::string& input,
                              const char* reason) {
  families_.dropped
      ->Add({{"pipeline", pipeline_}, {"cell", cell}, {"input", input}, {"reason", reason}})
      .Increment();
}

void MetricsObserver::on_batch(const std::string& cell, int, std::size_t size) {
  static const prometheus::Histogram::BucketBoundaries sizes = {1, 2, 4, 8, 16, 32, 64, 128};
  families_.batch_size->Add({{"pipeline", pipeline_}, {"cell", cell}}, sizes)
      .Observe(static_cast<double>(size));
}

MetricsObserver::Series MetricsObserver::series(const std::string& cell, int clone) {
  {
    std::shared_lock lock(mutex_);
    const auto it = cache_.find(cell);
    if (it != cache_.end() && static_cast<std::size_t>(clone) < it->second.size() &&
        it->second[clone].items != nullptr) {
      return it->second[clone];
    }
  }
  return add_series(cell, clone);
}

MetricsObserver::Series MetricsObserver::add_series(const std::string& cell, int clone) {
  const std::string clone_label = std::to_string(clone);
  const prometheus::Labels labels = {
      {"pipeline", pipeline_}, {"cell", cell}, {"clone", clone_label}};
  std::unique_lock lock(mutex_);
  auto& clones = cache_[cell];
  const auto index = static_cast<std::size_t>(clone);
  if (clones.size() <= index) clones.resize(index + 1);
  Series& s = clones[index];
  if (s.items == nullptr) {  // another thread may have made it since the shared lock
    s.failures = &families_.failures->Add(labels);
    s.compute = &families_.compute->Add(labels, latency_buckets());
    s.queue_wait =
        &families_.queue_wait->Add({{"pipeline", pipeline_}, {"cell", cell}}, latency_buckets());
    s.items = &families_.items->Add(labels);  // last: marks the entry complete
  }
  return s;
}

}  // namespace cellflow::server::detail

#include "http/model_statistics.hpp"

namespace cellflow::server {

void ModelStatistics::Counter::add(Duration d) {
  count.fetch_add(1, std::memory_order_relaxed);
  ns.fetch_add(static_cast<std::uint64_t>(d.count()), std::memory_order_relaxed);
}

nlohmann::json ModelStatistics::Counter::to_json() const {
  return {{"count", count.load(std::memory_order_relaxed)},
          {"ns", ns.load(std::memory_order_relaxed)}};
}

void ModelStatistics::record_success(std::uint64_t items, Duration total, const Phases& phases) {
  success_.add(total);
  compute_input_.add(phases.compute_input);
  queue_.add(phases.queue);
  compute_infer_.add(phases.compute_infer);
  compute_output_.add(phases.compute_output);
  inference_count_.fetch_add(items, std::memory_order_relaxed);
  execution_count_.fetch_add(1, std::memory_order_relaxed);
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  last_inference_ms_.store(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(),
                           std::memory_order_relaxed);
}

void ModelStatistics::record_failure(Duration total) { fail_.add(total); }

nlohmann::json ModelStatistics::to_json(const std::string& model) const {
  const nlohmann::json none = {{"count", 0}, {"ns", 0}};
  return {{"name", model},
          {"version", "1"},
          {"last_inference", last_inference_ms_.load(std::memory_order_relaxed)},
          {"inference_count", inference_count_.load(std::memory_order_relaxed)},
          {"execution_count", execution_count_.load(std::memory_order_relaxed)},
          {"inference_stats",
           {{"success", success_.to_json()},
            {"fail", fail_.to_json()},
            {"queue", queue_.to_json()},
            {"compute_input", compute_input_.to_json()},
            {"compute_infer", compute_infer_.to_json()},
            {"compute_output", compute_output_.to_json()},
            {"cache_hit", none},
            {"cache_miss", none}}},
          {"batch_stats", nlohmann::json::array()}};
}

}  // namespace cellflow::server

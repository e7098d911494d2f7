// ModelStatistics: Triton's statistics extension for one model (GET /v2/models/{name}/stats):
// request counts and cumulative durations by phase. Thread-safe and lock-free: every admitted
// request records itself once, on the HTTP thread that answered it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

namespace cellflow::server {

class ModelStatistics {
 public:
  using Duration = std::chrono::nanoseconds;
  /// The phases of one request: parse + decode (compute_input), waiting for a credit (queue),
  /// the pipeline's run (compute_infer), encode + response (compute_output).
  struct Phases {
    Duration compute_input{0};
    Duration queue{0};
    Duration compute_infer{0};
    Duration compute_output{0};
  };

  /// An answered request: `items` inferences in one execution, `total` from admission to answer.
  void record_success(std::uint64_t items, Duration total, const Phases& phases);
  /// A request that was admitted and failed (400, 500, 504...) after `total`.
  void record_failure(Duration total);

  /// Triton's model_stats entry: name, version, last_inference (ms since the epoch),
  /// inference_count, execution_count, inference_stats {success, fail, queue, compute_input,
  /// compute_infer, compute_output, cache_hit, cache_miss: {count, ns}}.
  nlohmann::json to_json(const std::string& model) const;

 private:
  struct Counter {
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> ns{0};
    void add(Duration d);
    nlohmann::json to_json() const;
  };
  Counter success_, fail_, queue_, compute_input_, compute_infer_, compute_output_;
  std::atomic<std::uint64_t> inference_count_{0};
  std::atomic<std::uint64_t> execution_count_{0};
  std::atomic<std::int64_t> last_inference_ms_{0};
};

}  // namespace cellflow::server

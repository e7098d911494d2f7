#pragma once

#include <chrono>
#include <cstdint>

namespace cellflow {

/// What every item carries from ingress to completion.
struct ItemInfo {
  /// Ingress order, 0-based and dense per run. Outputs leave in this order.
  std::uint64_t seq = 0;
  /// Source time: set by the source (e.g. a video frame's position) or the ingress wall clock.
  std::chrono::nanoseconds timestamp{0};
  /// Wall clock when it entered the pipeline: left its source, was submitted, or (an item of a
  /// synchroniser) when the newest of its inputs did. Output time minus this is its latency.
  std::chrono::system_clock::time_point admitted{};
};

}  // namespace cellflow

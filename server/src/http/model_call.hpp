// Model::Call (internal): one inference request in flight, shared by the submitting thread, the
// items' completion callbacks and the transport's timer. Whoever finishes it first (the last
// item's completion, a submission failure, or expire()) calls `done` exactly once; later
// completions find it finished and only release their credits.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "http/model.hpp"

namespace cellflow::server {

struct Model::Call {
  using Clock = std::chrono::steady_clock;

  Model* model = nullptr;
  std::shared_ptr<Model> owner;  // keeps a replaced model alive while its request runs
  std::mutex mutex;
  bool finished = false;  // guarded by mutex
  std::optional<Admission::Ticket> ticket;
  InferRequest request;
  std::size_t batch = 0;  // 0: one item, not a batch
  std::vector<std::optional<Result>> results;
  std::size_t remaining = 0;  // items not completed yet; guarded by mutex
  Respond respond;
  Done done;
  Clock::time_point start;
  Clock::time_point submitted;
  ModelStatistics::Phases phases;
};

}  // namespace cellflow::server

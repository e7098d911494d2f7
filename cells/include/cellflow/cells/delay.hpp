#pragma once

#include <nlohmann/json.hpp>
#include <random>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::cells {

/// Passes its input through after sleep_ms (± uniform jitter_ms, never below 0). With busy=true it
/// spins the CPU for that long instead of sleeping (simulates compute-bound work). Batched
/// ("batch" in its config), a batch of n items takes sleep_ms + per_item_ms x n (± jitter_ms),
/// the cost model of a network that runs a batch faster than its items one by one.
class Delay final : public Cell {
 public:
  Input<nlohmann::json> in{*this, "in"};
  Output<nlohmann::json> out{*this, "out"};
  Param<double> sleep_ms{*this, "sleep_ms", 0.0, "milliseconds per item", kLive};
  Param<double> jitter_ms{*this, "jitter_ms", 0.0, "uniform random ± milliseconds added per item"};
  Param<bool> busy{*this, "busy", false, "spin the CPU instead of sleeping"};
  Param<std::int64_t> seed{*this, "seed", 0, "jitter random seed (0: random)"};
  Param<double> per_item_ms{
      *this, "per_item_ms", 0.0, "batched: milliseconds per item of a batch", at_least(0), kLive};

  void open() override;
  void process(Context& ctx) override;
  bool batches() const override { return true; }
  void process_batch(BatchContext& batch) override;

 private:
  void wait(double ms);

  std::mt19937_64 rng_;
};

}  // namespace cellflow::cells

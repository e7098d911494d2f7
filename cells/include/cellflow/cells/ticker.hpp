// Ticker: a source of the integers 0..count-1 at its own pace, for pipelines of independent
// streams. Item i leaves at i / rate_hz seconds after open() (plus uniform jitter of 0..jitter_ms)
// and is stamped start_ms + i * period_ms (period_ms defaults to 1000 / rate_hz), so that two
// tickers can share stamps while running at different speeds.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::cells {

class Ticker final : public Cell {
 public:
  Output<nlohmann::json> out{*this, "out"};
  Param<std::int64_t> count{*this, "count", 10, "number of items; -1 for endless", at_least(-1)};
  Param<double> rate_hz{*this, "rate_hz", 0.0, "items per second; 0: as fast as credits allow",
                        at_least(0)};
  Param<double> period_ms{*this, "period_ms", 0.0,
                          "stamp step in ms; 0: 1000 / rate_hz (1 when rate_hz is 0)", at_least(0)};
  Param<double> start_ms{*this, "start_ms", 0.0, "stamp of the first item, in ms"};
  Param<double> jitter_ms{*this, "jitter_ms", 0.0,
                          "uniform random 0..jitter_ms added to each "
                          "emission time",
                          at_least(0)};
  Param<std::int64_t> seed{*this, "seed", 0, "jitter random seed (0: random)"};
  Param<bool> live_{*this, "live", false,
                    "never wait for the pipeline: a newer item replaces the one waiting to enter"};

  void open() override;
  void process(Context& ctx) override;
  bool waits() const override { return *rate_hz > 0; }
  bool live() const override { return *live_; }

 private:
  std::int64_t next_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::mt19937_64 rng_;
};

}  // namespace cellflow::cells

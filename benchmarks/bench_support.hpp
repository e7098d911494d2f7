// Pieces shared by the benchmarks: timing, the machine's load (it is shared, so every run records
// how busy it was) and a typed int source.
#pragma once

#include <chrono>
#include <fstream>
#include <thread>

#include "cellflow/cellflow.hpp"

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Cores and 1-minute load average.
inline nlohmann::json machine() {
  double load = -1;
  std::ifstream("/proc/loadavg") >> load;
  return {{"cores", std::thread::hardware_concurrency()}, {"loadavg_1min", load}};
}

/// Source of the ints 0..count-1, one per item.
class IntSource final : public cellflow::Cell {
 public:
  cellflow::Output<int> out{*this, "out"};
  cellflow::Param<int> count{*this, "count", 0, "number of items"};

  void process(cellflow::Context& ctx) override {
    ctx.emit(out, next_++);
    if (next_ >= *count) ctx.end_of_stream();
  }

 private:
  int next_ = 0;
};

}  // namespace bench

#include "cellflow/cells/ticker.hpp"

#include <thread>

namespace cellflow::cells {

void Ticker::open() {
  next_ = 0;
  started_ = std::chrono::steady_clock::now();
  rng_.seed(*seed != 0 ? static_cast<std::uint64_t>(*seed) : std::random_device{}());
}

void Ticker::process(Context& ctx) {
  if (*count >= 0 && next_ >= *count) return ctx.end_of_stream();
  if (*rate_hz > 0) {
    double due_ms = 1000.0 * static_cast<double>(next_) / *rate_hz;
    if (*jitter_ms > 0) due_ms += std::uniform_real_distribution<double>(0, *jitter_ms)(rng_);
    std::this_thread::sleep_until(started_ +
                                  std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::duration<double, std::milli>(due_ms)));
  }
  const double period = *period_ms > 0 ? *period_ms : (*rate_hz > 0 ? 1000.0 / *rate_hz : 1.0);
  ctx.set_timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double, std::milli>(*start_ms + period * static_cast<double>(next_))));
  ctx.emit(out, nlohmann::json(next_++));
  if (*count >= 0 && next_ >= *count) ctx.end_of_stream();
}

}  // namespace cellflow::cells

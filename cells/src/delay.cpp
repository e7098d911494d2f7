#include "cellflow/cells/delay.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace cellflow::cells {

void Delay::open() {
  rng_.seed(*seed != 0 ? static_cast<std::uint64_t>(*seed) : std::random_device{}());
}

void Delay::process(Context& ctx) {
  double ms = *sleep_ms;
  if (*jitter_ms > 0) ms += std::uniform_real_distribution<double>(-*jitter_ms, *jitter_ms)(rng_);
  const auto duration = std::chrono::duration<double, std::milli>(std::max(ms, 0.0));
  if (*busy) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
    }
  } else if (duration.count() > 0) {
    std::this_thread::sleep_for(duration);
  }
  ctx.emit(out, ctx.take(in));
}

}  // namespace cellflow::cells

#include "cellflow/cells/delay.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

#include "cellflow/batch.hpp"

namespace cellflow::cells {

void Delay::open() {
  rng_.seed(*seed != 0 ? static_cast<std::uint64_t>(*seed) : std::random_device{}());
}

void Delay::wait(double ms) {
  if (*jitter_ms > 0) ms += std::uniform_real_distribution<double>(-*jitter_ms, *jitter_ms)(rng_);
  const auto duration = std::chrono::duration<double, std::milli>(std::max(ms, 0.0));
  if (*busy) {
    const auto until = std::chrono::steady_clock::now() + duration;
    while (std::chrono::steady_clock::now() < until) {
    }
  } else if (duration.count() > 0) {
    std::this_thread::sleep_for(duration);
  }
}

void Delay::process(Context& ctx) {
  wait(*sleep_ms);
  ctx.emit(out, ctx.take(in));
}

void Delay::process_batch(BatchContext& batch) {
  wait(*sleep_ms + *per_item_ms * static_cast<double>(batch.size()));
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].emit(out, batch[i].take(in));
}

}  // namespace cellflow::cells

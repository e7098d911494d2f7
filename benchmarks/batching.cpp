// bench_batching: dynamic batching's mechanism against the ideal its cost model gives
// (docs/benchmarks.md, "Dynamic batching"). A Delay cell whose batch of n sleeps 10 ms + 1 ms x n
// (2 clones, so clones matter too) under 32 requests in flight (request mode, callback form):
//  - batched (max_size 16): ideal = 2 clones x 16 items / 26 ms;
//  - unbatched (process(): 11 ms per item, a batch of one): ideal = 2 / 11 ms;
//  - batched with max_size 1 (11 ms per batch of one) against unbatched: the mechanism's own cost.
// Prints items/s, the ratio to the ideal and the ratios between variants. The variants run
// interleaved (bench::run_interleaved); a ratio is the median of its per-repetition ratios.
// Usage: bench_batching [items=640] [reps=3]
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

namespace {

using bench::Clock;
using nlohmann::json;

constexpr int kClones = 2;
constexpr int kInFlight = 32;
constexpr double kFixedMs = 10, kPerItemMs = 1;

// `max_size` 0: unbatched (process() sleeps the cost of a batch of one).
double items_per_second(int items, std::size_t max_size) {
  cellflow::Pipeline p{"batching"};
  const json params = max_size == 0 ? json{{"sleep_ms", kFixedMs + kPerItemMs}}
                                    : json{{"sleep_ms", kFixedMs}, {"per_item_ms", kPerItemMs}};
  auto& work = p.add<cellflow::cells::Delay>("work", params, cellflow::ScaleUp{kClones});
  p.expose(work.in, "x");
  p.expose(work.out, "y");
  if (max_size > 0) p.set_batch("work", cellflow::Batch::up_to(max_size, 2));
  p.start({.max_in_flight = kInFlight});
  std::atomic<int> done{0}, wrong{0};
  const auto start = Clock::now();
  for (int i = 0; i < items; ++i)  // blocks at 32 in flight
    p.submit({{"x", json(i)}}, [&, i](cellflow::Result&& r) {
      if (!r.ok() || r.get<json>("y") != i) ++wrong;
      ++done;
    });
  p.stop();  // waits for the items in flight
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (done != items || wrong != 0) {
    std::fprintf(stderr, "batching: %d of %d done, %d wrong\n", done.load(), items, wrong.load());
    std::exit(1);
  }
  return items / seconds;
}

double ideal(std::size_t max_size) {
  const double n = static_cast<double>(std::max<std::size_t>(max_size, 1));
  return kClones * n / ((kFixedMs + kPerItemMs * n) / 1000.0);
}

}  // namespace

int main(int argc, char** argv) {
  const int items = argc > 1 ? std::atoi(argv[1]) : 640;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 3;
  std::printf("%s\n",
              json({{"bench", "batching"}, {"machine_before", bench::machine()}}).dump().c_str());
  // Unbatched, the reference of both ratios, runs between the two batched variants.
  const std::size_t max_sizes[] = {16, 0, 1};
  std::vector<double> per_variant[3];
  bench::run_interleaved(3, reps, [&](std::size_t i) {
    per_variant[i].push_back(items_per_second(items, max_sizes[i]));
  });
  const auto& [batched, unbatched, single] = per_variant;
  const auto line = [](const char* variant, const std::vector<double>& runs, double best) {
    std::printf("%s\n", json({{"bench", "batching"},
                              {"variant", variant},
                              {"items_per_s", runs},
                              {"ideal_items_per_s", best},
                              {"of_ideal", bench::median(runs) / best}})
                            .dump()
                            .c_str());
  };
  line("batched max_size 16", batched, ideal(16));
  line("unbatched", unbatched, ideal(1));
  line("batched max_size 1", single, ideal(1));
  bench::print_line("batching", bench::ratio_line("batched16/unbatched", batched, unbatched));
  bench::print_line("batching", bench::ratio_line("batched1/unbatched", single, unbatched, 0.95));
}

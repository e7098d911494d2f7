// rescale: changing a bottleneck's clone count while the pipeline runs. A cell that waits 5 ms
// per item (think: a remote model call) starts with one clone; after 100 items a controller
// thread scales it to 8 clones, later back to 2. No item is lost, duplicated or reordered, and
// the throughput follows the clone count.
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

int main() {
  cellflow::Pipeline p{"rescale"};
  auto& counter = p.add<cellflow::cells::Counter>("counter", {{"count", 900}});
  // ScaleUp{1}: a clone group from the start, so it can be rescaled while running.
  auto& remote = p.add<cellflow::cells::Delay>("remote", {{"sleep_ms", 5}}, cellflow::ScaleUp{1});
  p.connect(counter.out, remote.in);
  p.expose(remote.out, "y");

  std::atomic<int> done{0};
  std::thread controller([&] {
    for (auto [at, clones] : {std::pair{100, 8}, {700, 2}}) {
      while (done < at) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      p.scale("remote", clones);
      std::cout << "after " << at << " items: " << clones << " clones\n";
    }
  });
  long expected = 0;
  auto phase_start = std::chrono::steady_clock::now();
  p.run([&](cellflow::Result&& r) {
    if (r.get<nlohmann::json>("y").get<long>() != expected++) throw std::runtime_error("order!");
    if (++done % 100 == 0) {
      const auto now = std::chrono::steady_clock::now();
      const double s = std::chrono::duration<double>(now - phase_start).count();
      std::cout << "items " << done - 100 << ".." << done << ": " << int(100 / s) << " items/s\n";
      phase_start = now;
    }
  });
  controller.join();
  std::cout << done << " items, all in order\n";
  return done == 900 ? 0 : 1;
}

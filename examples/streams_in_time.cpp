// streams_in_time: independent sources, synchronisers and a leaky queue.
//  1. Two sources at 200 and 50 items/s, stamped alike (0, 1, 2, ... ms): `Sync::exact()` pairs
//     equal stamps, so every pair is complete although the sources run at different speeds.
//  2. A 25 fps "camera" and a 5 fps "sensor": `Sync::latest()` gives every frame the newest
//     sensor value at or before its time.
//  3. A 4 ms source into a 50 ms cell behind `Queue::drop_oldest(1)`: the cell always starts on a
//     recent item, and every item is either delivered or counted as dropped.
// The example checks each promise and prints what it saw.
#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

namespace {

using cellflow::cells::Join;
using cellflow::cells::Ticker;
using nlohmann::json;

const cellflow::Input<json>& input(Join& join, int i) {
  return *static_cast<const cellflow::Input<json>*>(join.find_port("in" + std::to_string(i)));
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("check failed: " + what);
}

void exact_pairs() {
  cellflow::Pipeline p{"exact"};
  auto& fast = p.add<Ticker>("fast", {{"count", 50}, {"rate_hz", 200}, {"period_ms", 1}});
  auto& slow = p.add<Ticker>("slow", {{"count", 50}, {"rate_hz", 50}, {"period_ms", 1}});
  auto& join = p.add<Join>("join", {}, cellflow::Sync::exact());
  p.connect(fast.out, input(join, 0));
  p.connect(slow.out, input(join, 1));
  p.expose(join.out, "pair");
  int pairs = 0;
  p.run([&](cellflow::Result&& r) {
    const json pair = r.get<json>("pair");
    check(pair["in0"]["value"] == pairs && pair["in1"]["value"] == pairs, "pair " + pair.dump());
    ++pairs;
  });
  check(pairs == 50, "50 pairs");
  std::printf("exact: %d complete pairs, in order\n", pairs);
}

void sample_and_hold() {
  cellflow::Pipeline p{"latest"};
  auto& camera = p.add<Ticker>("camera", {{"count", 25}, {"rate_hz", 25}});
  auto& sensor = p.add<Ticker>("sensor", {{"count", 5}, {"rate_hz", 5}});
  auto& join = p.add<Join>("join", {}, cellflow::Sync::latest("in0"));
  p.connect(camera.out, input(join, 0));
  p.connect(sensor.out, input(join, 1));
  p.expose(join.out, "frame");
  int frames = 0;
  p.run([&](cellflow::Result&& r) {
    const json t = r.get<json>("frame");
    if (t.contains("in1"))
      check(t["in1"]["ts_ms"].get<double>() <= t["in0"]["ts_ms"].get<double>(), t.dump());
    if (frames % 6 == 0) std::printf("latest: %s\n", t.dump().c_str());
    ++frames;
  });
  check(frames == 25, "one tuple per camera frame");
}

void leaky_queue() {
  cellflow::Pipeline p{"leaky"};
  auto& src = p.add<Ticker>("src", {{"count", 100}, {"rate_hz", 250}});
  auto& slow = p.add<cellflow::cells::Delay>("slow", {{"sleep_ms", 50}});
  p.connect(src.out, slow.in);
  p.expose(slow.out, "y");
  p.set_queue("slow", cellflow::Queue::drop_oldest(1));
  struct Drops final : cellflow::PipelineObserver {
    std::atomic<int> n{0};
    void on_cell(const std::string&, int, std::chrono::nanoseconds, std::chrono::nanoseconds,
                 bool) override {}
    void on_drop(const std::string&, const std::string&, const char*) override { ++n; }
  };
  auto drops = std::make_shared<Drops>();
  p.start({.max_in_flight = 128, .on_error = cellflow::ErrorPolicy::kFailFast, .observer = drops});
  std::string seen;
  int delivered = 0;
  p.run([&](cellflow::Result&& r) {
    seen += (seen.empty() ? "" : " ") + r.get<json>("y").dump();
    ++delivered;
  });
  check(delivered + drops->n == 100, "delivered + dropped == 100");
  std::printf("leaky: the 50 ms cell saw %s; %d items dropped\n", seen.c_str(), drops->n.load());
}

}  // namespace

int main() {
  try {
    exact_pairs();
    sample_and_hold();
    leaky_queue();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
}

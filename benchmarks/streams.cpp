// bench_streams: the cost and the effect of streams in time (docs/benchmarks.md, "Streams").
//  1. Per-item cost of a 2-input exact synchroniser (two independent Ticker streams stamped
//     alike -> Join with Sync::exact) against the per-item join of one stream (one Ticker -> two
//     pass-through cells -> Join), same cells, in one run, interleaved (bench::run_interleaved);
//     items/s and the ratio, the median of per-repetition ratios with their min and max.
//  2. End-to-end latency of a paced source into a cell 10x slower than its period: behind the
//     default blocking queue (nothing lost: latency grows with the backlog) vs behind a
//     drop_oldest(1) queue (the cell starts on recent items): p50 / p99 of (output time - the
//     item's due time at the source) and how many items each delivered.
// Usage: bench_streams [items=20000] [reps=5] [latency_items=40]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

namespace {

using bench::Clock;
using cellflow::cells::Join;
using cellflow::cells::Ticker;
using nlohmann::json;

const cellflow::Input<json>& input(Join& join, int i) {
  return *static_cast<const cellflow::Input<json>*>(join.find_port("in" + std::to_string(i)));
}

double run_items_per_second(cellflow::Pipeline& p, int items) {
  int got = 0;
  const auto start = Clock::now();
  p.run([&](cellflow::Result&& r) { got += static_cast<int>(r.values("y").size()); });
  const double seconds = bench::seconds_since(start);
  if (got != items) {
    std::fprintf(stderr, "expected %d tuples, got %d\n", items, got);
    std::exit(1);
  }
  return items / seconds;
}

double one_stream_join(int items) {
  cellflow::Pipeline p{"join"};
  auto& src = p.add<Ticker>("src", {{"count", items}});
  auto& a = p.add<cellflow::cells::Delay>("a");
  auto& b = p.add<cellflow::cells::Delay>("b");
  auto& join = p.add<Join>("join");
  p.connect(src.out, a.in);
  p.connect(src.out, b.in);
  p.connect(a.out, input(join, 0));
  p.connect(b.out, input(join, 1));
  p.expose(join.out, "y");
  return run_items_per_second(p, items);
}

double exact_synchroniser(int items) {
  cellflow::Pipeline p{"exact"};
  auto& s0 = p.add<Ticker>("s0", {{"count", items}});
  auto& s1 = p.add<Ticker>("s1", {{"count", items}});
  auto& a = p.add<cellflow::cells::Delay>("a");
  auto& b = p.add<cellflow::cells::Delay>("b");
  auto& join = p.add<Join>("join", {}, cellflow::Sync::exact());
  p.connect(s0.out, a.in);
  p.connect(s1.out, b.in);
  p.connect(a.out, input(join, 0));
  p.connect(b.out, input(join, 1));
  p.expose(join.out, "y");
  return run_items_per_second(p, items);
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

// A Ticker at `rate_hz` into a cell 10 periods slow; latency = output time - the item's due
// time. variant: "block" (every item waits its turn), "drop_oldest(1)" (a leaky queue in front of
// the cell) or "live" (a live source: the newest item replaces the one waiting to enter).
json latency(int items, double rate_hz, const std::string& variant) {
  const double period_ms = 1000.0 / rate_hz;
  cellflow::Pipeline p{"latency"};
  auto& src =
      p.add<Ticker>("src", {{"count", items}, {"rate_hz", rate_hz}, {"live", variant == "live"}});
  auto& slow = p.add<cellflow::cells::Delay>("slow", {{"sleep_ms", 10 * period_ms}});
  p.connect(src.out, slow.in);
  p.expose(slow.out, "y");
  if (variant == "drop_oldest(1)") p.set_queue("slow", cellflow::Queue::drop_oldest(1));
  p.start({.max_in_flight = 256});
  const auto opened = Clock::now();  // the Ticker's clock starts at open(), in start()
  std::vector<double> ms;
  p.run([&](cellflow::Result&& r) {
    const double due = period_ms * r.get<json>("y").get<double>();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - opened).count() - due);
  });
  return {{"bench", "streams_latency"},    {"source_hz", rate_hz},
          {"cell_ms", 10 * period_ms},     {"variant", variant},
          {"delivered", ms.size()},        {"items", items},
          {"p50_ms", percentile(ms, 0.5)}, {"p99_ms", percentile(ms, 0.99)}};
}

}  // namespace

int main(int argc, char** argv) {
  const int items = argc > 1 ? std::atoi(argv[1]) : 20000;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
  const int latency_items = argc > 3 ? std::atoi(argv[3]) : 40;
  std::printf("%s\n",
              json({{"bench", "streams"}, {"machine_before", bench::machine()}}).dump().c_str());
  std::vector<double> join, exact;
  bench::run_interleaved(2, reps, [&](std::size_t i) {
    if (i == 0)
      join.push_back(one_stream_join(items));
    else
      exact.push_back(exact_synchroniser(items));
  });
  json line = bench::ratio_line("exact_sync/one_stream_join", exact, join);
  line["one_stream_join_items_per_s"] = join;
  line["exact_sync_items_per_s"] = exact;
  bench::print_line("streams", std::move(line));
  for (const char* variant : {"block", "drop_oldest(1)"})
    std::printf("%s\n", latency(latency_items, 100, variant).dump().c_str());
  // A live 25 fps camera into a cell 10x slower than its frame period, live and not.
  for (const char* variant : {"block", "live"})
    std::printf("%s\n", latency(latency_items / 2, 25, variant).dump().c_str());
}

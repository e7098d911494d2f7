// bench_overhead: per-item cost of the runtime itself. Shape: source -> 3 no-op cells -> sink,
// in order, with max_in_flight credits. Compared in the same run against a hand-written oneTBB
// flow graph of the same shape (the reference). PyPipeline's figure for the same shape is printed
// as a published figure, never as a ratio: it was measured elsewhere (docs/benchmarks.md, "Peers").
//
// Variants, each run `reps` times, interleaved (each repetition runs them all, alternately in order
// and in reverse; the variants a ratio compares are listed next to each other, so each pair runs
// side by side). A ratio is the median of its per-repetition ratios, with their min and max.
// Variants:
//   raw_tbb         input_node -> limiter_node -> sequencer_node -> 3 serial multifunction_nodes
//                   (forwarding inside the body, so order is kept) -> serial sink -> limiter
//                   decrement. The sequencer mirrors cellflow's ingress: it restores order if the
//                   input_node/limiter pair swaps neighbours when credits come back.
//   cellflow_int    typed int source and 3 typed no-op int cells; run() sink checks the order.
//   cellflow_json   built-in Counter -> 3 x Delay{sleep_ms: 0} on nlohmann::json.
//   cellflow_int_traced  cellflow_int with a Chrome trace of every span (to /dev/null).
//   request_*       request mode (information only): exposed x -> 3 no-op -> y, submit() from
//                   1 or 4 threads, callback form and future form.
//
// Usage: bench_overhead [items=200000] [reps=7] [max_in_flight=64]
// Prints one JSON object per line.
#include <tbb/flow_graph.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "cellflow/cellflow.hpp"
#include "cellflow/cells.hpp"

namespace {

using bench::Clock;
using nlohmann::json;

constexpr double kTargetVsRaw = 0.95;  // issue 12

struct Options {
  int items = 200000;
  int reps = 7;
  std::size_t max_in_flight = 64;
};

using bench::IntSource;
using bench::machine;
using bench::median;
using bench::seconds_since;

// Every variant verifies that all items arrived in order; a benchmark of a wrong result is void.
void check_delivery(const std::string& variant, long delivered, long out_of_order, int items) {
  if (delivered != items || out_of_order != 0) {
    throw std::runtime_error(variant + ": delivered " + std::to_string(delivered) + " of " +
                             std::to_string(items) + ", " + std::to_string(out_of_order) +
                             " out of order");
  }
}

// ---- hand-written oneTBB reference ----

using Stage = tbb::flow::multifunction_node<int, std::tuple<int>>;

double run_raw_tbb(const Options& o) {
  namespace flow = tbb::flow;
  flow::graph g;
  int next = 0;
  flow::input_node<int> source(g, [&](tbb::flow_control& control) {
    if (next >= o.items) control.stop();
    return next++;
  });
  flow::limiter_node<int> limiter(g, o.max_in_flight);
  flow::sequencer_node<int> in_order(g, [](const int& v) { return static_cast<std::size_t>(v); });
  auto forward = [](const int& v, Stage::output_ports_type& out) { std::get<0>(out).try_put(v); };
  Stage s1(g, flow::serial, forward), s2(g, flow::serial, forward), s3(g, flow::serial, forward);
  long delivered = 0, out_of_order = 0;
  flow::function_node<int, flow::continue_msg> sink(g, flow::serial, [&](int v) {
    out_of_order += v != delivered++;
    return flow::continue_msg();
  });
  flow::make_edge(source, limiter);
  flow::make_edge(limiter, in_order);
  flow::make_edge(in_order, s1);
  flow::make_edge(flow::output_port<0>(s1), s2);
  flow::make_edge(flow::output_port<0>(s2), s3);
  flow::make_edge(flow::output_port<0>(s3), sink);
  flow::make_edge(sink, limiter.decrementer());
  const auto start = Clock::now();
  source.activate();
  g.wait_for_all();
  const double elapsed = seconds_since(start);
  check_delivery("raw_tbb", delivered, out_of_order, o.items);
  return elapsed;
}

// ---- cellflow, typed int cells ----

/// Passes its input through (moves it: this cell is the only reader).
class PassInt final : public cellflow::Cell {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<int> out{*this, "out"};
  void process(cellflow::Context& ctx) override { ctx.emit(out, ctx.take(in)); }
};

// Runs a started stream pipeline whose exposed output "y" holds T; times run() only.
template <class T>
double time_stream(const std::string& variant, cellflow::Pipeline& p, const Options& o,
                   std::shared_ptr<cellflow::PipelineObserver> observer = nullptr) {
  p.start({.max_in_flight = o.max_in_flight, .observer = std::move(observer)});
  long delivered = 0, out_of_order = 0;
  const auto start = Clock::now();
  p.run([&](cellflow::Result&& r) {
    long v = 0;
    if constexpr (std::is_same_v<T, json>)
      v = r.get<json>("y").get<long>();
    else
      v = r.get<T>("y");
    out_of_order += v != delivered++;
  });
  const double elapsed = seconds_since(start);
  check_delivery(variant, delivered, out_of_order, o.items);
  return elapsed;
}

cellflow::Pipeline& build_int_chain(cellflow::Pipeline& p, const Options& o) {
  auto& src = p.add<IntSource>("src", {{"count", o.items}});
  auto& a = p.add<PassInt>("a");
  auto& b = p.add<PassInt>("b");
  auto& c = p.add<PassInt>("c");
  p.connect(src.out, a.in);
  p.connect(a.out, b.in);
  p.connect(b.out, c.in);
  p.expose(c.out, "y");
  return p;
}

double run_cellflow_int(const Options& o) {
  cellflow::Pipeline p{"overhead_int"};
  return time_stream<int>("cellflow_int", build_int_chain(p, o), o);
}

// Every cell's span of every item into a Chrome trace (written to /dev/null: the cost of making
// and writing the events, not of the disk).
double run_cellflow_int_traced(const Options& o) {
  cellflow::Pipeline p{"overhead_int"};
  cellflow::ChromeTrace chrome("/dev/null");
  return time_stream<int>("cellflow_int_traced", build_int_chain(p, o), o,
                          chrome.observer("overhead_int"));
}

double run_cellflow_json(const Options& o) {
  cellflow::Pipeline p{"overhead_json"};
  auto& src = p.add<cellflow::cells::Counter>("src", {{"count", o.items}});
  auto& a = p.add<cellflow::cells::Delay>("a");
  auto& b = p.add<cellflow::cells::Delay>("b");
  auto& c = p.add<cellflow::cells::Delay>("c");
  p.connect(src.out, a.in);
  p.connect(a.out, b.in);
  p.connect(b.out, c.in);
  p.expose(c.out, "y");
  return time_stream<json>("cellflow_json", p, o);
}

// ---- cellflow request mode ----

void build_request_chain(cellflow::Pipeline& p) {
  auto& a = p.add<PassInt>("a");
  auto& b = p.add<PassInt>("b");
  auto& c = p.add<PassInt>("c");
  p.connect(a.out, b.in);
  p.connect(b.out, c.in);
  p.expose(a.in, "x");
  p.expose(c.out, "y");
}

// Splits `items` over `threads` submitters running `submit_range(first, last)`; returns the
// time until every item completed (stop() drains in-flight items).
double time_submitters(cellflow::Pipeline& p, int items, int threads,
                       const std::function<void(int, int)>& submit_range) {
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back(submit_range, items * t / threads, items * (t + 1) / threads);
  }
  for (auto& th : pool) th.join();
  p.stop();
  return seconds_since(start);
}

double run_request_callback(const Options& o, int threads) {
  cellflow::Pipeline p{"overhead_request"};
  build_request_chain(p);
  p.start({.max_in_flight = o.max_in_flight});
  std::atomic<long> done{0}, wrong{0};
  const double elapsed = time_submitters(p, o.items, threads, [&](int first, int last) {
    for (int i = first; i < last; ++i) {
      p.submit({{"x", i}}, [&done, &wrong, i](cellflow::Result&& r) {
        if (!r.ok() || r.get<int>("y") != i) wrong.fetch_add(1, std::memory_order_relaxed);
        done.fetch_add(1, std::memory_order_relaxed);
      });
    }
  });
  check_delivery("request_callback", done, wrong, o.items);
  return elapsed;
}

// Each submitter keeps up to `window` futures outstanding, as a client would.
double run_request_future(const Options& o, int threads) {
  constexpr std::size_t kWindow = 16;
  cellflow::Pipeline p{"overhead_request"};
  build_request_chain(p);
  p.start({.max_in_flight = o.max_in_flight});
  std::atomic<long> done{0}, wrong{0};
  const double elapsed = time_submitters(p, o.items, threads, [&](int first, int last) {
    std::deque<std::pair<int, std::future<cellflow::Result>>> window;
    auto pop = [&] {
      if (window.front().second.get().get<int>("y") != window.front().first) ++wrong;
      window.pop_front();
      ++done;
    };
    for (int i = first; i < last; ++i) {
      window.emplace_back(i, p.submit({{"x", i}}));
      if (window.size() >= kWindow) pop();
    }
    while (!window.empty()) pop();
  });
  check_delivery("request_future", done, wrong, o.items);
  return elapsed;
}

// ---- driver ----

struct Variant {
  std::string name;
  std::function<double(const Options&)> run;
  std::vector<double> items_per_s = {};  // one per repetition
};

void print_variant(const Variant& v, const Options& o) {
  json runs = json::array();
  for (double r : v.items_per_s) runs.push_back(std::round(r));
  const double ips = median(v.items_per_s);
  std::cout << json{{"bench", "overhead"},
                    {"variant", v.name},
                    {"items", o.items},
                    {"reps", o.reps},
                    {"max_in_flight", o.max_in_flight},
                    {"items_per_s", std::round(ips)},
                    {"us_per_item", std::round(1e7 / ips) / 10},
                    {"best_items_per_s",
                     std::round(*std::max_element(v.items_per_s.begin(), v.items_per_s.end()))},
                    {"runs_items_per_s", runs}}
                   .dump()
            << std::endl;
}

// The median of per-repetition ratios of items/s, a / b, with their spread.
void print_ratio(const Variant& a, const Variant& b, double target) {
  bench::print_line("overhead",
                    bench::ratio_line(a.name + "/" + b.name, a.items_per_s, b.items_per_s, target));
}

// PyPipeline did not run here: its figure is printed as published, with its source, not as a
// ratio (machines of this type differ by up to 3x; compare only within one run).
void print_published() {
  bench::print_line(
      "overhead",
      bench::published_line("pypipeline",
                            "design.md section 11 / docs/benchmarks.md Peers: PyPipeline "
                            "(threads), source -> 3 no-op "
                            "cells -> sink, measured on other 2-core machines",
                            {{"items_per_s", 11600}, {"later_runs_items_per_s", {16300, 11100}}}));
}

// Variants by index in run_all's list.
void print_ratios(const std::vector<Variant>& v) {
  print_ratio(v[2], v[1], kTargetVsRaw);  // cellflow_int / raw_tbb
  print_ratio(v[0], v[1], kTargetVsRaw);  // cellflow_json / raw_tbb
  // Tracing on (issue 14): what a span per item per cell costs; off, cellflow_int is the figure.
  print_ratio(v[3], v[2], 0.0);
  // Submitting from 4 threads should be no slower than from 1 (no ingress lock).
  print_ratio(v[5], v[4], 1.0);
  print_published();
}

Options parse(int argc, char** argv) {
  Options o;
  if (argc > 1) o.items = std::atoi(argv[1]);
  if (argc > 2) o.reps = std::atoi(argv[2]);
  if (argc > 3) o.max_in_flight = static_cast<std::size_t>(std::atoi(argv[3]));
  if (o.items < 1 || o.reps < 1 || o.max_in_flight < 1) {
    throw std::invalid_argument("usage: bench_overhead [items>0] [reps>0] [max_in_flight>0]");
  }
  return o;
}

void print_machine(const char* when) {
  std::cout << json{{"bench", "overhead"}, {when, machine()}}.dump() << std::endl;
}

void run_all(const Options& o) {
  print_machine("machine_before");
  // Each ratio's two sides are neighbours in this list (print_ratios refers to it by index).
  std::vector<Variant> variants = {
      {"cellflow_json", run_cellflow_json},
      {"raw_tbb", run_raw_tbb},
      {"cellflow_int", run_cellflow_int},
      {"cellflow_int_traced", run_cellflow_int_traced},
      {"request_callback_1thread", [](const Options& x) { return run_request_callback(x, 1); }},
      {"request_callback_4threads", [](const Options& x) { return run_request_callback(x, 4); }},
      {"request_future_4threads", [](const Options& x) { return run_request_future(x, 4); }},
  };
  bench::run_interleaved(variants.size(), o.reps, [&](std::size_t i) {
    variants[i].items_per_s.push_back(o.items / variants[i].run(o));
  });
  for (const auto& v : variants) print_variant(v, o);
  print_ratios(variants);
  print_machine("machine_after");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    run_all(parse(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "bench_overhead: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

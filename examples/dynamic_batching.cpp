// dynamic_batching: a cell with a batch entry point, given a batch policy. Requests submitted
// from 4 threads at once are run in shared batches (up to 8 items, waiting at most 5 ms for
// more); each request still gets its own answer, and a failing item fails alone.
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "cellflow/cellflow.hpp"

// Squares numbers. One process_batch call pays the fixed cost (here a 10 ms sleep, as a model
// call would) once for the whole batch; negative numbers fail their own item only.
class Square final : public cellflow::Cell {
 public:
  cellflow::Input<double> in{*this, "in"};
  cellflow::Output<double> out{*this, "out"};
  void process(cellflow::Context& ctx) override { ctx.emit(out, square(ctx.get(in))); }
  bool batches() const override { return true; }
  void process_batch(cellflow::BatchContext& batch) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the per-call cost
    for (std::size_t i = 0; i < batch.size(); ++i) {
      try {
        batch[i].emit(out, square(batch[i].get(in)));
      } catch (...) {
        batch.fail(i, std::current_exception());
      }
    }
  }

 private:
  static double square(double x) {
    if (x < 0) throw std::invalid_argument("no negative numbers, got " + std::to_string(x));
    return x * x;
  }
};

// Counts batches by size.
class BatchSizes final : public cellflow::PipelineObserver {
 public:
  void on_cell(const std::string&, int, std::chrono::nanoseconds, std::chrono::nanoseconds,
               bool) override {}
  void on_batch(const std::string&, int, std::size_t size) override {
    std::lock_guard lock(mutex);
    ++sizes[size];
  }
  std::mutex mutex;
  std::map<std::size_t, int> sizes;
};

int main() {
  cellflow::Pipeline p{"squares"};
  auto& square = p.add<Square>("square");
  p.expose(square.in, "x");
  p.expose(square.out, "y");
  p.set_batch("square", cellflow::Batch::up_to(8, 5));
  auto sizes = std::make_shared<BatchSizes>();
  p.start({.max_in_flight = 32, .observer = sizes});

  std::atomic<int> right{0}, refused{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t)
    clients.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const double x = t * 25 + i == 42 ? -1.0 : t * 25 + i;
        try {
          if (p.submit({{"x", x}}).get().get<double>("y") == x * x) ++right;
        } catch (const std::exception& e) {
          std::cout << "item " << x << ": " << e.what() << "\n";
          ++refused;
        }
      }
    });
  for (auto& c : clients) c.join();
  p.stop();
  std::cout << "100 requests: " << right << " squared, " << refused << " refused\nbatches:";
  int batched = 0;
  for (const auto& [size, count] : sizes->sizes) {
    std::cout << " " << count << " x " << size;
    if (size > 1) batched += count;
  }
  std::cout << "\n";
  const bool ok = right == 99 && refused == 1 && batched > 0;
  std::cout << (ok ? "dynamic_batching: ok" : "dynamic_batching: FAILED") << "\n";
  return ok ? 0 : 1;
}

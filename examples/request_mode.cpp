// request_mode: a pipeline with exposed inputs serves requests. submit() is thread-safe and
// returns a future per item; futures complete in submission order. A cell that throws fails
// only its own item: that future's get() throws cellflow::CellFailure naming the cell, and
// every other request still succeeds.
#include <future>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cellflow/cellflow.hpp"

// Rejects negative numbers (a per-item error, not a build error).
class CheckPositive final : public cellflow::Cell {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<int> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    const int v = ctx.get(in);
    if (v < 0) throw std::invalid_argument("negative input " + std::to_string(v));
    ctx.emit(out, v);
  }
};

class Square final : public cellflow::Cell {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<long> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    const long v = ctx.get(in);
    ctx.emit(out, v * v);
  }
};

// One client thread: submits its values, then waits for each answer in turn.
void client(cellflow::Pipeline& p, int id, const std::vector<int>& values, std::mutex& print) {
  std::vector<std::future<cellflow::Result>> futures;
  for (int v : values) futures.push_back(p.submit({{"x", v}}));
  for (std::size_t i = 0; i < futures.size(); ++i) {
    std::string line;
    try {
      line = std::to_string(values[i]) + "^2 = " + std::to_string(futures[i].get().get<long>("y"));
    } catch (const cellflow::CellFailure& e) {
      line = "request " + std::to_string(values[i]) + " failed: " + e.what();  // names the cell
    }
    std::lock_guard lock(print);
    std::cout << "client " << id << ": " << line << "\n";
  }
}

int main() {
  cellflow::Pipeline p{"squares"};
  auto& check = p.add<CheckPositive>("check");
  auto& square = p.add<Square>("square", {}, cellflow::ScaleUp{2});
  p.connect(check.out, square.in);
  p.expose(check.in, "x");
  p.expose(square.out, "y");
  p.start({.max_in_flight = 8});

  std::mutex print;
  std::vector<std::thread> clients;
  const std::vector<std::vector<int>> requests = {{1, 2, 3}, {10, -4, 12}, {100, 200}};
  for (int id = 0; id < 3; ++id) {
    clients.emplace_back([&, id] { client(p, id + 1, requests[id], print); });
  }
  for (auto& t : clients) t.join();

  p.stop();  // drains anything in flight, closes cells
  const auto stats = p.stats();
  std::cout << stats.completed << " requests completed, " << stats.failed << " failed\n";
  return stats.completed == 8 && stats.failed == 1 ? 0 : 1;
}

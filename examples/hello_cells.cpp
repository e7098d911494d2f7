// hello_cells: the smallest complete cellflow program. Two typed cells, a nested pipeline that
// declares its own ports, four clones of one cell (ScaleUp), run as a stream. Results leave in
// input order although the clones finish out of order.
#include <chrono>
#include <iostream>
#include <string>
#include <thread>

#include "cellflow/cellflow.hpp"

// Source: emits 1..8, then ends the stream.
class Numbers final : public cellflow::Cell {
 public:
  cellflow::Output<int> out{*this, "out"};
  void process(cellflow::Context& ctx) override {
    ctx.emit(out, ++n_);
    if (n_ == 8) ctx.end_of_stream();
  }

 private:
  int n_ = 0;
};

// int -> std::string. Slow on purpose (odd items take longer), so the clones overtake each other.
class Describe final : public cellflow::Cell {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<std::string> out{*this, "out"};
  cellflow::Param<std::string> unit{*this, "unit", "items", "word after the number"};
  void process(cellflow::Context& ctx) override {
    const int n = ctx.get(in);
    std::this_thread::sleep_for(std::chrono::milliseconds(n % 2 ? 30 : 5));
    ctx.emit(out, std::to_string(n) + " " + *unit + " (clone " + std::to_string(ctx.clone_index()) +
                      ")");
  }
};

// A pipeline used as a cell: member ports bound to inner ports with expose(own, inner).
class Stage final : public cellflow::Pipeline {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<std::string> out{*this, "out"};
  Stage() : Pipeline("stage") {
    auto& describe = add<Describe>("describe", {{"unit", "apples"}}, cellflow::ScaleUp{4});
    expose(in, describe.in);
    expose(describe.out, out);
  }
};

int main() {
  cellflow::Pipeline p{"hello"};
  auto& numbers = p.add<Numbers>("numbers");
  auto& stage = p.add<Stage>("stage");
  p.connect(numbers.out, stage.in);  // Output<int> -> Input<int>: checked at compile time
  p.expose(stage.out, "text");
  p.run([](cellflow::Result&& r) {
    std::cout << "#" << r.item().seq << ": " << r.get<std::string>("text") << "\n";
  });
}

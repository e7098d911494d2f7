// residual_block: a skip connection. A nested pipeline passes its own input straight to one of
// its outputs (the identity branch of a residual block) beside the branch that computes; the
// pipeline around it adds the two. The same block is built in C++ (expose(in, identity)) and
// from JSON ("outputs": {"identity": "in"}), and both give x + 10x.
#include <iostream>

#include "cellflow/cellflow.hpp"

class Times final : public cellflow::Cell {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<int> out{*this, "out"};
  cellflow::Param<int> factor{*this, "factor", 10, "multiplier"};
  void process(cellflow::Context& ctx) override { ctx.emit(out, ctx.get(in) * *factor); }
};

class Sum final : public cellflow::Cell {
 public:
  cellflow::Input<int> a{*this, "a"};
  cellflow::Input<int> b{*this, "b"};
  cellflow::Output<int> out{*this, "out"};
  void process(cellflow::Context& ctx) override { ctx.emit(out, ctx.get(a) + ctx.get(b)); }
};

// The block: `computed` = 10 * in, `identity` = in, untouched.
class Residual final : public cellflow::Pipeline {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<int> computed{*this, "computed"};
  cellflow::Output<int> identity{*this, "identity"};
  Residual() : Pipeline("residual") {
    auto& times = add<Times>("times");
    expose(times.in, in);
    expose(times.out, computed);
    expose(in, identity);  // the skip connection
  }
};

int check(cellflow::Pipeline& p, const char* how) {
  p.start();
  int wrong = 0;
  for (int x : {1, 2, 7}) {
    const int y = p.submit({{"x", x}}).get().get<int>("y");
    std::cout << how << ": x=" << x << " -> x + 10x = " << y << "\n";
    wrong += y != 11 * x;
  }
  p.stop();
  return wrong;
}

int main() {
  cellflow::Pipeline cpp{"residual_cpp"};
  auto& block = cpp.add<Residual>("block", {}, cellflow::ScaleUp{2});
  auto& sum = cpp.add<Sum>("sum");
  cpp.expose(block.in, "x");
  cpp.connect(block.computed, sum.a);
  cpp.connect(block.identity, sum.b);
  cpp.expose(sum.out, "y");

  cellflow::Registry registry;
  registry.add<Times>("Times", "multiplies by `factor`");
  registry.add<Sum>("Sum", "a + b");
  const auto config = R"({"name": "residual_json",
    "cells": [{"name": "block", "pipeline": {"name": "block",
                 "cells": [{"name": "times", "type": "Times"}],
                 "inputs": {"in": "times.in"},
                 "outputs": {"computed": "times.out", "identity": "in"}}},
              {"name": "sum", "type": "Sum"}],
    "connections": [["block.computed", "sum.a"], ["block.identity", "sum.b"]],
    "inputs": {"x": "block.in"}, "outputs": {"y": "sum.out"}})"_json;
  auto json = cellflow::load_pipeline(config, registry);
  std::cout << cellflow::to_dot(*json);
  return check(cpp, "C++") + check(*json, "JSON");
}

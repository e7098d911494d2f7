// Built against an installed cellflow (scripts/check-install.sh): a typed cell in request mode.
#include <cellflow/cellflow.hpp>
#include <iostream>

class Square final : public cellflow::Cell {
 public:
  cellflow::Input<int> in{*this, "in"};
  cellflow::Output<int> out{*this, "out"};
  void process(cellflow::Context& ctx) override { ctx.emit(out, ctx.get(in) * ctx.get(in)); }
};

int main() {
  cellflow::Pipeline p{"consumer"};
  auto& sq = p.add<Square>("square", {}, cellflow::ScaleUp{2});
  p.expose(sq.in, "x");
  p.expose(sq.out, "y");
  p.start();
  const int y = p.submit({{"x", 12}}).get().get<int>("y");
  std::cout << "consumer: 12^2 = " << y << "\n";
  return y == 144 ? 0 : 1;
}

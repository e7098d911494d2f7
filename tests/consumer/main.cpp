// Built against an installed cellflow (scripts/check-install.sh): a typed cell in request mode.
#include <cellflow/cellflow.hpp>
#include <cellflow/vision/letterbox.hpp>
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
  cellflow::Pipeline v{"vision"};
  auto& box = v.add<cellflow::vision::Letterbox>("box", {{"width", 64}, {"height", 32}});
  v.expose(box.in, "image");
  v.expose(box.out, "boxed");
  v.start();
  const cv::Mat boxed =
      v.submit({{"image", cv::Mat(100, 100, CV_8UC3)}}).get().get<cv::Mat>("boxed");
  std::cout << "consumer: letterbox 100x100 -> " << boxed.cols << "x" << boxed.rows << "\n";
  return y == 144 && boxed.cols == 64 && boxed.rows == 32 ? 0 : 1;
}

// feedback_loop: a value carried from one item to the next. A noisy sensor's readings are
// calibrated by 3 clones (which finish out of order) and then smoothed by an exponential moving
// average whose `previous` input is fed back from its own output:
//   p.connect(smooth.smoothed, smooth.previous, cellflow::Feedback{0.0});
// Item k's average reads item k-1's, so the runtime runs the smoother one item at a time, in
// item order, while the clones in front of it keep working in parallel. The example checks the
// result against the same average computed in a plain loop and prints both.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <thread>

#include "cellflow/cellflow.hpp"

namespace {

double reading(int k) { return 20.0 + 5.0 * std::sin(k * 0.3) + ((k * 7919) % 11 - 5) * 0.4; }

class Sensor final : public cellflow::Cell {
 public:
  cellflow::Output<double> value{*this, "value"};
  cellflow::Param<int> count{*this, "count", 40, "readings", cellflow::at_least(1)};
  void open() override { next_ = 0; }
  void process(cellflow::Context& ctx) override {
    ctx.emit(value, reading(next_++));
    if (next_ == *count) ctx.end_of_stream();
  }

 private:
  int next_ = 0;
};

// Slow and stateless: worth cloning.
class Calibrate final : public cellflow::Cell {
 public:
  cellflow::Input<double> raw{*this, "raw"};
  cellflow::Output<double> calibrated{*this, "calibrated"};
  void process(cellflow::Context& ctx) override {
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution(0, 3000)(rng_)));
    ctx.emit(calibrated, ctx.get(raw) * 1.8 + 32.0);  // Celsius to Fahrenheit
  }

 private:
  std::mt19937 rng_{std::random_device{}()};
};

class MovingAverage final : public cellflow::Cell {
 public:
  cellflow::Input<double> value{*this, "value"};
  cellflow::Input<double> previous{*this, "previous"};
  cellflow::Output<double> smoothed{*this, "smoothed"};
  cellflow::Param<double> alpha{*this, "alpha", 0.25, "weight of the new value",
                                cellflow::between(0.0, 1.0)};
  void process(cellflow::Context& ctx) override {
    const double prev = ctx.get(previous);
    // The start value 0 means "no average yet": the first reading starts it.
    ctx.emit(smoothed,
             prev == 0.0 ? ctx.get(value) : *alpha * ctx.get(value) + (1 - *alpha) * prev);
  }
};

}  // namespace

int main() {
  cellflow::Pipeline p{"smoothing"};
  auto& sensor = p.add<Sensor>("sensor", {{"count", 40}});
  auto& calibrate = p.add<Calibrate>("calibrate", {}, cellflow::ScaleUp{3});
  auto& smooth = p.add<MovingAverage>("smooth", {{"alpha", 0.25}});
  p.connect(sensor.value, calibrate.raw);
  p.connect(calibrate.calibrated, smooth.value);
  p.connect(smooth.smoothed, smooth.previous, cellflow::Feedback{0.0});
  p.expose(smooth.smoothed, "smoothed");

  double expected = 0.0;
  int k = 0, wrong = 0;
  p.run([&](cellflow::Result&& r) {
    const double f = reading(k) * 1.8 + 32.0;
    expected = k == 0 ? f : 0.25 * f + 0.75 * expected;
    const double got = r.get<double>("smoothed");
    if (std::abs(got - expected) > 1e-9) ++wrong;
    if (k % 5 == 0) std::printf("item %2d: reading %6.2f F, smoothed %6.2f F\n", k, f, got);
    ++k;
  });
  std::printf("%d items, %d differ from a plain loop's moving average\n", k, wrong);
  return k == 40 && wrong == 0 ? 0 : 1;
}

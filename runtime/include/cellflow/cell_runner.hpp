// CellRunner: runs one cell on input values you give it and hands back what it emitted, or its
// error, without writing a pipeline: for testing your own cells (as MediaPipe's
// CalculatorRunner does). The cell's ports keep their names.
//
//   auto doubler = cellflow::CellRunner::of<Doubler>({{"factor", 3}});
//   cellflow::Result r = doubler.run({{"in", 7}});   // r.get<int>("out") == 21
//   auto counted = cellflow::CellRunner::of<cellflow::cells::Counter>({{"count", 3}});
//   std::vector<cellflow::Result> items = counted.run_source();   // 3 items, in order
//
// Config problems throw cellflow::Error from the constructor (every problem, as validate()
// lists them). A failing item does not throw: its Result carries the error (a CellFailure naming
// the cell "cell"). The cell runs in a real pipeline (clones too, with a ScaleUp), opened on the
// first run and closed by the destructor.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "cellflow/pipeline.hpp"

namespace cellflow {

class CellRunner {
 public:
  CellRunner(CellFactory factory, const nlohmann::json& params = nlohmann::json::object(),
             std::optional<ScaleUp> scale = std::nullopt);
  template <class C>
  static CellRunner of(const nlohmann::json& params = nlohmann::json::object(),
                       std::optional<ScaleUp> scale = std::nullopt) {
    return CellRunner([] { return std::make_unique<C>(); }, params, scale);
  }
  CellRunner(CellRunner&&) noexcept;
  ~CellRunner();

  /// One item: the inputs by port name. Its emitted values (0..N per output) or its error.
  Result run(InputValues inputs);
  /// For a source cell: runs until it ends and returns every item, in order.
  std::vector<Result> run_source();
  /// The pipeline around the cell (to scale it, set a live param or read its stats).
  Pipeline& pipeline();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow

// Join: 2..N JSON inputs (in0, in1, ...; param `inputs`) into one JSON object per call,
// {"in0": {"value": v, "ts_ms": t}, ...}, where t is the stamp of that input's value; inputs
// absent from a synchronised tuple are left out. Give it a synchroniser to join independent
// streams and print any policy's tuples with `cellflow run`.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::cells {

class Join final : public Cell {
 public:
  Join();
  Output<nlohmann::json> out{*this, "out"};
  Param<std::int64_t> inputs{*this, "inputs", 2, "number of inputs (in0, in1, ...)",
                             between(2, 64)};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

 private:
  std::vector<std::unique_ptr<Input<nlohmann::json>>> ins_;
};

}  // namespace cellflow::cells

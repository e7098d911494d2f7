// Add: out = a + b, for JSON numbers (integers stay integers). With a feedback connection from
// its output to one of its inputs it keeps a running total:
//   ["tick.out", "total.a"], ["total.out", "total.b", {"feedback": 0}]
#pragma once

#include <nlohmann/json.hpp>

#include "cellflow/cell.hpp"

namespace cellflow::cells {

class Add final : public Cell {
 public:
  Input<nlohmann::json> a{*this, "a"};
  Input<nlohmann::json> b{*this, "b"};
  Output<nlohmann::json> out{*this, "out"};

  void process(Context& ctx) override;
};

}  // namespace cellflow::cells

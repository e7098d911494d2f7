#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::cells {

/// Emits its input `times` times (0 allowed: the item then produces nothing downstream).
class Repeat final : public Cell {
 public:
  Input<nlohmann::json> in{*this, "in"};
  Output<nlohmann::json> out{*this, "out"};
  Param<std::int64_t> times{*this, "times", 1, "copies emitted per input", at_least(0), kLive};

  void process(Context& ctx) override;
};

}  // namespace cellflow::cells

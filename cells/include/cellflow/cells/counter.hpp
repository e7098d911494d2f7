#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::cells {

/// Source: emits the integers 0..count-1, one per item. count = -1 never ends.
class Counter final : public Cell {
 public:
  Output<nlohmann::json> out{*this, "out"};
  Param<std::int64_t> count{*this, "count", 10, "number of items; -1 for endless", at_least(-1)};

  void open() override { next_ = 0; }
  void process(Context& ctx) override;

 private:
  std::int64_t next_ = 0;
};

}  // namespace cellflow::cells

#pragma once

#include <nlohmann/json.hpp>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::cells {

/// Passes its input through, but throws std::runtime_error(message) when the input equals one of
/// the values in `on`.
class Fail final : public Cell {
 public:
  Input<nlohmann::json> in{*this, "in"};
  Output<nlohmann::json> out{*this, "out"};
  Param<nlohmann::json> on{*this, "on", nlohmann::json::array(), "list of input values that fail"};
  Param<std::string> message{*this, "message", "injected failure", "exception message"};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;
};

}  // namespace cellflow::cells

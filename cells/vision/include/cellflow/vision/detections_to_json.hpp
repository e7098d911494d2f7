// DetectionsToJson: the JSON form of a Detections value (for the CLI, HTTP answers and logs).
#pragma once

#include <nlohmann/json.hpp>

#include "cellflow/cell.hpp"
#include "cellflow/vision/detections.hpp"

namespace cellflow::vision {

/// Converts detections to JSON (see to_json in detections.hpp):
///   {"width": W, "height": H, "count": N,
///    "detections": [{"label", "score", "x", "y", "width", "height"}, ...]}
///   in  (Detections), out (nlohmann::json)
class DetectionsToJson final : public Cell {
 public:
  Input<Detections> in{*this, "in"};
  Output<nlohmann::json> out{*this, "out"};

  void process(Context& ctx) override;
};

}  // namespace cellflow::vision

// Resize: scales an image to a fixed size, or to a width or height keeping the aspect ratio.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

/// Resizes `in` with cv::resize into `out`.
///   in  (cv::Mat), out (cv::Mat): any depth and channel count
///   param width, height: output size in pixels; one of them may be 0 to follow the aspect ratio
///       (rounded, at least 1 pixel); not both
///   param interpolation: "linear" (default), "area" (best for shrinking), "nearest" or "cubic"
class Resize final : public Cell {
 public:
  Input<cv::Mat> in{*this, "in"};
  Output<cv::Mat> out{*this, "out"};
  Param<int> width{*this, "width", 0, "output width in pixels (0: from height, keeping aspect)",
                   at_least(0)};
  Param<int> height{*this, "height", 0, "output height in pixels (0: from width, keeping aspect)",
                    at_least(0)};
  Param<std::string> interpolation{*this, "interpolation", "linear",
                                   "\"linear\", \"area\", \"nearest\" or \"cubic\""};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

  /// The output size for an image of `size` (the rule above).
  cv::Size target_size(cv::Size size) const;

 private:
  int flag_ = 1;  // cv::InterpolationFlags
};

/// cv::InterpolationFlags for "linear", "area", "nearest" or "cubic"; throws cellflow::Error
/// naming `param` for anything else.
int interpolation_flag(const std::string& name, const std::string& param);

}  // namespace cellflow::vision

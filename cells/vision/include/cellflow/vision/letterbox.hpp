// Letterbox: fits an image into a fixed width x height without distortion, padding the rest.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

/// Where an image of size `image` lands inside a `target` letterbox: scaled by
/// scale = min(target.width / image.width, target.height / image.height) (rounded to whole
/// pixels) into `content`, centered; the padding's odd pixel goes to the right / bottom.
/// A point (x, y) of the letterbox maps back to the original image at
/// ((x - content.x) / scale, (y - content.y) / scale).
struct LetterboxGeometry {
  double scale = 1;
  cv::Rect content;
};
LetterboxGeometry letterbox_geometry(cv::Size image, cv::Size target);

/// Scales `in` to fit width x height keeping its aspect ratio and pads the rest with `color`, the
/// image centered (see LetterboxGeometry): the usual input of YOLO-style detectors.
///   in  (cv::Mat), out (cv::Mat): exactly width x height, same type as the input
///   param width, height: output size in pixels (default 640 x 640)
///   param color: padding color, one value per channel in the image's order (BGR), default
///       [114, 114, 114]; a single value is used for every channel
///   param interpolation: "linear" (default), "area", "nearest" or "cubic"
class Letterbox final : public Cell {
 public:
  Input<cv::Mat> in{*this, "in"};
  Output<cv::Mat> out{*this, "out"};
  Param<int> width{*this, "width", 640, "output width in pixels", greater_than(0)};
  Param<int> height{*this, "height", 640, "output height in pixels", greater_than(0)};
  Param<std::vector<double>> color{
      *this, "color", {114, 114, 114}, "padding color, per channel (BGR)"};
  Param<std::string> interpolation{*this, "interpolation", "linear",
                                   "\"linear\", \"area\", \"nearest\" or \"cubic\""};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

 private:
  int flag_ = 1;  // cv::InterpolationFlags
  cv::Scalar padding_;
};

}  // namespace cellflow::vision

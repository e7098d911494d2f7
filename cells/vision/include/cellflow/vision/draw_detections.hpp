// DrawDetections: draws detection boxes and their "label score" captions on an image.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/vision/detections.hpp"

namespace cellflow::vision {

/// Draws each detection's box and a "label score" caption (e.g. "face 0.87") above it (inside
/// the box when there is no room above).
///   in  image (cv::Mat): 8-bit, 1, 3 or 4 channels (grayscale is converted to BGR)
///   in  detections (Detections): boxes in pixels of detections.image_size; when that differs
///       from the image's size (detector ran on a resized copy) the boxes are scaled to the image;
///       a synchronised DrawDetections may get a frame without detections: it draws nothing
///   out out (cv::Mat): the image with the drawings. The input is taken: drawn on in place when no
///       other cell or caller shares its pixels, otherwise on a copy (the input never changes)
///   param color: box and caption color as [B, G, R], each 0..255 (default [0, 255, 0])
///   param thickness: line thickness in pixels, >= 1 (default 2)
class DrawDetections final : public Cell {
 public:
  Input<cv::Mat> image{*this, "image"};
  Input<Detections> detections{*this, "detections"};
  Output<cv::Mat> out{*this, "out"};
  Param<std::vector<double>> color{*this, "color", {0, 255, 0}, "[B, G, R], each 0..255"};
  Param<int> thickness{*this, "thickness", 2, "line thickness in pixels", at_least(1)};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

 private:
  cv::Scalar color_;
};

}  // namespace cellflow::vision

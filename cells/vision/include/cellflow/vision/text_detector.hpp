// TextDetector: finds text in an image with PaddleOCR's PP-OCRv4 detector (DB) on cv::dnn.
//   in  image    cv::Mat, BGR (grey and BGRA are converted)
//   out regions  TextRegion, 0..N per image, in reading order (lines top to bottom, then left to
//                right); each carries its corners, its box and an upright crop for recognition
// Params: model (default "ppocr/det.onnx", from scripts/fetch-models.sh), threshold (0.3, pixel
// text probability), box_threshold (0.6, mean probability a region needs), unclip_ratio (1.5, how
// much regions grow around the text), max_regions (100, the most confident are kept). threshold
// and box_threshold are live: settable while running (Pipeline::set_param, the admin route).
// The image is scaled to fit 640x640 (the converted model's fixed input). An empty image fails
// the item (std::invalid_argument).
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::vision {

class TextDetector final : public Cell {
 public:
  Input<cv::Mat> image{*this, "image"};
  Output<TextRegion> regions{*this, "regions"};
  Param<std::string> model{*this, "model", "ppocr/det.onnx",
                           "detector ONNX file, relative to the models directory"};
  Param<double> threshold{
      *this,
      "threshold",
      0.3,
      "pixel text probability threshold",
      satisfies<double>([](double v) { return v > 0 && v < 1; }, "must be in (0, 1)"),
      kLive};
  Param<double> box_threshold{*this,         "box_threshold",
                              0.6,           "minimum mean probability inside a region",
                              between(0, 1), kLive};
  Param<double> unclip_ratio{*this, "unclip_ratio", 1.5, "how much regions grow", greater_than(0)};
  Param<std::int64_t> max_regions{*this, "max_regions", 100,
                                  "most regions per image (the most confident are kept)",
                                  at_least(1)};

  TextDetector();
  ~TextDetector() override;
  void open() override;
  void process(Context& ctx) override;
  void close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::vision

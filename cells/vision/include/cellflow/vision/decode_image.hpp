// DecodeImage: encoded image bytes (a JPEG, PNG, BMP, TIFF, WebP... file's content) to a cv::Mat.
#pragma once

#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

/// Decodes `bytes` with cv::imdecode into `image`.
///   in  bytes (std::string): the encoded file content
///   out image (cv::Mat): 8-bit BGR ("color"), 8-bit single channel ("grayscale"), or as stored
///       ("unchanged": alpha and 16-bit kept)
///   param mode: "color" (default), "grayscale" or "unchanged"
/// Empty, corrupt or non-image bytes fail the item with std::invalid_argument (the pipeline goes
/// on with the next item).
class DecodeImage final : public Cell {
 public:
  Input<std::string> bytes{*this, "bytes"};
  Output<cv::Mat> image{*this, "image"};
  Param<std::string> mode{*this, "mode", "color",
                          "\"color\" (BGR), \"grayscale\" or \"unchanged\""};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

 private:
  int flags_ = 1;  // cv::ImreadModes
};

}  // namespace cellflow::vision

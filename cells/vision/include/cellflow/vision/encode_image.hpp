// EncodeImage: a cv::Mat to encoded JPEG or PNG bytes.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

/// Encodes `image` with cv::imencode into `bytes` (the content of a .jpg or .png file).
///   in  image (cv::Mat): 8-bit with 1, 3 (BGR) or 4 (BGRA) channels; PNG also takes 16-bit
///   out bytes (std::string): the encoded file content
///   param format: "jpeg" (default) or "png"
///   param quality: JPEG quality 1..100 (default 90)
///   param compression: PNG zlib level 0..9 (default 1: fastest; PNG is lossless at any level)
/// An empty image, or one the format cannot hold, fails the item with std::invalid_argument.
class EncodeImage final : public Cell {
 public:
  Input<cv::Mat> image{*this, "image"};
  Output<std::string> bytes{*this, "bytes"};
  Param<std::string> format{*this, "format", "jpeg", "file format", one_of({"jpeg", "png"})};
  Param<int> quality{*this, "quality", 90, "JPEG quality", between(1, 100)};
  Param<int> compression{*this, "compression", 1, "PNG compression level", between(0, 9)};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

 private:
  std::string extension_ = ".jpg";
  std::vector<int> options_;  // cv::imencode flags
};

}  // namespace cellflow::vision

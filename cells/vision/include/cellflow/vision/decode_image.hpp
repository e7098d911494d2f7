// DecodeImage: encoded image bytes (a JPEG, PNG, BMP, TIFF, WebP... file's content) to a cv::Mat.
#pragma once

#include <cstdint>
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
///   param strict: when true (default), a JPEG without its end-of-image marker (FFD9) or a PNG
///       without its IEND chunk fails the item instead of decoding to a partly grey picture;
///       bytes after the marker (padding, a motion photo's appended video) are accepted. false
///       decodes what there is, as OpenCV does
///   param max_pixels: images with more pixels (width x height) fail the item (default
///       50000000). JPEG, PNG, BMP, GIF and WebP are checked on their header, before any
///       decoding; other formats once decoded
/// Empty, corrupt, truncated (strict), too large or non-image bytes fail the item with
/// std::invalid_argument saying which (the pipeline goes on with the next item).
class DecodeImage final : public Cell {
 public:
  Input<std::string> bytes{*this, "bytes"};
  Output<cv::Mat> image{*this, "image"};
  Param<std::string> mode{*this, "mode", "color", "BGR color, grayscale or as stored",
                          one_of({"color", "grayscale", "unchanged"})};
  Param<bool> strict{*this, "strict", true,
                     "reject a JPEG without FFD9 or a PNG without IEND (truncated)"};
  Param<std::int64_t> max_pixels{*this, "max_pixels", 50'000'000,
                                 "largest width x height accepted, checked before decoding",
                                 at_least(1)};

  void configure(const nlohmann::json& params) override;
  void process(Context& ctx) override;

 private:
  int flags_ = 1;  // cv::ImreadModes
};

}  // namespace cellflow::vision

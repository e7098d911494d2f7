// DB (Differentiable Binarization) post-processing of a PP-OCR text probability map, as
// PaddleOCR's DBPostProcess does it: binary threshold -> contours -> min-area box -> mean
// probability inside the box -> unclip (grow) -> min-area box again.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <vector>

namespace cellflow::vision::detail {

struct DbOptions {
  float threshold = 0.3F;      ///< a pixel is text when its probability is above this
  float box_threshold = 0.6F;  ///< a box is kept when its mean probability is at least this
  float unclip_ratio = 1.5F;   ///< boxes grow by area * ratio / perimeter on each side
  int max_candidates = 1000;   ///< contours looked at, at most
};

struct DbBox {
  std::array<cv::Point2f, 4> quad;  ///< corners in map pixels: tl, tr, br, bl
  float score = 0;                  ///< mean probability inside the (un-grown) box
};

/// Text boxes in `probability` (CV_32FC1, values in [0, 1]).
std::vector<DbBox> db_boxes(const cv::Mat& probability, const DbOptions& options);

/// The corners of `rect` as tl, tr, br, bl (the two leftmost are tl/bl, by y; likewise the right).
std::array<cv::Point2f, 4> ordered_corners(const cv::RotatedRect& rect);

}  // namespace cellflow::vision::detail

// Image helpers of the text cells: input checks and upright crops of text quadrilaterals.
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <string>

namespace cellflow::vision::detail {

/// `image` as 8-bit BGR (grey and BGRA are converted). Throws std::invalid_argument naming
/// `what` ("image", "text region crop") when it is empty or of another type.
cv::Mat as_bgr(const cv::Mat& image, const std::string& what);

/// As PaddleOCR's get_rotate_crop_image: the quad (tl, tr, br, bl in `image` pixels) warped to an
/// upright rectangle; turned 90° counter-clockwise when it is at least 1.5 times taller than wide
/// (vertical text).
cv::Mat rectified_crop(const cv::Mat& image, const std::array<cv::Point2f, 4>& quad);

}  // namespace cellflow::vision::detail

// Reading order of text boxes, shared by TextDetector (regions) and JoinWords (words).
#pragma once

#include <cstddef>
#include <opencv2/core/types.hpp>
#include <vector>

namespace cellflow::vision::detail {

/// Groups `boxes` into lines and returns their indices line by line: lines top to bottom, boxes
/// in a line left to right. A box joins the line above when their vertical extents overlap by at
/// least half the smaller of the two heights.
std::vector<std::vector<std::size_t>> reading_lines(const std::vector<cv::Rect>& boxes);

}  // namespace cellflow::vision::detail

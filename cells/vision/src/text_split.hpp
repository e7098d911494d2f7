// Cutting text crops that are too wide for the recognizer's fixed input into pieces, at the gaps
// between words, so long lines are read piece by piece instead of squeezed.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

namespace cellflow::vision::detail {

struct CropPiece {
  cv::Range columns;  ///< of the crop
  bool after_space;   ///< the cut before this piece fell in a gap as wide as a word space
};

/// Pieces of `bgr` (8-bit BGR) at most `max_width` columns wide, covering it left to right; one
/// piece when it fits. Each cut is in the widest run of ink-free columns in the second half of
/// the piece (ink: the minority side of an Otsu threshold), or at its faintest column.
std::vector<CropPiece> split_at_gaps(const cv::Mat& bgr, int max_width);

}  // namespace cellflow::vision::detail

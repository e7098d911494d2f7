// MotionDetector: boxes around what changed since the previous frame (frame differencing).
#pragma once

#include <opencv2/core.hpp>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/vision/detections.hpp"

namespace cellflow::vision {

/// Finds moving regions by differencing each frame with the one before it: both are turned
/// grey and blurred, pixels that changed by more than `threshold` are grown together (dilated),
/// and each connected region of at least `min_area` pixels becomes one box. Cheap (a few ms per
/// VGA frame), so it keeps up with a video where a detector does not.
///   in  image (cv::Mat): 8-bit BGR, BGRA or grayscale frames of one video, in order
///   out motion (Detections): label "motion", score = the share of the box's pixels that
///       changed; sorted best first (sort_best_first). The first frame, and a frame whose size
///       differs from the previous one, has no motion (there is nothing to compare it with)
///   param threshold: grey-level change (1..255) that counts as motion (default 25)
///   param min_area: smallest region kept, in pixels (default 400)
/// It remembers the previous frame, so it must see every frame of one video in order: keep it a
/// plain cell (no clones) and put no dropping queue in front of it.
class MotionDetector final : public Cell {
 public:
  Input<cv::Mat> image{*this, "image"};
  Output<Detections> motion{*this, "motion"};
  Param<int> threshold{*this, "threshold", 25, "grey-level change that counts as motion",
                       between(1, 255)};
  Param<int> min_area{*this, "min_area", 400, "smallest region kept, in pixels", at_least(1)};

  void process(Context& ctx) override;

 private:
  cv::Mat previous_;  // the last frame, grey and blurred
};

}  // namespace cellflow::vision

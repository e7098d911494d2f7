// PeopleDetector: finds standing people with OpenCV's HOG + linear SVM pedestrian detector.
#pragma once

#include <memory>
#include <opencv2/core.hpp>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/vision/detections.hpp"

namespace cellflow::vision {

/// Detects people with cv::HOGDescriptor and its default people detector (Dalal-Triggs, 64x128
/// window), through HOGDescriptor::detectMultiScale. No model file needed.
///   in  image (cv::Mat): 8-bit BGR, BGRA or grayscale
///   out people (Detections): label "person", boxes in the input image's pixels (clipped to it),
///       score = 1 / (1 + exp(-w)) where w is the SVM margin HOG reports for the box (w = 0, the
///       default hit threshold, gives 0.5; w = 2 gives 0.88); best score first, then top to
///       bottom, left to right (sort_best_first), the same list for the same image every time
///   param hit_threshold: minimum SVM margin of a window (default 0; live: settable while running)
///   param win_stride: window step in pixels, a multiple of 8 (default 8)
///   param padding: pixels of padding around the image, a multiple of 8 (default 0: OpenCV's
///       peopledetect sample)
///   param scale: pyramid step, > 1 (default 1.05)
///   param group_threshold: minimum number of overlapping windows kept as one person (default 2)
///   param resize_width: when > 0, detect on a copy resized to this width (aspect kept; faster on
///       large frames, misses small people); boxes are scaled back (default 0: original size)
class PeopleDetector final : public Cell {
 public:
  Input<cv::Mat> image{*this, "image"};
  Output<Detections> people{*this, "people"};
  Param<double> hit_threshold{*this, "hit_threshold", 0.0, "minimum SVM margin of a window", kLive};
  Param<int> win_stride{*this, "win_stride", 8, "window step in pixels",
                        satisfies<int>([](int v) { return v > 0 && v % 8 == 0; },
                                       "must be a positive multiple of 8")};
  Param<int> padding{
      *this, "padding", 0, "padding in pixels around the image",
      satisfies<int>([](int v) { return v >= 0 && v % 8 == 0; }, "must be a multiple of 8 (>= 0)")};
  Param<double> scale{*this, "scale", 1.05, "pyramid scale step", greater_than(1)};
  Param<double> group_threshold{*this, "group_threshold", 2.0,
                                "minimum overlapping windows per detection", at_least(0)};
  Param<int> resize_width{*this, "resize_width", 0,
                          "detect on a copy this wide (0: the original size)", at_least(0)};

  PeopleDetector();
  ~PeopleDetector() override;

  void open() override;
  void process(Context& ctx) override;
  void close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::vision

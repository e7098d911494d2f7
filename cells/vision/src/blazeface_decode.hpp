// Decoding of MediaPipe BlazeFace (back camera, 256x256) outputs: SSD anchors, box offsets,
// sigmoid scores and non-maximum suppression. Private to cellflow::vision (used by FaceDetector).
//
// The model has two output layers, each a grid of anchors whose centers sit at the cell centers
// ((col + 0.5) / cells, (row + 0.5) / cells) of the input (MediaPipe's SsdAnchorsCalculator with
// strides 16, 32, 32, 32 and fixed_anchor_size: the three stride-32 layers share one 8x8 grid):
//   layer 0: 16x16 cells x 2 anchors = 512 (outputs "Identity:0" scores, "Identity_2:0" boxes)
//   layer 1:  8x8  cells x 6 anchors = 384 (outputs "Identity_1:0" scores, "Identity_3:0" boxes)
// Anchors are ordered row, column, anchor. Each box row holds 16 values: center offset dx, dy
// and size w, h in input pixels, then 6 (x, y) key points (unused here).
#pragma once

#include <array>
#include <opencv2/core.hpp>
#include <vector>

namespace cellflow::vision::blazeface {

inline constexpr int kInputSize = 256;  ///< the model's square input, in pixels
inline constexpr int kValuesPerBox = 16;

struct AnchorLayer {
  int cells;             ///< grid is cells x cells
  int anchors_per_cell;  ///< anchors sharing one cell center
};
inline constexpr std::array<AnchorLayer, 2> kLayers{{{16, 2}, {8, 6}}};

/// A face candidate, box in the model input's pixels (0..kInputSize).
struct Candidate {
  cv::Rect2f box;
  float score = 0;  ///< sigmoid of the raw score
};

/// Appends the anchors of `layer` whose score is >= `threshold`, decoded. `scores` holds one raw
/// logit per anchor, `boxes` kValuesPerBox floats per anchor (any shape, continuous CV_32F).
/// Throws std::runtime_error when the sizes do not match the layer.
void decode_layer(const cv::Mat& scores, const cv::Mat& boxes, AnchorLayer layer, float threshold,
                  std::vector<Candidate>& out);

/// The candidates kept by non-maximum suppression (IoU above `nms_threshold` with a better one
/// removes a box), best score first.
std::vector<Candidate> suppress_overlaps(const std::vector<Candidate>& candidates,
                                         float nms_threshold);

}  // namespace cellflow::vision::blazeface

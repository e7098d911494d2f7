#include "blazeface_decode.hpp"

#include <cmath>
#include <opencv2/dnn.hpp>
#include <stdexcept>
#include <string>

namespace cellflow::vision::blazeface {

namespace {

float sigmoid(float logit) { return 1.0F / (1.0F + std::exp(-logit)); }

void check_sizes(const cv::Mat& scores, const cv::Mat& boxes, std::size_t anchors) {
  if (scores.type() != CV_32F || boxes.type() != CV_32F || !scores.isContinuous() ||
      !boxes.isContinuous() || scores.total() != anchors ||
      boxes.total() != anchors * kValuesPerBox)
    throw std::runtime_error("BlazeFace output layer has " + std::to_string(scores.total()) +
                             " scores and " + std::to_string(boxes.total()) +
                             " box values, expected " + std::to_string(anchors) + " and " +
                             std::to_string(anchors * kValuesPerBox) +
                             " (is the model the 256x256 back-camera BlazeFace?)");
}

/// The box of anchor `index`: its cell center shifted by the predicted offset, predicted size.
cv::Rect2f decode_box(const float* values, int index, AnchorLayer layer) {
  const int cell = index / layer.anchors_per_cell;
  const float cell_size = static_cast<float>(kInputSize) / static_cast<float>(layer.cells);
  const float cx = (static_cast<float>(cell % layer.cells) + 0.5F) * cell_size + values[0];
  const float cy = (static_cast<float>(cell / layer.cells) + 0.5F) * cell_size + values[1];
  const float w = values[2];
  const float h = values[3];
  return {cx - w / 2, cy - h / 2, w, h};
}

}  // namespace

void decode_layer(const cv::Mat& scores, const cv::Mat& boxes, AnchorLayer layer, float threshold,
                  std::vector<Candidate>& out) {
  const int anchors = layer.cells * layer.cells * layer.anchors_per_cell;
  check_sizes(scores, boxes, static_cast<std::size_t>(anchors));
  const auto* logits = scores.ptr<float>();
  const auto* values = boxes.ptr<float>();
  for (int i = 0; i < anchors; ++i) {
    const float score = sigmoid(logits[i]);
    if (score < threshold) continue;
    const cv::Rect2f box =
        decode_box(values + static_cast<std::ptrdiff_t>(i) * kValuesPerBox, i, layer);
    if (box.width > 0 && box.height > 0) out.push_back({box, score});
  }
}

std::vector<Candidate> suppress_overlaps(const std::vector<Candidate>& candidates,
                                         float nms_threshold) {
  std::vector<cv::Rect2d> boxes;
  std::vector<float> scores;
  boxes.reserve(candidates.size());
  scores.reserve(candidates.size());
  for (const auto& c : candidates) {
    boxes.emplace_back(c.box.x, c.box.y, c.box.width, c.box.height);
    scores.push_back(c.score);
  }
  std::vector<int> kept;
  cv::dnn::NMSBoxes(boxes, scores, 0.0F, nms_threshold, kept);
  std::vector<Candidate> out;
  out.reserve(kept.size());
  for (int index : kept) out.push_back(candidates[static_cast<std::size_t>(index)]);
  return out;
}

}  // namespace cellflow::vision::blazeface

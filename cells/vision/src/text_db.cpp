#include "text_db.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <utility>

namespace cellflow::vision::detail {
namespace {

constexpr float kMinSide = 3;  // PaddleOCR's min_size: smaller boxes are noise

float shorter_side(const cv::RotatedRect& rect) {
  return std::min(rect.size.width, rect.size.height);
}

// Mean of `probability` inside the polygon `quad` (PaddleOCR's box_score_fast).
float mean_inside(const cv::Mat& probability, const std::array<cv::Point2f, 4>& quad) {
  std::vector<cv::Point> polygon;
  for (const auto& p : quad) polygon.emplace_back(cvRound(p.x), cvRound(p.y));
  const cv::Rect area =
      cv::boundingRect(polygon) & cv::Rect(0, 0, probability.cols, probability.rows);
  if (area.empty()) return 0;
  for (auto& p : polygon) p -= area.tl();
  cv::Mat mask = cv::Mat::zeros(area.size(), CV_8U);
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(1));
  return static_cast<float>(cv::mean(probability(area), mask)[0]);
}

// Offsetting a rectangle outwards by d (round joins) and taking the min-area rectangle of the
// result, as PaddleOCR does with pyclipper, gives the rectangle grown by d on every side.
cv::RotatedRect unclip(const cv::RotatedRect& rect, float ratio) {
  const float area = rect.size.area();
  const float perimeter = 2 * (rect.size.width + rect.size.height);
  const float d = perimeter > 0 ? area * ratio / perimeter : 0;
  return {rect.center, cv::Size2f(rect.size.width + 2 * d, rect.size.height + 2 * d), rect.angle};
}

}  // namespace

std::array<cv::Point2f, 4> ordered_corners(const cv::RotatedRect& rect) {
  std::array<cv::Point2f, 4> p;
  rect.points(p.data());
  std::sort(p.begin(), p.end(), [](const auto& a, const auto& b) { return a.x < b.x; });
  if (p[1].y < p[0].y) std::swap(p[0], p[1]);  // p[0] tl, p[1] bl
  if (p[3].y < p[2].y) std::swap(p[2], p[3]);  // p[2] tr, p[3] br
  return {p[0], p[2], p[3], p[1]};
}

std::vector<DbBox> db_boxes(const cv::Mat& probability, const DbOptions& options) {
  cv::Mat binary = probability > options.threshold;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(binary, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  const std::size_t candidates =
      std::min(contours.size(), static_cast<std::size_t>(options.max_candidates));
  std::vector<DbBox> boxes;
  for (std::size_t i = 0; i < candidates; ++i) {
    const cv::RotatedRect rect = cv::minAreaRect(contours[i]);
    if (shorter_side(rect) < kMinSide) continue;
    const float score = mean_inside(probability, ordered_corners(rect));
    if (score < options.box_threshold) continue;
    const cv::RotatedRect grown = unclip(rect, options.unclip_ratio);
    if (shorter_side(grown) < kMinSide + 2) continue;
    boxes.push_back({ordered_corners(grown), score});
  }
  return boxes;
}

}  // namespace cellflow::vision::detail

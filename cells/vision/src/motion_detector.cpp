#include "cellflow/vision/motion_detector.hpp"

#include <opencv2/imgproc.hpp>
#include <stdexcept>
#include <vector>

namespace cellflow::vision {
namespace {

cv::Mat grey_blurred(const cv::Mat& image) {
  if (image.empty()) throw std::invalid_argument("cannot look for motion in an empty image");
  if (image.depth() != CV_8U)
    throw std::invalid_argument("motion needs an 8-bit image, got " +
                                cv::typeToString(image.type()));
  cv::Mat grey;
  if (image.channels() == 1)
    grey = image;
  else if (image.channels() == 3)
    cv::cvtColor(image, grey, cv::COLOR_BGR2GRAY);
  else if (image.channels() == 4)
    cv::cvtColor(image, grey, cv::COLOR_BGRA2GRAY);
  else
    throw std::invalid_argument("motion needs 1, 3 or 4 channels, got " +
                                std::to_string(image.channels()));
  cv::Mat blurred;
  cv::GaussianBlur(grey, blurred, cv::Size(5, 5), 0);
  return blurred;
}

// Regions of `changed` (a 0/255 mask) of at least `min_area` pixels, scored by their changed share.
std::vector<Detection> regions(const cv::Mat& changed, int min_area) {
  cv::Mat grown;
  cv::dilate(changed, grown, cv::Mat(), cv::Point(-1, -1), 2);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(grown, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  std::vector<Detection> found;
  for (const auto& contour : contours) {
    const cv::Rect box = cv::boundingRect(contour);
    if (box.area() < min_area) continue;
    const double share = cv::countNonZero(changed(box)) / static_cast<double>(box.area());
    found.push_back({cv::Rect2f(box), static_cast<float>(share), "motion"});
  }
  sort_best_first(found);
  return found;
}

}  // namespace

void MotionDetector::process(Context& ctx) {
  const cv::Mat& frame = ctx.get(image);
  cv::Mat current = grey_blurred(frame);
  Detections out;
  out.image_size = frame.size();
  if (!previous_.empty() && previous_.size() == current.size()) {
    cv::Mat diff;
    cv::absdiff(previous_, current, diff);
    cv::threshold(diff, diff, *threshold, 255, cv::THRESH_BINARY);
    out.items = regions(diff, *min_area);
  }
  previous_ = std::move(current);
  ctx.emit(motion, std::move(out));
}

}  // namespace cellflow::vision

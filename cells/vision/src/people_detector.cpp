#include "cellflow/vision/people_detector.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"
#include "cellflow/vision/opencv_threads.hpp"

namespace cellflow::vision {

struct PeopleDetector::Impl {
  cv::HOGDescriptor hog;
};

namespace {

/// 8-bit BGR or grayscale, as HOG takes it.
cv::Mat hog_input(const cv::Mat& image) {
  if (image.empty()) throw std::invalid_argument("cannot detect people in an empty image");
  if (image.depth() != CV_8U)
    throw std::invalid_argument("people detection needs an 8-bit image, got " +
                                cv::typeToString(image.type()));
  if (image.channels() == 4) {
    cv::Mat bgr;
    cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
    return bgr;
  }
  if (image.channels() != 1 && image.channels() != 3)
    throw std::invalid_argument("people detection needs 1, 3 or 4 channels, got " +
                                std::to_string(image.channels()));
  return image;
}

float margin_to_score(double margin) { return static_cast<float>(1.0 / (1.0 + std::exp(-margin))); }

}  // namespace

PeopleDetector::PeopleDetector() = default;
PeopleDetector::~PeopleDetector() = default;

void PeopleDetector::open() {
  route_opencv_threads();
  impl_ = std::make_unique<Impl>();
  impl_->hog.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
}

void PeopleDetector::process(Context& ctx) {
  const cv::Mat& original = ctx.get(image);
  cv::Mat input = hog_input(original);
  double factor = 1.0;  // original pixels per detection pixel
  if (*resize_width > 0 && *resize_width != input.cols) {
    factor = static_cast<double>(input.cols) / *resize_width;
    const int h = std::max(1, static_cast<int>(std::lround(input.rows / factor)));
    cv::Mat resized;
    cv::resize(input, resized, cv::Size(*resize_width, h), 0, 0,
               factor > 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    input = resized;
  }
  std::vector<cv::Rect> boxes;
  std::vector<double> margins;
  impl_->hog.detectMultiScale(input, boxes, margins, *hit_threshold,
                              cv::Size(*win_stride, *win_stride), cv::Size(*padding, *padding),
                              *scale, *group_threshold, false);
  const cv::Rect2f bounds(0, 0, static_cast<float>(original.cols),
                          static_cast<float>(original.rows));
  Detections found{{}, original.size()};
  found.items.reserve(boxes.size());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const cv::Rect2f box(
        static_cast<float>(boxes[i].x * factor), static_cast<float>(boxes[i].y * factor),
        static_cast<float>(boxes[i].width * factor), static_cast<float>(boxes[i].height * factor));
    const double margin = i < margins.size() ? margins[i] : 0.0;
    found.items.push_back({box & bounds, margin_to_score(margin), "person"});
  }
  sort_best_first(found.items);  // HOG finds them in a different order from run to run
  ctx.emit(people, std::move(found));
}

void PeopleDetector::close() { impl_.reset(); }

}  // namespace cellflow::vision

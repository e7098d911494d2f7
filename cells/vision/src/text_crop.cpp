#include "text_crop.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

namespace cellflow::vision::detail {

cv::Mat as_bgr(const cv::Mat& image, const std::string& what) {
  if (image.empty()) throw std::invalid_argument("empty " + what);
  cv::Mat bgr;
  switch (image.type()) {
    case CV_8UC3:
      return image;
    case CV_8UC1:
      cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
      return bgr;
    case CV_8UC4:
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      return bgr;
    default:
      throw std::invalid_argument("expected an 8-bit grey, BGR or BGRA " + what + ", got " +
                                  std::to_string(image.channels()) + " channels of depth " +
                                  std::to_string(image.depth()));
  }
}

cv::Mat rectified_crop(const cv::Mat& image, const std::array<cv::Point2f, 4>& quad) {
  const auto& [tl, tr, br, bl] = quad;
  const int width = std::max(1, cvRound(std::max(cv::norm(tr - tl), cv::norm(br - bl))));
  const int height = std::max(1, cvRound(std::max(cv::norm(bl - tl), cv::norm(br - tr))));
  const std::array<cv::Point2f, 4> target{
      cv::Point2f(0, 0), cv::Point2f(static_cast<float>(width), 0),
      cv::Point2f(static_cast<float>(width), static_cast<float>(height)),
      cv::Point2f(0, static_cast<float>(height))};
  const cv::Mat transform = cv::getPerspectiveTransform(quad.data(), target.data());
  cv::Mat crop;
  cv::warpPerspective(image, crop, transform, cv::Size(width, height), cv::INTER_CUBIC,
                      cv::BORDER_REPLICATE);
  if (crop.rows >= 1.5 * crop.cols) cv::rotate(crop, crop, cv::ROTATE_90_COUNTERCLOCKWISE);
  return crop;
}

}  // namespace cellflow::vision::detail

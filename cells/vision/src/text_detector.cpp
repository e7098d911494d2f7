#include "cellflow/vision/text_detector.hpp"

#include <algorithm>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"
#include "text_crop.hpp"
#include "text_db.hpp"
#include "text_net.hpp"
#include "text_order.hpp"

namespace cellflow::vision {
namespace {

constexpr int kInputSize = 640;  // the converted model's fixed input (scripts/convert_ppocr.py)
const cv::Scalar kMean(0.485, 0.456, 0.406);  // PaddleOCR's normalization, on BGR as read
const cv::Scalar kInvStd(1 / 0.229, 1 / 0.224, 1 / 0.225);

// The image scaled to fit the input, normalized as PaddleOCR does and zero-padded right/bottom.
cv::Mat input_blob(const cv::Mat& bgr, cv::Size scaled) {
  cv::Mat resized;
  cv::resize(bgr, resized, scaled, 0, 0, cv::INTER_LINEAR);
  resized.convertTo(resized, CV_32FC3, 1.0 / 255);
  cv::subtract(resized, kMean, resized);
  cv::multiply(resized, kInvStd, resized);
  cv::copyMakeBorder(resized, resized, 0, kInputSize - scaled.height, 0, kInputSize - scaled.width,
                     cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return cv::dnn::blobFromImage(resized);
}

// Scales a quad from the resized image back to `size` pixels, clipped to the image.
std::array<cv::Point2f, 4> to_image(std::array<cv::Point2f, 4> quad, cv::Point2f scale,
                                    cv::Size size) {
  for (auto& p : quad) {
    p.x = std::clamp(p.x / scale.x, 0.0F, static_cast<float>(size.width));
    p.y = std::clamp(p.y / scale.y, 0.0F, static_cast<float>(size.height));
  }
  return quad;
}

cv::Rect bounding_box(const std::array<cv::Point2f, 4>& quad, cv::Size size) {
  return cv::boundingRect(std::vector<cv::Point2f>(quad.begin(), quad.end())) &
         cv::Rect(cv::Point(0, 0), size);
}

// Keeps the `limit` highest-scoring regions, then puts them in reading order.
std::vector<TextRegion> in_reading_order(std::vector<TextRegion> found, std::size_t limit) {
  if (found.size() > limit) {
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.score > b.score; });
    found.resize(limit);
  }
  std::vector<cv::Rect> boxes;
  for (const auto& r : found) boxes.push_back(r.box);
  std::vector<TextRegion> ordered;
  for (const auto& line : detail::reading_lines(boxes))
    for (const std::size_t i : line) ordered.push_back(std::move(found[i]));
  return ordered;
}

}  // namespace

struct TextDetector::Impl {
  cv::dnn::Net net;

  // The text probability of each pixel of `bgr` scaled to `scaled` (CV_32FC1 of that size).
  cv::Mat probability(const cv::Mat& bgr, cv::Size scaled) {
    net.setInput(input_blob(bgr, scaled));
    const cv::Mat output = net.forward();  // 1x1xSxS
    return output.reshape(1, {kInputSize, kInputSize})(cv::Rect(cv::Point(0, 0), scaled)).clone();
  }

  // Regions found in `bgr`, in no particular order.
  std::vector<TextRegion> find(const cv::Mat& bgr, const detail::DbOptions& options) {
    const double fit = static_cast<double>(kInputSize) / std::max(bgr.cols, bgr.rows);
    const cv::Size scaled(std::clamp(cvRound(bgr.cols * fit), 1, kInputSize),
                          std::clamp(cvRound(bgr.rows * fit), 1, kInputSize));
    const cv::Point2f scale(static_cast<float>(scaled.width) / static_cast<float>(bgr.cols),
                            static_cast<float>(scaled.height) / static_cast<float>(bgr.rows));
    std::vector<TextRegion> found;
    for (const auto& box : detail::db_boxes(probability(bgr, scaled), options)) {
      TextRegion region{{}, to_image(box.quad, scale, bgr.size()), {}, box.score};
      region.box = bounding_box(region.quad, bgr.size());
      if (region.box.width <= 3 || region.box.height <= 3) continue;  // as PaddleOCR
      region.crop = detail::rectified_crop(bgr, region.quad);
      found.push_back(std::move(region));
    }
    return found;
  }
};

TextDetector::TextDetector() = default;
TextDetector::~TextDetector() = default;

void TextDetector::open() {
  impl_ = std::make_unique<Impl>();
  impl_->net = detail::load_text_net(*model, {1, 3, kInputSize, kInputSize});
}

void TextDetector::process(Context& ctx) {
  const cv::Mat bgr = detail::as_bgr(ctx.get(image), "image");
  const detail::DbOptions options{static_cast<float>(*threshold),
                                  static_cast<float>(*box_threshold),
                                  static_cast<float>(*unclip_ratio)};
  const auto limit = static_cast<std::size_t>(*max_regions);
  for (auto& region : in_reading_order(impl_->find(bgr, options), limit))
    ctx.emit(regions, std::move(region));
}

void TextDetector::close() { impl_.reset(); }

}  // namespace cellflow::vision

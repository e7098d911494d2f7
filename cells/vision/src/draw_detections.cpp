#include "cellflow/vision/draw_detections.hpp"

#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"

namespace cellflow::vision {

namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
constexpr double kFontScale = 0.5;

/// True when pixels of `image` may be seen by someone else: other cv::Mat headers share its
/// buffer, or the buffer is external memory cv::Mat does not own.
bool pixels_shared(const cv::Mat& image) {
  return image.u == nullptr || CV_XADD(&image.u->refcount, 0) > 1;
}

/// An 8-bit BGR(A) image whose pixels nobody else sees: `image` itself when possible.
cv::Mat canvas_for(cv::Mat image) {
  if (image.empty()) throw std::invalid_argument("cannot draw on an empty image");
  if (image.depth() != CV_8U)
    throw std::invalid_argument("drawing needs an 8-bit image, got " +
                                cv::typeToString(image.type()));
  if (image.channels() == 1) {
    cv::Mat bgr;
    cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
    return bgr;
  }
  if (image.channels() != 3 && image.channels() != 4)
    throw std::invalid_argument("drawing needs 1, 3 or 4 channels, got " +
                                std::to_string(image.channels()));
  return pixels_shared(image) ? image.clone() : image;
}

/// `box` (in pixels of `from`) in pixels of `to`, rounded to whole pixels.
cv::Rect to_canvas(const cv::Rect2f& box, cv::Size from, cv::Size to) {
  const bool scaled = from.area() > 0 && from != to;
  const double sx = scaled ? static_cast<double>(to.width) / from.width : 1.0;
  const double sy = scaled ? static_cast<double>(to.height) / from.height : 1.0;
  const auto x0 = static_cast<int>(std::lround(box.x * sx));
  const auto y0 = static_cast<int>(std::lround(box.y * sy));
  const auto x1 = static_cast<int>(std::lround((box.x + box.width) * sx));
  const auto y1 = static_cast<int>(std::lround((box.y + box.height) * sy));
  return {x0, y0, x1 - x0, y1 - y0};
}

std::string caption(const Detection& detection) {
  char score[16];
  std::snprintf(score, sizeof score, "%.2f", static_cast<double>(detection.score));
  return detection.label.empty() ? std::string(score) : detection.label + " " + score;
}

/// Caption on a filled band of `color` above `box` (inside it when the image top is too close).
void draw_caption(cv::Mat& canvas, const cv::Rect& box, const std::string& text,
                  const cv::Scalar& color) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, kFont, kFontScale, 1, &baseline);
  const int band = size.height + baseline + 2;
  const int top = box.y >= band ? box.y - band : box.y;
  cv::rectangle(canvas, cv::Rect(box.x, top, size.width + 4, band), color, cv::FILLED);
  cv::putText(canvas, text, cv::Point(box.x + 2, top + size.height + 1), kFont, kFontScale,
              cv::Scalar::all(0), 1, cv::LINE_AA);
}

}  // namespace

void DrawDetections::configure(const nlohmann::json& params) {
  std::vector<std::string> problems = assign_params(params);
  if (color->size() != 3)
    problems.push_back("param 'color': expected [B, G, R] (3 values), got " +
                       std::to_string(color->size()) + " values");
  for (double c : *color)
    if (!(c >= 0 && c <= 255))
      problems.push_back("param 'color': each value must be in 0..255, got " + std::to_string(c));
  if (!problems.empty()) throw Error(std::move(problems));
  color_ = cv::Scalar((*color)[0], (*color)[1], (*color)[2], 255);
}

void DrawDetections::process(Context& ctx) {
  cv::Mat canvas = canvas_for(ctx.take(image));
  // Synchronised (e.g. `realtime` without wait_all), a frame may come without detections.
  static const Detections kNone;
  const Detections& found = ctx.has(detections) ? ctx.get(detections) : kNone;
  for (const Detection& detection : found.items) {
    const cv::Rect box = to_canvas(detection.box, found.image_size, canvas.size());
    cv::rectangle(canvas, box, color_, *thickness);
    draw_caption(canvas, box, caption(detection), color_);
  }
  ctx.emit(out, std::move(canvas));
}

}  // namespace cellflow::vision

#include "cellflow/vision/letterbox.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"
#include "cellflow/vision/resize.hpp"

namespace cellflow::vision {

LetterboxGeometry letterbox_geometry(cv::Size image, cv::Size target) {
  const double scale = std::min(static_cast<double>(target.width) / image.width,
                                static_cast<double>(target.height) / image.height);
  const auto fit = [&](int length, int limit) {
    return std::clamp(static_cast<int>(std::lround(length * scale)), 1, limit);
  };
  const int w = fit(image.width, target.width);
  const int h = fit(image.height, target.height);
  return {scale, cv::Rect((target.width - w) / 2, (target.height - h) / 2, w, h)};
}

void Letterbox::configure(const nlohmann::json& params) {
  std::vector<std::string> problems = assign_params(params);
  if (color->empty() || color->size() > 4)
    problems.push_back("param 'color': expected 1 to 4 values (one per channel), got " +
                       std::to_string(color->size()));
  try {
    flag_ = interpolation_flag(*interpolation, "interpolation");
  } catch (const Error& e) {
    problems.insert(problems.end(), e.problems().begin(), e.problems().end());
  }
  if (!problems.empty()) throw Error(std::move(problems));
  for (int c = 0; c < 4; ++c) padding_[c] = (*color)[std::min<std::size_t>(c, color->size() - 1)];
}

void Letterbox::process(Context& ctx) {
  const cv::Mat& image = ctx.get(in);
  if (image.empty()) throw std::invalid_argument("cannot letterbox an empty image");
  const LetterboxGeometry geometry = letterbox_geometry(image.size(), {*width, *height});
  cv::Mat boxed(*height, *width, image.type(), padding_);
  cv::resize(image, boxed(geometry.content), geometry.content.size(), 0, 0, flag_);
  ctx.emit(out, std::move(boxed));
}

}  // namespace cellflow::vision

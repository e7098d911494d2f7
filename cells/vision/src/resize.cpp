#include "cellflow/vision/resize.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"

namespace cellflow::vision {

int interpolation_flag(const std::string& name, const std::string& param) {
  if (name == "linear") return cv::INTER_LINEAR;
  if (name == "area") return cv::INTER_AREA;
  if (name == "nearest") return cv::INTER_NEAREST;
  if (name == "cubic") return cv::INTER_CUBIC;
  throw Error("param '" + param +
              "': expected \"linear\", \"area\", \"nearest\" or \"cubic\", got \"" + name + "\"");
}

void Resize::configure(const nlohmann::json& params) {
  std::vector<std::string> problems = assign_params(params);
  if (*width == 0 && *height == 0)
    problems.push_back("param 'width', 'height': set at least one of them (> 0)");
  try {
    flag_ = interpolation_flag(*interpolation, "interpolation");
  } catch (const Error& e) {
    problems.insert(problems.end(), e.problems().begin(), e.problems().end());
  }
  if (!problems.empty()) throw Error(std::move(problems));
}

cv::Size Resize::target_size(cv::Size size) const {
  const auto follow = [](int given, int along, int across) {
    return std::max(1, static_cast<int>(std::lround(static_cast<double>(given) * across / along)));
  };
  if (*width > 0 && *height > 0) return {*width, *height};
  if (*width > 0) return {*width, follow(*width, size.width, size.height)};
  return {follow(*height, size.height, size.width), *height};
}

void Resize::process(Context& ctx) {
  const cv::Mat& image = ctx.get(in);
  if (image.empty()) throw std::invalid_argument("cannot resize an empty image");
  cv::Mat resized;
  cv::resize(image, resized, target_size(image.size()), 0, 0, flag_);
  ctx.emit(out, std::move(resized));
}

}  // namespace cellflow::vision

#include "cellflow/vision/encode_image.hpp"

#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"

namespace cellflow::vision {

void EncodeImage::configure(const nlohmann::json& params) {
  Cell::configure(params);
  std::vector<std::string> problems;
  if (*format != "jpeg" && *format != "png")
    problems.push_back("param 'format': expected \"jpeg\" or \"png\", got \"" + *format + "\"");
  if (*quality < 1 || *quality > 100)
    problems.push_back("param 'quality': expected 1..100, got " + std::to_string(*quality));
  if (*compression < 0 || *compression > 9)
    problems.push_back("param 'compression': expected 0..9, got " + std::to_string(*compression));
  if (!problems.empty()) throw Error(std::move(problems));
  if (*format == "jpeg") {
    extension_ = ".jpg";
    options_ = {cv::IMWRITE_JPEG_QUALITY, *quality};
  } else {
    extension_ = ".png";
    options_ = {cv::IMWRITE_PNG_COMPRESSION, *compression};
  }
}

void EncodeImage::process(Context& ctx) {
  const cv::Mat& mat = ctx.get(image);
  if (mat.empty()) throw std::invalid_argument("cannot encode an empty image");
  std::vector<uchar> buffer;
  bool encoded = false;
  try {
    encoded = cv::imencode(extension_, mat, buffer, options_);
  } catch (const cv::Exception& e) {
    throw std::invalid_argument("cannot encode a " + std::to_string(mat.cols) + "x" +
                                std::to_string(mat.rows) + " " + cv::typeToString(mat.type()) +
                                " image as " + *format + ": " + e.err);
  }
  if (!encoded) throw std::invalid_argument("cannot encode the image as " + *format);
  ctx.emit(bytes, std::string(buffer.begin(), buffer.end()));
}

}  // namespace cellflow::vision

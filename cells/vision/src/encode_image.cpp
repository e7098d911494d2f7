#include "cellflow/vision/encode_image.hpp"

#include <opencv2/imgcodecs.hpp>  // the IMWRITE_ flags only: the calls go through opencv_io
#include <stdexcept>

#include "cellflow/codecs/opencv_io.hpp"
#include "cellflow/error.hpp"

namespace cellflow::vision {

void EncodeImage::configure(const nlohmann::json& params) {
  Cell::configure(params);  // the rules check format, quality and compression
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
    encoded = opencv_io::encode(extension_, mat, buffer, options_);
  } catch (const cv::Exception& e) {
    throw std::invalid_argument("cannot encode a " + std::to_string(mat.cols) + "x" +
                                std::to_string(mat.rows) + " " + cv::typeToString(mat.type()) +
                                " image as " + *format + ": " + e.err);
  }
  if (!encoded) throw std::invalid_argument("cannot encode the image as " + *format);
  ctx.emit(bytes, std::string(buffer.begin(), buffer.end()));
}

}  // namespace cellflow::vision

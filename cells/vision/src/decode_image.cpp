#include "cellflow/vision/decode_image.hpp"

#include <opencv2/imgcodecs.hpp>  // the IMREAD_ flags only: the calls go through opencv_io
#include <stdexcept>
#include <string_view>

#include "cellflow/codecs/opencv_io.hpp"
#include "cellflow/error.hpp"
#include "image_header.hpp"

namespace cellflow::vision {
namespace {

std::string undecodable(std::string_view data) {
  const std::string size = std::to_string(data.size()) + " bytes";
  const std::string_view format = image_header::sniff_format(data);
  if (!format.empty())
    return "cannot decode image: " + size + " start like a " + std::string(format) +
           " image but are corrupt or truncated";
  return "cannot decode image: " + size + ", not a JPEG/PNG/BMP/TIFF/WebP/PNM image";
}

void check_pixels(image_header::ImageSize size, std::int64_t max_pixels) {
  if (size.pixels() <= static_cast<std::uint64_t>(max_pixels)) return;
  throw std::invalid_argument("image is " + std::to_string(size.width) + "x" +
                              std::to_string(size.height) + " (" + std::to_string(size.pixels()) +
                              " pixels), above max_pixels " + std::to_string(max_pixels));
}

cv::Mat decode(const std::string& data, int flags) {
  cv::Mat decoded;
  try {
    decoded = opencv_io::decode(data, flags);  // reads the string in place, no copy
  } catch (const cv::Exception&) {
    throw std::invalid_argument(undecodable(data));
  }
  if (decoded.empty()) throw std::invalid_argument(undecodable(data));
  return decoded;
}

}  // namespace

void DecodeImage::configure(const nlohmann::json& params) {
  Cell::configure(params);  // the rules check mode
  flags_ = *mode == "color"       ? cv::IMREAD_COLOR
           : *mode == "grayscale" ? cv::IMREAD_GRAYSCALE
                                  : cv::IMREAD_UNCHANGED;
}

void DecodeImage::process(Context& ctx) {
  const std::string& data = ctx.get(bytes);
  if (data.empty()) throw std::invalid_argument("cannot decode image: the input holds no bytes");
  const image_header::Header header = image_header::inspect(data);
  if (header.size) check_pixels(*header.size, *max_pixels);  // before allocating anything
  if (*strict && !header.truncation.empty())
    throw std::invalid_argument("cannot decode image: " + header.truncation + " in its " +
                                std::to_string(data.size()) +
                                " bytes (param strict=false decodes the part that is there)");
  cv::Mat decoded = decode(data, flags_);
  check_pixels({static_cast<std::uint32_t>(decoded.cols), static_cast<std::uint32_t>(decoded.rows)},
               *max_pixels);
  ctx.emit(image, std::move(decoded));
}

}  // namespace cellflow::vision

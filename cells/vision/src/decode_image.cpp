#include "cellflow/vision/decode_image.hpp"

#include <opencv2/imgcodecs.hpp>
#include <stdexcept>
#include <string_view>

#include "cellflow/error.hpp"

namespace cellflow::vision {
namespace {

using namespace std::string_view_literals;

/// The format the leading bytes announce ("" when none is recognised).
std::string_view sniff_format(std::string_view data) {
  struct Magic {
    std::string_view prefix;
    std::string_view format;
  };
  static constexpr Magic kMagics[] = {{"\xFF\xD8\xFF"sv, "JPEG"},
                                      {"\x89PNG\r\n\x1A\n"sv, "PNG"},
                                      {"BM"sv, "BMP"},
                                      {"GIF8"sv, "GIF"},
                                      {"II*\0"sv, "TIFF"},
                                      {"MM\0*"sv, "TIFF"},
                                      {"RIFF"sv, "WebP"},
                                      {"P4"sv, "PBM"},
                                      {"P5"sv, "PGM"},
                                      {"P6"sv, "PPM"}};
  for (const auto& magic : kMagics)
    if (data.starts_with(magic.prefix)) return magic.format;
  return {};
}

std::string undecodable(std::string_view data) {
  const std::string size = std::to_string(data.size()) + " bytes";
  const std::string_view format = sniff_format(data);
  if (!format.empty())
    return "cannot decode image: " + size + " start like a " + std::string(format) +
           " image but are corrupt or truncated";
  return "cannot decode image: " + size + ", not a JPEG/PNG/BMP/TIFF/WebP/PNM image";
}

}  // namespace

void DecodeImage::configure(const nlohmann::json& params) {
  Cell::configure(params);
  if (*mode == "color")
    flags_ = cv::IMREAD_COLOR;
  else if (*mode == "grayscale")
    flags_ = cv::IMREAD_GRAYSCALE;
  else if (*mode == "unchanged")
    flags_ = cv::IMREAD_UNCHANGED;
  else
    throw Error("param 'mode': expected \"color\", \"grayscale\" or \"unchanged\", got \"" + *mode +
                "\"");
}

void DecodeImage::process(Context& ctx) {
  const std::string& data = ctx.get(bytes);
  if (data.empty()) throw std::invalid_argument("cannot decode image: the input holds no bytes");
  // imdecode reads the buffer in place: a Mat header over the string, no copy.
  const cv::Mat buffer(1, static_cast<int>(data.size()), CV_8UC1, const_cast<char*>(data.data()));
  cv::Mat decoded;
  try {
    decoded = cv::imdecode(buffer, flags_);
  } catch (const cv::Exception&) {
    throw std::invalid_argument(undecodable(data));
  }
  if (decoded.empty()) throw std::invalid_argument(undecodable(data));
  ctx.emit(image, std::move(decoded));
}

}  // namespace cellflow::vision

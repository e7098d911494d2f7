// cv::Mat as an image.
//  - Metadata: BYTES, shape [1] (one encoded image).
//  - Decode: a BYTES tensor with one element holding JPEG/PNG/any format cv::imdecode reads
//    (decoded with cv::IMREAD_COLOR: 8-bit BGR, like cv::imread); or a UINT8 tensor of shape
//    [H, W, C] with C 1 or 3 (or [H, W] for one channel), taken as is (BGR) without a copy: the
//    Mat views the tensor's bytes and keeps them alive.
//  - Encode: PNG (lossless), BYTES shape [1]. Printed as {"width", "height", "channels"}.
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>  // the IMREAD_ flags only: the calls go through opencv_io
#include <stdexcept>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/codecs/opencv_io.hpp"
#include "default_codecs.hpp"
#include "mat_view.hpp"

namespace cellflow::codecs {
namespace {

// Long enough and only base64 characters: a client sent an image's base64 as text.
bool looks_like_base64(std::string_view bytes) {
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  return bytes.size() >= 16 && bytes.find_first_not_of(kAlphabet) == std::string_view::npos;
}

cv::Mat decode_image(std::string_view bytes) {
  cv::Mat image;
  try {
    if (!bytes.empty()) image = opencv_io::decode(bytes, cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    throw std::invalid_argument("cannot decode image (" + std::to_string(bytes.size()) +
                                " bytes): " + e.what());
  }
  if (image.empty())
    throw std::invalid_argument(
        "cannot decode image (" + std::to_string(bytes.size()) + " bytes): " +
        (looks_like_base64(bytes) ? "this looks like base64 text; in a JSON request send an "
                                    "image's base64 with parameters.content_type \"base64\""
                                  : "not a JPEG, PNG or other format OpenCV reads"));
  return image;
}

cv::Mat decode_encoded(const Tensor& tensor) {
  if (element_count(tensor.shape) != 1)
    throw std::invalid_argument("expected 1 encoded image (shape [1]), got shape " +
                                shape_string(tensor.shape));
  return decode_image(tensor.strings().front());
}

cv::Mat decode_pixels(const Tensor& tensor) {
  const auto& s = tensor.shape;
  const bool hwc = s.size() == 3 && (s[2] == 1 || s[2] == 3);
  if (!(hwc || s.size() == 2))
    throw std::invalid_argument("a UINT8 image needs shape [H, W, C] with C 1 or 3, got " +
                                shape_string(s));
  if (s[0] <= 0 || s[1] <= 0)
    throw std::invalid_argument("a UINT8 image needs H and W > 0, got shape " + shape_string(s));
  const int channels = s.size() == 3 ? static_cast<int>(s[2]) : 1;
  return mat_view(static_cast<int>(s[0]), static_cast<int>(s[1]), CV_8UC(channels),
                  tensor.raw().data(), tensor.owner());
}

class MatCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {1}; }

  Value decode(const Tensor& tensor) const override {
    if (tensor.datatype == "BYTES") return decode_encoded(tensor);
    if (tensor.datatype == "UINT8") return decode_pixels(tensor);
    throw std::invalid_argument(
        "expected datatype BYTES (an encoded image) or UINT8 (HxWxC pixels), got " +
        tensor.datatype);
  }

  Tensor encode(const Value& value) const override {
    const auto& image = value.get<cv::Mat>();
    if (image.empty()) throw std::invalid_argument("cannot encode an empty image");
    std::vector<uchar> png;
    bool encoded = false;
    try {
      encoded = opencv_io::encode(".png", image, png);
    } catch (const cv::Exception& e) {
      throw std::invalid_argument(std::string("cannot encode image as PNG: ") + e.what());
    }
    if (!encoded)
      throw std::invalid_argument("cannot encode a " + std::to_string(image.cols) + "x" +
                                  std::to_string(image.rows) + " image of type " +
                                  std::to_string(image.type()) + " as PNG");
    return Tensor::strings({1}, {std::string(png.begin(), png.end())});
  }

  /// Also UINT8 [B, H, W, C]: B images of pixels.
  std::size_t batch_size(const Tensor& tensor) const override {
    if (tensor.datatype == "UINT8")
      return tensor.shape.size() == 4 && tensor.shape[0] > 0 ? tensor.shape[0] : 0;
    return Codec::batch_size(tensor);
  }

  nlohmann::json to_json(const Value& value) const override {
    const auto& m = value.get<cv::Mat>();
    return {{"width", m.cols}, {"height", m.rows}, {"channels", m.channels()}};
  }
};

}  // namespace

void add_mat_codec(CodecRegistry& registry) { registry.add<cv::Mat>(std::make_shared<MatCodec>()); }

}  // namespace cellflow::codecs

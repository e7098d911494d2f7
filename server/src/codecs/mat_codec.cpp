#include "codecs/mat_codec.hpp"

#include <cstring>
#include <memory>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <stdexcept>

#include "codecs/datatype.hpp"
#include "codecs/default_codecs.hpp"
#include "codecs/tensor_bytes.hpp"
#include "codecs/tensor_form.hpp"
#include "codecs/tensor_read.hpp"
#include "codecs/text_encoding.hpp"

namespace cellflow::server::codecs {
namespace {

cv::Mat decode_image(std::string_view bytes) {
  cv::Mat image;
  try {
    if (!bytes.empty())
      image = cv::imdecode(cv::_InputArray(reinterpret_cast<const uchar*>(bytes.data()),
                                           static_cast<int>(bytes.size())),
                           cv::IMREAD_COLOR);
  } catch (const cv::Exception& e) {
    throw std::invalid_argument("cannot decode image (" + std::to_string(bytes.size()) +
                                " bytes): " + e.what());
  }
  if (image.empty())
    throw std::invalid_argument("cannot decode image (" + std::to_string(bytes.size()) +
                                " bytes): not a JPEG, PNG or other format OpenCV reads");
  return image;
}

cv::Mat decode_encoded(const Tensor& tensor) {
  if (element_count(tensor.shape) != 1)
    throw std::invalid_argument("expected 1 encoded image (shape [1]), got shape " +
                                shape_string(tensor.shape));
  expect_consistent(tensor);
  const std::string_view element = bytes_elements(tensor).front();
  if (tensor.is_binary) return decode_image(element);
  std::string raw;
  try {
    raw = base64_decode(element);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("cannot decode image: in JSON form an image is "
                                            "base64 of its file bytes, and this is ") +
                                e.what());
  }
  return decode_image(raw);
}

cv::Mat decode_pixels(const Tensor& tensor) {
  const auto& s = tensor.shape;
  const bool hwc = s.size() == 3 && (s[2] == 1 || s[2] == 3);
  if (!(hwc || s.size() == 2))
    throw std::invalid_argument("a UINT8 image needs shape [H, W, C] with C 1 or 3, got " +
                                shape_string(s));
  if (s[0] <= 0 || s[1] <= 0)
    throw std::invalid_argument("a UINT8 image needs H and W > 0, got shape " + shape_string(s));
  expect_consistent(tensor);
  const int channels = s.size() == 3 ? static_cast<int>(s[2]) : 1;
  cv::Mat image(static_cast<int>(s[0]), static_cast<int>(s[1]), CV_8UC(channels));
  if (tensor.is_binary) {
    if (!tensor.binary.empty()) std::memcpy(image.data, tensor.binary.data(), tensor.binary.size());
    return image;
  }
  for (std::size_t i = 0; i < tensor.data.size(); ++i)
    image.data[i] = json_number<std::uint8_t>(tensor.data[i], i);
  return image;
}

}  // namespace

std::size_t MatCodec::batch_size(const Tensor& tensor) const {
  if (tensor.datatype == "UINT8")
    return tensor.shape.size() == 4 && tensor.shape[0] > 0 ? tensor.shape[0] : 0;
  return Codec::batch_size(tensor);
}

Value MatCodec::decode(const Tensor& tensor) const {
  if (tensor.datatype == "BYTES") return decode_encoded(tensor);
  if (tensor.datatype == "UINT8") return decode_pixels(tensor);
  throw std::invalid_argument(
      "expected datatype BYTES (an encoded image) or UINT8 (HxWxC pixels), got " + tensor.datatype);
}

Tensor MatCodec::encode(const Value& value) const {
  const auto& image = value.get<cv::Mat>();
  if (image.empty()) throw std::invalid_argument("cannot encode an empty image");
  std::vector<uchar> png;
  bool encoded = false;
  try {
    encoded = cv::imencode(".png", image, png);
  } catch (const cv::Exception& e) {
    throw std::invalid_argument(std::string("cannot encode image as PNG: ") + e.what());
  }
  if (!encoded)
    throw std::invalid_argument("cannot encode a " + std::to_string(image.cols) + "x" +
                                std::to_string(image.rows) + " image of type " +
                                std::to_string(image.type()) + " as PNG");
  Tensor tensor;
  tensor.datatype = "BYTES";
  tensor.shape = {1};
  tensor.is_binary = true;
  tensor.binary.reserve(png.size() + 4);
  append_bytes_element(tensor.binary,
                       std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
  return tensor;
}

void add_mat_codec(CodecRegistry& registry) { registry.add<cv::Mat>(std::make_shared<MatCodec>()); }

}  // namespace cellflow::server::codecs

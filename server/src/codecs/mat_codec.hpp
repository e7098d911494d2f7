// MatCodec: cv::Mat as an image.
//  - Metadata: BYTES, shape [1] (one encoded image).
//  - Decode: a BYTES tensor with one element holding JPEG/PNG/any format cv::imdecode reads
//    (binary form: the raw file bytes; JSON form: the file's base64, since JSON strings cannot
//    hold raw bytes), decoded with cv::IMREAD_COLOR (8-bit BGR, like cv::imread); or a UINT8
//    tensor of shape [H, W, C] with C 1 or 3 (or [H, W] for one channel), taken as is (BGR).
//  - Encode: PNG (lossless), BYTES shape [1], binary form: raw PNG in binary responses, base64
//    in JSON responses.
// OpenCV headers are included only by mat_codec.cpp; register with add_mat_codec().
#pragma once

#include <string>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

class MatCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor& tensor) const override;
  Tensor encode(const Value& value) const override;
  /// Also UINT8 [B, H, W, C]: B images of pixels.
  std::size_t batch_size(const Tensor& tensor) const override;
};

}  // namespace cellflow::server::codecs

// JsonCodec: nlohmann::json ports.
//  - Metadata: BYTES, shape [-1] for inputs and outputs (a JSON port accepts and may return
//    several datatypes; BYTES is the one that can carry anything).
//  - Decode: any datatype and shape; the value is the request tensor's flat "data" array, always
//    an array (shape [1] gives a one-element array). Binary-form tensors are converted to that
//    array first (BYTES elements become strings, base64 if not UTF-8).
//  - Encode: an array of numbers (possibly empty) -> INT64 of shape [N] when every element is
//    an integer that fits int64, otherwise FP64 of shape [N]; anything else (objects, strings,
//    booleans, mixed arrays, scalars) -> BYTES of shape [1] holding the JSON text (dump()).
#pragma once

#include <string>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

class JsonCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {-1}; }
  Value decode(const Tensor& tensor) const override;
  Tensor encode(const Value& value) const override;
};

}  // namespace cellflow::server::codecs

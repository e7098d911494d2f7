// JsonCodec: nlohmann::json ports.
//  - Metadata: BYTES, shape [-1] for inputs and outputs (a JSON port accepts and may return
//    several datatypes; BYTES is the one that can carry anything).
//  - Decode: any datatype and shape, elements checked against the datatype. Shape [] or [1]
//    gives the single element itself (13, not [13]), shape [k] an array, a multi-dimensional
//    shape nested arrays (row-major). Binary-form tensors are converted first (BYTES elements
//    become strings, base64 if not UTF-8).
//  - Encode: a number -> INT64 or FP64 of shape [1]; an array of numbers (possibly empty) ->
//    INT64 of shape [N] when every element is an integer that fits int64, otherwise FP64 of
//    shape [N]; anything else (objects, strings, booleans, mixed or nested arrays, null) -> BYTES
//    of shape [1] holding the JSON text (dump()).
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
  bool batchable() const override { return false; }  // any shape is one JSON value
};

}  // namespace cellflow::server::codecs

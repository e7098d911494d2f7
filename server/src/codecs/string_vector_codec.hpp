// StringVectorCodec: std::vector<std::string> travels as a BYTES tensor, metadata shape [-1];
// decoding accepts any shape whose element count matches, encoding gives shape [N].
#pragma once

#include <string>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

class StringVectorCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {-1}; }
  Value decode(const Tensor& tensor) const override;
  Tensor encode(const Value& value) const override;
};

}  // namespace cellflow::server::codecs

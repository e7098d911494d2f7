// StringCodec: std::string travels as a BYTES tensor of shape [1] (in JSON form the element is
// the string itself; in binary form, its raw bytes).
#pragma once

#include <string>
#include <vector>

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

class StringCodec final : public Codec {
 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor& tensor) const override;
  Tensor encode(const Value& value) const override;
};

}  // namespace cellflow::server::codecs

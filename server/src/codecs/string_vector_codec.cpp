#include "codecs/string_vector_codec.hpp"

#include "codecs/datatype.hpp"
#include "codecs/tensor_form.hpp"

namespace cellflow::server::codecs {

Value StringVectorCodec::decode(const Tensor& tensor) const {
  expect_datatype(tensor, "BYTES");
  expect_consistent(tensor);
  std::vector<std::string> out;
  for (const auto element : bytes_elements(tensor)) out.emplace_back(element);
  return out;
}

Tensor StringVectorCodec::encode(const Value& value) const {
  const auto& strings = value.get<std::vector<std::string>>();
  Tensor tensor;
  tensor.datatype = "BYTES";
  tensor.shape = {static_cast<std::int64_t>(strings.size())};
  tensor.data = strings;
  return tensor;
}

}  // namespace cellflow::server::codecs

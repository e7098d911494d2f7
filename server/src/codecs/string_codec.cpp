#include "codecs/string_codec.hpp"

#include <memory>
#include <stdexcept>

#include "codecs/datatype.hpp"
#include "codecs/default_codecs.hpp"
#include "codecs/string_vector_codec.hpp"
#include "codecs/tensor_form.hpp"

namespace cellflow::server::codecs {

Value StringCodec::decode(const Tensor& tensor) const {
  expect_datatype(tensor, "BYTES");
  if (element_count(tensor.shape) != 1)
    throw std::invalid_argument("expected 1 element (shape [1]), got shape " +
                                shape_string(tensor.shape));
  expect_consistent(tensor);
  return std::string(bytes_elements(tensor).front());
}

Tensor StringCodec::encode(const Value& value) const {
  Tensor tensor;
  tensor.datatype = "BYTES";
  tensor.shape = {1};
  tensor.data.push_back(value.get<std::string>());
  return tensor;
}

void add_string_codecs(CodecRegistry& registry) {
  registry.add<std::string>(std::make_shared<StringCodec>());
  registry.add<std::vector<std::string>>(std::make_shared<StringVectorCodec>());
}

}  // namespace cellflow::server::codecs

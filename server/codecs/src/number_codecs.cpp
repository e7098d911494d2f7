// Default codecs for bool and numbers. A scalar travels as a one-element tensor of its
// datatype, shape [1] (any one-element shape is accepted: [], [1,1]). A std::vector travels as
// shape [N]; metadata shape [-1]; decoding accepts any shape (flattened row-major, so a
// client's [1, N] works).
#include <memory>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "default_codecs.hpp"

namespace cellflow::codecs {
namespace {

template <class T>
class ScalarCodec final : public Codec {
 public:
  std::string datatype() const override { return std::string(datatype_of<T>()); }
  std::vector<std::int64_t> shape() const override { return {1}; }
  Value decode(const Tensor& tensor) const override {
    expect_datatype(tensor.datatype, datatype_of<T>());
    expect_one_element(tensor.shape);
    return tensor.number<T>(0);
  }
  Tensor encode(const Value& value) const override { return Tensor::scalar<T>(value.get<T>()); }
};

template <class T>
class VectorCodec final : public Codec {
 public:
  std::string datatype() const override { return std::string(datatype_of<T>()); }
  std::vector<std::int64_t> shape() const override { return {-1}; }
  Value decode(const Tensor& tensor) const override { return tensor.to_vector<T>(); }
  Tensor encode(const Value& value) const override {
    const auto& values = value.get<std::vector<T>>();
    return Tensor::numbers<T>({static_cast<std::int64_t>(values.size())}, values);
  }
};

template <class... Ts>
void add_all(CodecRegistry& registry) {
  (registry.add<Ts>(std::make_shared<ScalarCodec<Ts>>()), ...);
  (registry.add<std::vector<Ts>>(std::make_shared<VectorCodec<Ts>>()), ...);
}

}  // namespace

void add_number_codecs(CodecRegistry& registry) {
  // Plain char is a character, not a number: it has no default codec.
  add_all<bool, signed char, unsigned char, short, unsigned short, int, unsigned int, long,
          unsigned long, long long, unsigned long long, float, double>(registry);
}

}  // namespace cellflow::codecs

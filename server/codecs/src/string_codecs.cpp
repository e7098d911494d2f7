// Text: std::string travels as BYTES [1], std::vector<std::string> as BYTES [N] (metadata
// [-1]); char and std::vector<char> as one-character elements.
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "default_codecs.hpp"

namespace cellflow::codecs {
namespace {

// One text element as E: std::string as is; char (a character, not a number: "a", not 97) from
// a one-byte element.
template <class E>
E element_as(std::string_view element) {
  if constexpr (std::is_same_v<E, char>) {
    if (element.size() != 1)
      throw std::invalid_argument("expected one character, got " + std::to_string(element.size()) +
                                  " bytes");
    return element.front();
  } else {
    return E(element);
  }
}

std::string element_of(const std::string& text) { return text; }
std::string element_of(char c) { return std::string(1, c); }

// E travels as BYTES [1]; std::vector<E> (kMany) as BYTES [N], metadata [-1].
template <class E, bool kMany>
class TextCodec final : public Codec {
  using T = std::conditional_t<kMany, std::vector<E>, E>;

 public:
  std::string datatype() const override { return "BYTES"; }
  std::vector<std::int64_t> shape() const override { return {kMany ? -1 : 1}; }
  Value decode(const Tensor& tensor) const override {
    expect_datatype(tensor.datatype, "BYTES");
    if constexpr (kMany) {
      std::vector<E> out;
      out.reserve(tensor.size());
      for (const auto element : tensor.strings()) out.push_back(element_as<E>(element));
      return out;
    } else {
      expect_one_element(tensor.shape);
      return element_as<E>(tensor.strings().front());
    }
  }
  Tensor encode(const Value& value) const override {
    const auto& typed = value.get<T>();
    if constexpr (kMany) {
      std::vector<std::string> elements;
      elements.reserve(typed.size());
      for (const auto& element : typed) elements.push_back(element_of(element));
      return Tensor::strings({static_cast<std::int64_t>(typed.size())}, std::move(elements));
    } else {
      return Tensor::strings({1}, {element_of(typed)});
    }
  }
};

}  // namespace

void add_string_codecs(CodecRegistry& registry) {
  registry.add<std::string>(std::make_shared<TextCodec<std::string, false>>());
  registry.add<std::vector<std::string>>(std::make_shared<TextCodec<std::string, true>>());
  registry.add<char>(std::make_shared<TextCodec<char, false>>());
  registry.add<std::vector<char>>(std::make_shared<TextCodec<char, true>>());
}

}  // namespace cellflow::codecs

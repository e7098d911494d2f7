// Default codecs for bool and numbers: scalars (ScalarCodec) and vectors (VectorCodec).
#include <memory>
#include <vector>

#include "codecs/default_codecs.hpp"
#include "codecs/scalar_codec.hpp"
#include "codecs/vector_codec.hpp"

namespace cellflow::server::codecs {
namespace {

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

}  // namespace cellflow::server::codecs

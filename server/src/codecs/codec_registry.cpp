#include <utility>

#include "cellflow/server/codec.hpp"
#include "codecs/default_codecs.hpp"

namespace cellflow::server {

CodecRegistry CodecRegistry::defaults() {
  CodecRegistry registry;
  codecs::add_number_codecs(registry);
  codecs::add_string_codecs(registry);
  codecs::add_mat_codec(registry);
  codecs::add_json_codec(registry);
  codecs::add_vision_codecs(registry);
  return registry;
}

CodecRegistry& CodecRegistry::add(const std::type_info& type, std::shared_ptr<const Codec> codec) {
  const std::type_index key(type);
  for (auto& entry : codecs_) {
    if (entry.first == key) {
      entry.second = std::move(codec);
      return *this;
    }
  }
  codecs_.emplace_back(key, std::move(codec));
  return *this;
}

const Codec* CodecRegistry::find(const std::type_info& type) const {
  const std::type_index key(type);
  for (const auto& entry : codecs_)
    if (entry.first == key) return entry.second.get();
  return nullptr;
}

}  // namespace cellflow::server

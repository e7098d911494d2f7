#include <memory>

#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/text.hpp"
#include "codecs/default_codecs.hpp"
#include "codecs/json_text_codec.hpp"

namespace cellflow::server::codecs {

void add_vision_codecs(CodecRegistry& registry) {
  registry.add<vision::Detections>(std::make_shared<JsonTextCodec<vision::Detections>>());
  registry.add<vision::Words>(std::make_shared<JsonTextCodec<vision::Words>>());
}

}  // namespace cellflow::server::codecs

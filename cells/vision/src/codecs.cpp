#include <memory>

#include "cellflow/codecs/json_text_codec.hpp"
#include "cellflow/vision/detections.hpp"
#include "cellflow/vision/text.hpp"
#include "cellflow/vision/vision.hpp"

namespace cellflow::vision {

void add_codecs(CodecRegistry& codecs) {
  codecs.add<Detections>(std::make_shared<JsonTextCodec<Detections>>());
  codecs.add<Word>(std::make_shared<JsonTextCodec<Word>>());
  codecs.add<Words>(std::make_shared<JsonTextCodec<Words>>());
}

}  // namespace cellflow::vision

// Registration of the default codecs, one family per source file (CodecRegistry::defaults()).
#pragma once

#include "cellflow/server/codec.hpp"

namespace cellflow::server::codecs {

/// bool and every integer and floating type (scalars and std::vector).
void add_number_codecs(CodecRegistry& registry);
/// std::string (BYTES [1]) and std::vector<std::string> (BYTES [-1]).
void add_string_codecs(CodecRegistry& registry);
/// cv::Mat (see mat_codec.hpp).
void add_mat_codec(CodecRegistry& registry);
/// nlohmann::json (see json_codec.hpp).
void add_json_codec(CodecRegistry& registry);
/// cellflow::vision::Detections and Words: their JSON text as BYTES [1] (json_text_codec.hpp).
void add_vision_codecs(CodecRegistry& registry);

}  // namespace cellflow::server::codecs

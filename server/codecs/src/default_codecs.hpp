// Registration of the default codecs, one family per source file (CodecRegistry::defaults()).
#pragma once

#include "cellflow/codecs/codec.hpp"

namespace cellflow::codecs {

/// bool and every integer and floating type: scalars (shape [1]) and std::vector (shape [-1]).
void add_number_codecs(CodecRegistry& registry);
/// std::string (BYTES [1]), std::vector<std::string> (BYTES [-1]), char and std::vector<char>.
void add_string_codecs(CodecRegistry& registry);
/// cv::Mat (see mat_codec.cpp).
void add_mat_codec(CodecRegistry& registry);
/// nlohmann::json (see json_codec.cpp).
void add_json_codec(CodecRegistry& registry);

}  // namespace cellflow::codecs

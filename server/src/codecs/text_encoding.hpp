// Base64 (RFC 4648, with padding) and UTF-8 validation: binary BYTES elements (images) travel in
// JSON form as base64 strings, because JSON strings must be valid UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace cellflow::server::codecs {

std::string base64_encode(std::string_view bytes);
/// Throws std::invalid_argument naming the first bad character or a bad length. Accepts missing
/// padding; ignores no whitespace.
std::string base64_decode(std::string_view text);
bool is_valid_utf8(std::string_view text);

}  // namespace cellflow::server::codecs

// BYTES elements in binary form (Triton's binary tensor extension): each element is a 4-byte
// little-endian length followed by that many bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cellflow::server::codecs {

/// Views of the elements of a BYTES binary blob (no copies). Throws std::invalid_argument for a
/// truncated length prefix or element.
std::vector<std::string_view> split_bytes(std::string_view binary);

/// Appends one length-prefixed element to `binary`.
void append_bytes_element(std::string& binary, std::string_view element);

}  // namespace cellflow::server::codecs

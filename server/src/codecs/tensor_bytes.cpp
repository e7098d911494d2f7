#include "codecs/tensor_bytes.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace cellflow::server::codecs {
namespace {

std::uint32_t read_le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint32_t>(u[0]) | static_cast<std::uint32_t>(u[1]) << 8 |
         static_cast<std::uint32_t>(u[2]) << 16 | static_cast<std::uint32_t>(u[3]) << 24;
}

}  // namespace

std::vector<std::string_view> split_bytes(std::string_view binary) {
  std::vector<std::string_view> elements;
  std::size_t offset = 0;
  while (offset < binary.size()) {
    if (binary.size() - offset < 4)
      throw std::invalid_argument("BYTES element " + std::to_string(elements.size()) +
                                  ": truncated 4-byte length prefix at byte " +
                                  std::to_string(offset));
    const std::size_t length = read_le32(binary.data() + offset);
    offset += 4;
    if (binary.size() - offset < length)
      throw std::invalid_argument("BYTES element " + std::to_string(elements.size()) + ": length " +
                                  std::to_string(length) + " exceeds the " +
                                  std::to_string(binary.size() - offset) + " remaining bytes");
    elements.push_back(binary.substr(offset, length));
    offset += length;
  }
  return elements;
}

void append_bytes_element(std::string& binary, std::string_view element) {
  if (element.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("a BYTES element of " + std::to_string(element.size()) +
                                " bytes does not fit a 4-byte length");
  const auto length = static_cast<std::uint32_t>(element.size());
  const char prefix[4] = {static_cast<char>(length & 0xFF), static_cast<char>(length >> 8 & 0xFF),
                          static_cast<char>(length >> 16 & 0xFF),
                          static_cast<char>(length >> 24 & 0xFF)};
  binary.append(prefix, 4);
  binary.append(element);
}

}  // namespace cellflow::server::codecs

#include "cellflow/codecs/raw_form.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

namespace cellflow {
namespace {

std::uint32_t read_le32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<std::uint32_t>(u[0]) | static_cast<std::uint32_t>(u[1]) << 8 |
         static_cast<std::uint32_t>(u[2]) << 16 | static_cast<std::uint32_t>(u[3]) << 24;
}

// Views of length-prefixed BYTES elements.
std::vector<std::string_view> split_bytes(std::string_view raw) {
  std::vector<std::string_view> elements;
  std::size_t offset = 0;
  while (offset < raw.size()) {
    if (raw.size() - offset < 4)
      throw std::invalid_argument("BYTES element " + std::to_string(elements.size()) +
                                  ": truncated 4-byte length prefix at byte " +
                                  std::to_string(offset));
    const std::size_t length = read_le32(raw.data() + offset);
    offset += 4;
    if (raw.size() - offset < length)
      throw std::invalid_argument("BYTES element " + std::to_string(elements.size()) + ": length " +
                                  std::to_string(length) + " exceeds the " +
                                  std::to_string(raw.size() - offset) + " remaining bytes");
    elements.push_back(raw.substr(offset, length));
    offset += length;
  }
  return elements;
}

void append_bytes_element(std::string& out, std::string_view element) {
  if (element.size() > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("a BYTES element of " + std::to_string(element.size()) +
                                " bytes does not fit a 4-byte length");
  const auto length = static_cast<std::uint32_t>(element.size());
  const char prefix[4] = {static_cast<char>(length & 0xFF), static_cast<char>(length >> 8 & 0xFF),
                          static_cast<char>(length >> 16 & 0xFF),
                          static_cast<char>(length >> 24 & 0xFF)};
  out.append(prefix, 4);
  out.append(element);
}

}  // namespace

Tensor tensor_from_raw(std::string datatype, std::vector<std::int64_t> shape, std::string_view raw,
                       std::shared_ptr<const void> owner) {
  if (datatype == "BYTES")
    return Tensor::view_strings(std::move(shape), split_bytes(raw), std::move(owner));
  return Tensor::view_bytes(std::move(datatype), std::move(shape), raw, std::move(owner));
}

std::size_t raw_size(const Tensor& tensor) {
  if (!tensor.is_bytes()) return tensor.raw().size();
  std::size_t size = 0;
  for (const auto element : tensor.strings()) size += 4 + element.size();
  return size;
}

void append_raw(std::string& out, const Tensor& tensor) {
  if (!tensor.is_bytes()) {
    out.append(tensor.raw());
    return;
  }
  for (const auto element : tensor.strings()) append_bytes_element(out, element);
}

}  // namespace cellflow

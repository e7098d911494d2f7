// What an encoded image's bytes say about it before decoding: its format, its size from the
// header, and whether a JPEG or PNG stream is complete. Private to cellflow::vision (DecodeImage).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cellflow::vision::image_header {

struct ImageSize {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  std::uint64_t pixels() const { return std::uint64_t{width} * height; }
};

/// The format the leading bytes announce ("JPEG", "PNG", "BMP", "GIF", "TIFF", "WebP", "PBM",
/// "PGM", "PPM"), "" when none is recognised.
std::string_view sniff_format(std::string_view data);

/// What the bytes say before decoding.
struct Header {
  std::string_view format;  ///< as sniff_format
  /// From the header of a JPEG (first SOFn segment), PNG (IHDR), BMP, GIF (logical screen) or
  /// WebP (VP8, VP8L or VP8X); std::nullopt for other formats or a header cut short.
  std::optional<ImageSize> size;
  /// Why a JPEG or PNG stream is incomplete, "" when it is complete (or of another format): a JPEG
  /// whose segments and scans end without the end-of-image marker FFD9, a PNG whose chunks end
  /// before IEND. Bytes after FFD9 or IEND (padding, a motion photo's appended video) are fine.
  std::string truncation;
};

/// Reads the header and walks the JPEG segments or PNG chunks (no pixel is decoded).
Header inspect(std::string_view data);

}  // namespace cellflow::vision::image_header

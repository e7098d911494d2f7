#include "image_header.hpp"

namespace cellflow::vision::image_header {
namespace {

using namespace std::string_view_literals;
constexpr std::size_t kNone = std::string_view::npos;

std::uint32_t u8(std::string_view d, std::size_t i) { return static_cast<unsigned char>(d[i]); }
std::uint32_t be16(std::string_view d, std::size_t i) { return u8(d, i) << 8 | u8(d, i + 1); }
std::uint32_t be32(std::string_view d, std::size_t i) { return be16(d, i) << 16 | be16(d, i + 2); }
std::uint32_t le16(std::string_view d, std::size_t i) { return u8(d, i) | u8(d, i + 1) << 8; }
std::uint32_t le24(std::string_view d, std::size_t i) { return le16(d, i) | u8(d, i + 2) << 16; }
std::uint32_t le32(std::string_view d, std::size_t i) { return le24(d, i) | u8(d, i + 3) << 24; }
/// |v| of a two's complement 32-bit value (BMP heights are negative for top-down rows).
std::uint32_t magnitude(std::uint32_t v) { return (v & 0x80000000U) ? ~v + 1 : v; }

std::optional<ImageSize> known(std::uint32_t width, std::uint32_t height) {
  if (width == 0 || height == 0) return std::nullopt;
  return ImageSize{width, height};
}

// --- JPEG: a chain of segments (FF marker, 16-bit length), each scan (SOS) followed by
// entropy-coded data in which FF only appears as FF00 stuffing or a restart marker FFD0..FFD7.

struct JpegLayout {
  std::optional<ImageSize> size;  // from the first SOFn
  bool complete = false;          // the end-of-image marker FFD9 was reached
};

bool is_frame_marker(std::uint32_t m) {  // SOF0..SOF15 except DHT, JPG and DAC
  return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

bool stands_alone(std::uint32_t m) { return m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD8); }

/// Where the entropy-coded data starting at `i` ends: the FF of the next marker.
std::size_t end_of_scan(std::string_view d, std::size_t i) {
  while ((i = d.find('\xFF', i)) != kNone && i + 1 < d.size()) {
    const std::uint32_t next = u8(d, i + 1);
    if (next != 0x00 && next != 0xFF && !(next >= 0xD0 && next <= 0xD7)) return i;
    i += next == 0xFF ? 1 : 2;
  }
  return d.size();
}

JpegLayout walk_jpeg(std::string_view d) {
  JpegLayout layout;
  std::size_t i = 2;  // after SOI; bytes between segments are skipped, as libjpeg does
  while ((i = d.find('\xFF', i)) != kNone) {
    while (i + 1 < d.size() && u8(d, i + 1) == 0xFF) ++i;  // fill bytes
    if (i + 1 >= d.size()) break;
    const std::uint32_t marker = u8(d, i + 1);
    i += 2;
    if (marker == 0xD9) {
      layout.complete = true;
      break;
    }
    if (stands_alone(marker)) continue;
    if (i + 2 > d.size()) break;
    // Segment: length (2, counting itself), then for SOFn: precision (1), height (2), width (2).
    if (is_frame_marker(marker) && !layout.size && i + 7 <= d.size())
      layout.size = known(be16(d, i + 5), be16(d, i + 3));
    i += be16(d, i);
    if (marker == 0xDA) i = end_of_scan(d, i);
  }
  return layout;
}

// --- PNG: signature, then chunks (length 4, type 4, data, CRC 4); IHDR first, IEND last.

bool png_has_iend(std::string_view d) {
  std::size_t i = 8;
  while (i + 8 <= d.size()) {
    if (d.substr(i + 4, 4) == "IEND"sv) return true;
    i += 12 + std::size_t{be32(d, i)};
  }
  return false;
}

std::optional<ImageSize> png_size(std::string_view d) {
  if (d.size() < 24 || d.substr(12, 4) != "IHDR"sv) return std::nullopt;
  return known(be32(d, 16), be32(d, 20));
}

// --- BMP: file header (14), then the DIB header: OS/2 core (12 bytes, 16-bit sizes) or
// BITMAPINFOHEADER and later (32-bit signed sizes).
std::optional<ImageSize> bmp_size(std::string_view d) {
  if (d.size() < 26) return std::nullopt;
  if (le32(d, 14) == 12) return known(le16(d, 18), le16(d, 20));
  return known(magnitude(le32(d, 18)), magnitude(le32(d, 22)));
}

// --- GIF: "GIF8?a", then the logical screen's width and height (16-bit little-endian).
std::optional<ImageSize> gif_size(std::string_view d) {
  if (d.size() < 10) return std::nullopt;
  return known(le16(d, 6), le16(d, 8));
}

// --- WebP: "RIFF" size "WEBP", then a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk.
std::optional<ImageSize> webp_size(std::string_view d) {
  if (d.size() < 30 || d.substr(8, 4) != "WEBP"sv) return std::nullopt;
  const std::string_view chunk = d.substr(12, 4);
  if (chunk == "VP8X"sv) return known(le24(d, 24) + 1, le24(d, 27) + 1);
  if (chunk == "VP8L"sv && u8(d, 20) == 0x2F) {
    const std::uint32_t bits = le32(d, 21);
    return known((bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1);
  }
  if (chunk == "VP8 "sv && d.substr(23, 3) == "\x9D\x01\x2A"sv)
    return known(le16(d, 26) & 0x3FFF, le16(d, 28) & 0x3FFF);
  return std::nullopt;
}

}  // namespace

std::string_view sniff_format(std::string_view data) {
  struct Magic {
    std::string_view prefix;
    std::string_view format;
  };
  static constexpr Magic kMagics[] = {{"\xFF\xD8\xFF"sv, "JPEG"},
                                      {"\x89PNG\r\n\x1A\n"sv, "PNG"},
                                      {"BM"sv, "BMP"},
                                      {"GIF8"sv, "GIF"},
                                      {"II*\0"sv, "TIFF"},
                                      {"MM\0*"sv, "TIFF"},
                                      {"RIFF"sv, "WebP"},
                                      {"P4"sv, "PBM"},
                                      {"P5"sv, "PGM"},
                                      {"P6"sv, "PPM"}};
  for (const auto& magic : kMagics)
    if (data.starts_with(magic.prefix)) return magic.format;
  return {};
}

Header inspect(std::string_view data) {
  Header header{sniff_format(data), std::nullopt, {}};
  if (header.format == "JPEG") {
    const JpegLayout layout = walk_jpeg(data);
    header.size = layout.size;
    if (!layout.complete) header.truncation = "truncated JPEG: no end-of-image marker (FFD9)";
  } else if (header.format == "PNG") {
    header.size = png_size(data);
    if (!png_has_iend(data)) header.truncation = "truncated PNG: no IEND chunk";
  } else if (header.format == "BMP") {
    header.size = bmp_size(data);
  } else if (header.format == "GIF") {
    header.size = gif_size(data);
  } else if (header.format == "WebP") {
    header.size = webp_size(data);
  }
  return header;
}

}  // namespace cellflow::vision::image_header

#include "cellflow/vision/text_recognizer.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"
#include "cellflow/vision/models.hpp"
#include "ctc_decode.hpp"
#include "text_crop.hpp"
#include "text_net.hpp"
#include "text_split.hpp"

namespace cellflow::vision {
namespace {

// The converted model's fixed input (scripts/convert_ppocr.py): 1x3x48x320.
constexpr int kInputHeight = 48;
constexpr int kInputWidth = 320;

// The crop scaled to the input height keeping its aspect ratio (squeezed if still too wide),
// normalized to [-1, 1] as PaddleOCR does and zero-padded on the right.
cv::Mat input_blob(const cv::Mat& crop) {
  const double aspect = static_cast<double>(crop.cols) / crop.rows;
  const int width = std::clamp(static_cast<int>(std::ceil(kInputHeight * aspect)), 1, kInputWidth);
  cv::Mat resized;
  cv::resize(crop, resized, cv::Size(width, kInputHeight), 0, 0, cv::INTER_LINEAR);
  resized.convertTo(resized, CV_32FC3, 2.0 / 255, -1.0);
  cv::copyMakeBorder(resized, resized, 0, 0, 0, kInputWidth - width, cv::BORDER_CONSTANT,
                     cv::Scalar::all(0));
  return cv::dnn::blobFromImage(resized);
}

// Trims spaces at both ends (pieces of a long line may start or end inside a word gap).
std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

struct TextRecognizer::Impl {
  cv::dnn::Net net;
  std::vector<std::string> charset;

  detail::Decoded read(const cv::Mat& bgr) {
    net.setInput(input_blob(bgr));
    const cv::Mat output = net.forward();  // 1 x steps x classes
    if (output.dims != 3 || output.size[2] != static_cast<int>(charset.size()))
      throw std::runtime_error("the recognizer's output does not match the character list (" +
                               std::to_string(charset.size()) + " classes)");
    return detail::ctc_greedy_decode(output.reshape(1, {output.size[1], output.size[2]}), charset);
  }

  // A crop wider than the input (at height 48) is read in pieces cut at word gaps.
  detail::Decoded read_line(const cv::Mat& bgr) {
    const int fits = bgr.rows * kInputWidth / kInputHeight;
    detail::Decoded line;
    float score_sum = 0;
    for (const auto& piece : detail::split_at_gaps(bgr, fits)) {
      const detail::Decoded part = read(bgr.colRange(piece.columns));
      const std::string text = trimmed(part.text);
      if (text.empty()) continue;
      if (!line.text.empty()) line.text += piece.after_space ? " " : "";
      line.text += text;
      score_sum += part.score * static_cast<float>(part.characters);
      line.characters += part.characters;
    }
    if (line.characters > 0) line.score = score_sum / static_cast<float>(line.characters);
    return line;
  }
};

TextRecognizer::TextRecognizer() = default;
TextRecognizer::~TextRecognizer() = default;

void TextRecognizer::open() {
  auto impl = std::make_unique<Impl>();
  impl->charset = detail::load_charset(model_path(*keys));
  impl->net = detail::load_text_net(*model, {1, 3, kInputHeight, kInputWidth});
  impl_ = std::move(impl);
}

void TextRecognizer::process(Context& ctx) {
  const TextRegion& in = ctx.get(region);
  detail::Decoded decoded = impl_->read_line(detail::as_bgr(in.crop, "text region crop"));
  if (decoded.score < *min_score) return;
  ctx.emit(word, Word{std::move(decoded.text), decoded.score, in.box});
}

void TextRecognizer::close() { impl_.reset(); }

}  // namespace cellflow::vision

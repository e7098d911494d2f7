#include "cellflow/vision/text_recognizer.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

#include "batch_inputs.hpp"
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
// normalized to [-1, 1] as PaddleOCR does and zero-padded on the right: one HxW CV_32FC3 image.
cv::Mat input_image(const cv::Mat& crop) {
  const double aspect = static_cast<double>(crop.cols) / crop.rows;
  const int width = std::clamp(static_cast<int>(std::ceil(kInputHeight * aspect)), 1, kInputWidth);
  cv::Mat resized;
  cv::resize(crop, resized, cv::Size(width, kInputHeight), 0, 0, cv::INTER_LINEAR);
  resized.convertTo(resized, CV_32FC3, 2.0 / 255, -1.0);
  cv::copyMakeBorder(resized, resized, 0, 0, 0, kInputWidth - width, cv::BORDER_CONSTANT,
                     cv::Scalar::all(0));
  return resized;
}

// The pieces of text one forward pass reads at most (bounds the blob: 1.8 MB per 10 pieces).
constexpr std::size_t kMaxPiecesPerPass = 32;

// Trims spaces at both ends (pieces of a long line may start or end inside a word gap).
std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

}  // namespace

// A crop to read: its pieces (one unless it is wider than the input at height 48).
struct Line {
  cv::Mat bgr;
  std::vector<detail::CropPiece> pieces;
};

struct TextRecognizer::Impl {
  cv::dnn::Net net;
  std::vector<std::string> charset;

  Line split(const cv::Mat& bgr) const {
    return {bgr, detail::split_at_gaps(bgr, bgr.rows * kInputWidth / kInputHeight)};
  }

  // Every piece of every line read in as few forward passes as fit, one row per piece.
  std::vector<detail::Decoded> read(const std::vector<cv::Mat>& pieces) {
    std::vector<detail::Decoded> decoded;
    for (std::size_t first = 0; first < pieces.size(); first += kMaxPiecesPerPass) {
      const std::size_t last = std::min(pieces.size(), first + kMaxPiecesPerPass);
      std::vector<cv::Mat> images;
      for (std::size_t i = first; i < last; ++i) images.push_back(input_image(pieces[i]));
      net.setInput(cv::dnn::blobFromImages(images));
      const cv::Mat output = net.forward();  // pieces x steps x classes
      if (output.dims != 3 || output.size[0] != static_cast<int>(images.size()) ||
          output.size[2] != static_cast<int>(charset.size()))
        throw std::runtime_error(
            "the recognizer's output does not match the character list (" +
            std::to_string(charset.size()) +
            " classes) and its batch: re-run scripts/fetch-models.sh, which converts it");
      for (int row = 0; row < output.size[0]; ++row)
        decoded.push_back(
            detail::ctc_greedy_decode(cv::Mat(output.size[1], output.size[2], CV_32F,
                                              const_cast<float*>(output.ptr<float>(row))),
                                      charset));
    }
    return decoded;
  }

  // Each line's text, from its pieces read together with every other line's.
  std::vector<detail::Decoded> read_lines(const std::vector<Line>& lines) {
    std::vector<cv::Mat> pieces;
    for (const Line& line : lines)
      for (const auto& piece : line.pieces) pieces.push_back(line.bgr.colRange(piece.columns));
    const std::vector<detail::Decoded> parts = read(pieces);
    std::vector<detail::Decoded> texts;
    std::size_t next = 0;
    for (const Line& line : lines) {
      texts.push_back(joined(line, parts, next));
      next += line.pieces.size();
    }
    return texts;
  }

  // The pieces' texts from `first` on, joined (a space where the cut fell in a word gap).
  static detail::Decoded joined(const Line& line, const std::vector<detail::Decoded>& parts,
                                std::size_t first) {
    detail::Decoded text;
    float score_sum = 0;
    for (std::size_t k = 0; k < line.pieces.size(); ++k) {
      const detail::Decoded& part = parts[first + k];
      const std::string piece_text = trimmed(part.text);
      if (piece_text.empty()) continue;
      if (!text.text.empty()) text.text += line.pieces[k].after_space ? " " : "";
      text.text += piece_text;
      score_sum += part.score * static_cast<float>(part.characters);
      text.characters += part.characters;
    }
    if (text.characters > 0) text.score = score_sum / static_cast<float>(text.characters);
    return text;
  }
};

namespace {

// The word read from a region, unless it scores below `min_score`.
void emit_word(Context& ctx, const Output<Word>& word, double min_score, detail::Decoded decoded,
               const cv::Rect& box) {
  if (decoded.score < min_score) return;
  ctx.emit(word, Word{std::move(decoded.text), decoded.score, box});
}

}  // namespace

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
  detail::Decoded decoded =
      impl_->read_lines({impl_->split(detail::as_bgr(in.crop, "text region crop"))}).front();
  emit_word(ctx, word, *min_score, std::move(decoded), in.box);
}

void TextRecognizer::process_batch(BatchContext& batch) {
  const auto read = detail::read_batch(batch, [&](Context& ctx) {
    return impl_->split(detail::as_bgr(ctx.get(region).crop, "text region crop"));
  });
  auto texts = impl_->read_lines(read.inputs);
  for (std::size_t k = 0; k < read.items.size(); ++k) {
    Context& ctx = batch[read.items[k]];
    emit_word(ctx, word, *min_score, std::move(texts[k]), ctx.get(region).box);
  }
}

void TextRecognizer::close() { impl_.reset(); }

}  // namespace cellflow::vision

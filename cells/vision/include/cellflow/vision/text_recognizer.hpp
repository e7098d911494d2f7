// TextRecognizer: reads the text of one region with PaddleOCR's PP-OCRv4 recognizer on cv::dnn
// (CTC greedy decoding over PaddleOCR's 6623-character list plus space). The natural cell to
// clone (ScaleUp): each clone loads its own network.
//   in  region  TextRegion (its crop is read)
//   out word    Word: text (UTF-8), score (mean character confidence), box (the region's box);
//               one per region, none when the score is below min_score
// Params: model (default "ppocr/rec.onnx"), keys (default "ppocr/keys.txt"), min_score (0: keep
// every word, including empty ones). The crop is scaled to height 48 for a 320 wide input; a
// longer crop (a text line) is cut at the gaps between words and read piece by piece. An empty
// crop fails the item (std::invalid_argument). Accepts a "batch" policy (dynamic batching).
#pragma once

#include <memory>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/vision/text.hpp"

namespace cellflow::vision {

class TextRecognizer final : public Cell {
 public:
  Input<TextRegion> region{*this, "region"};
  Output<Word> word{*this, "word"};
  Param<std::string> model{*this, "model", "ppocr/rec.onnx",
                           "recognizer ONNX file, relative to the models directory"};
  Param<std::string> keys{*this, "keys", "ppocr/keys.txt",
                          "character list (one per line), relative to the models directory"};
  Param<double> min_score{*this, "min_score", 0.0,
                          "words scoring below this are dropped (0 keeps all)", between(0, 1)};

  TextRecognizer();
  ~TextRecognizer() override;
  void open() override;
  void process(Context& ctx) override;
  /// Reads the pieces of all the batch's regions in one forward pass (up to 32 pieces per pass):
  /// the same words as one region at a time; an unreadable crop fails its item only.
  bool batches() const override { return true; }
  void process_batch(BatchContext& batch) override;
  void close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::vision

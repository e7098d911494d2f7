#include "cellflow/vision/join_words.hpp"
#include "cellflow/vision/text_detector.hpp"
#include "cellflow/vision/text_recognizer.hpp"
#include "register_parts.hpp"

namespace cellflow::vision {

void register_text_cells(Registry& registry) {
  registry.add<TextDetector>("TextDetector",
                             "finds text regions in a BGR image (PP-OCRv4 detector, cv::dnn)");
  registry.add<TextRecognizer>("TextRecognizer",
                               "reads the word in a text region (PP-OCRv4 recognizer, cv::dnn)");
  registry.add<JoinWords>("JoinWords",
                          "gathers an image's words in reading order, and as text lines");
}

}  // namespace cellflow::vision

#include "text_split.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace cellflow::vision::detail {
namespace {

// Ink pixels per column.
std::vector<int> column_ink(const cv::Mat& bgr) {
  cv::Mat grey, ink;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  cv::threshold(grey, ink, 0, 1, cv::THRESH_BINARY | cv::THRESH_OTSU);
  if (2 * static_cast<std::size_t>(cv::countNonZero(ink)) > ink.total())
    ink = 1 - ink;  // dark text on light ground
  cv::Mat sums;
  cv::reduce(ink, sums, 0, cv::REDUCE_SUM, CV_32S);
  return std::vector<int>(sums.begin<int>(), sums.end<int>());
}

struct Cut {
  int column;
  int gap;  // width of the ink-free run it is in
};

// Where to cut in [from, to): the middle of the widest ink-free run, else the faintest column.
Cut best_cut(const std::vector<int>& ink, int from, int to) {
  Cut best{from, 0};
  for (int c = from; c < to;) {
    int end = c;
    while (end < to && ink[static_cast<std::size_t>(end)] == 0) ++end;
    if (end - c > best.gap) best = {(c + end) / 2, end - c};
    c = std::max(end, c + 1);
  }
  if (best.gap > 0) return best;
  const auto faintest = std::min_element(ink.begin() + from, ink.begin() + to);
  return {static_cast<int>(faintest - ink.begin()), 0};
}

}  // namespace

std::vector<CropPiece> split_at_gaps(const cv::Mat& bgr, int max_width) {
  max_width = std::max(max_width, 2);
  if (bgr.cols <= max_width) return {{cv::Range(0, bgr.cols), false}};
  const std::vector<int> ink = column_ink(bgr);
  const int word_space = std::max(3, bgr.rows / 6);  // crops are about 1.5x the text height
  std::vector<CropPiece> pieces;
  int start = 0;
  bool after_space = false;
  while (bgr.cols - start > max_width) {
    const Cut cut = best_cut(ink, start + max_width / 2, start + max_width);
    pieces.push_back({cv::Range(start, cut.column), after_space});
    start = cut.column;
    after_space = cut.gap >= word_space;
  }
  pieces.push_back({cv::Range(start, bgr.cols), after_space});
  return pieces;
}

}  // namespace cellflow::vision::detail

#include "text_order.hpp"

#include <algorithm>
#include <numeric>

namespace cellflow::vision::detail {
namespace {

bool same_line(const cv::Rect& line, const cv::Rect& box) {
  const int overlap = std::min(line.br().y, box.br().y) - std::max(line.y, box.y);
  return 2 * overlap >= std::min(line.height, box.height);
}

}  // namespace

std::vector<std::vector<std::size_t>> reading_lines(const std::vector<cv::Rect>& boxes) {
  std::vector<std::size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return 2 * boxes[a].y + boxes[a].height < 2 * boxes[b].y + boxes[b].height;
  });
  std::vector<std::vector<std::size_t>> lines;
  cv::Rect line;  // vertical extent of the current line
  for (const std::size_t i : order) {
    if (!lines.empty() && same_line(line, boxes[i])) {
      lines.back().push_back(i);
      line |= boxes[i];
    } else {
      lines.push_back({i});
      line = boxes[i];
    }
  }
  for (auto& words : lines)
    std::stable_sort(words.begin(), words.end(),
                     [&](std::size_t a, std::size_t b) { return boxes[a].x < boxes[b].x; });
  return lines;
}

}  // namespace cellflow::vision::detail

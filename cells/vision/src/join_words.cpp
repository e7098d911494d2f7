#include "cellflow/vision/join_words.hpp"

#include <algorithm>

#include "text_order.hpp"

namespace cellflow::vision {

void JoinWords::process(Context& ctx) {
  Words all = ctx.take_all(words);
  std::erase_if(all, [](const Word& w) { return w.text.empty(); });
  std::vector<cv::Rect> boxes;
  for (const auto& w : all) boxes.push_back(w.box);
  Words ordered;
  std::string joined;
  for (const auto& line : detail::reading_lines(boxes)) {
    if (!ordered.empty()) joined += '\n';
    for (std::size_t k = 0; k < line.size(); ++k) {
      if (k > 0) joined += ' ';
      joined += all[line[k]].text;
      ordered.push_back(std::move(all[line[k]]));
    }
  }
  ctx.emit(out, std::move(ordered));
  ctx.emit(text, std::move(joined));
}

}  // namespace cellflow::vision

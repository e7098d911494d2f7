#include "cellflow/vision/detections.hpp"

#include <algorithm>
#include <tuple>

namespace cellflow::vision {

void sort_best_first(std::vector<Detection>& items) {
  const auto key = [](const Detection& d) {
    return std::tuple(-d.score, d.box.y, d.box.x, d.box.width, d.box.height);
  };
  std::sort(items.begin(), items.end(),
            [&](const Detection& a, const Detection& b) { return key(a) < key(b); });
}

}  // namespace cellflow::vision

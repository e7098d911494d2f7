#include "ctc_decode.hpp"

#include <fstream>

#include "cellflow/error.hpp"

namespace cellflow::vision::detail {

std::vector<std::string> load_charset(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot read the character list '" + path + "'");
  std::vector<std::string> charset{""};  // the CTC blank
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    charset.push_back(line);
  }
  if (charset.size() == 1) throw Error("the character list '" + path + "' is empty");
  charset.emplace_back(" ");
  return charset;
}

Decoded ctc_greedy_decode(const cv::Mat& probabilities, const std::vector<std::string>& charset) {
  Decoded decoded;
  float sum = 0;
  int previous = -1;
  for (int t = 0; t < probabilities.rows; ++t) {
    cv::Point best;
    double probability = 0;
    cv::minMaxLoc(probabilities.row(t), nullptr, &probability, nullptr, &best);
    const int index = best.x;
    if (index != 0 && index != previous && index < static_cast<int>(charset.size())) {
      decoded.text += charset[static_cast<std::size_t>(index)];
      sum += static_cast<float>(probability);
      ++decoded.characters;
    }
    previous = index;
  }
  if (decoded.characters > 0) decoded.score = sum / static_cast<float>(decoded.characters);
  return decoded;
}

}  // namespace cellflow::vision::detail

// CTC greedy decoding of a PP-OCR recognizer output, as PaddleOCR's CTCLabelDecode does it.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace cellflow::vision::detail {

struct Decoded {
  std::string text;    ///< UTF-8
  float score = 0;     ///< mean probability of the kept characters (0 when there are none)
  int characters = 0;  ///< how many were kept
};

/// PaddleOCR's character list from a keys file (one UTF-8 character per line): index 0 is the
/// CTC blank, then the file's characters, then " " (use_space_char). Throws cellflow::Error when
/// the file cannot be read or is empty.
std::vector<std::string> load_charset(const std::string& path);

/// Best class per time step; repeats are merged and blanks (index 0) dropped. `probabilities` is
/// CV_32FC1, one row per time step, one column per class of `charset`.
Decoded ctc_greedy_decode(const cv::Mat& probabilities, const std::vector<std::string>& charset);

}  // namespace cellflow::vision::detail

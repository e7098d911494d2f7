// Loading the PP-OCR networks for the text cells.
#pragma once

#include <opencv2/dnn.hpp>
#include <string>

namespace cellflow::vision::detail {

/// The ONNX network at models_dir()/`relative` (or an absolute path), on the OpenCV CPU backend,
/// after one warm-up run on a zero input of `input_shape` (NCHW). Throws cellflow::Error naming
/// the file (and scripts/fetch-models.sh) when it is missing, cannot be loaded or does not run
/// at that input size.
cv::dnn::Net load_text_net(const std::string& relative, const std::vector<int>& input_shape);

}  // namespace cellflow::vision::detail

#include "text_net.hpp"

#include "cellflow/error.hpp"
#include "cellflow/vision/models.hpp"
#include "cellflow/vision/opencv_threads.hpp"

namespace cellflow::vision::detail {

cv::dnn::Net load_text_net(const std::string& relative, const std::vector<int>& input_shape) {
  route_opencv_threads();
  const std::string path = model_path(relative);
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    net.setInput(cv::Mat(input_shape, CV_32F, cv::Scalar(0)));
    if (net.forward().empty())
      throw cv::Exception(0, "empty output", "forward", __FILE__, __LINE__);
    return net;
  } catch (const cv::Exception& e) {
    throw Error("cannot use model '" + path + "' (" + e.what() +
                "): re-run scripts/fetch-models.sh, which converts it for OpenCV " CV_VERSION);
  }
}

}  // namespace cellflow::vision::detail
